package io.spillway.packet;

import io.spillway.packet.LinkType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds link-layer frames layer by layer for parser tests, into off-heap memory.
 * <p>
 * Each layer leaves its "next protocol" field (ethertype, PPP protocol, IP protocol or next header) open and the
 * layer appended after it fills it with its own code, so {@code ethernet().vlan(10).ipv4(a, b).udp(1, 2)} gets
 * 0x8100, 0x0800 and 17 without the test spelling them. {@link #next(int)} writes a raw code instead (ARP, ESP).
 * Length fields (IPv4 total length, IPv6 payload length, UDP and PPPoE lengths) and the IPv4 header checksum are
 * computed at {@link #build()} over everything but {@link #padding(int)}; the override methods break them on
 * purpose for malformation tests. The values here are written from the RFCs, independently of the parser's
 * constants, so a wrong constant in the parser fails a test.
 */
public final class PacketBuilder
{
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_QINQ = 0x88A8;
    public static final int ETHERTYPE_QINQ_LEGACY = 0x9100;
    public static final int ETHERTYPE_MPLS = 0x8847;
    public static final int ETHERTYPE_PPPOE_SESSION = 0x8864;
    public static final int ETHERTYPE_LLDP = 0x88CC;
    public static final int ETHERTYPE_TRANSPARENT_BRIDGING = 0x6558;

    public static final int PROTOCOL_HOP_BY_HOP = 0;
    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_IP_IN_IP = 4;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    public static final int PROTOCOL_IPV6 = 41;
    public static final int PROTOCOL_ROUTING = 43;
    public static final int PROTOCOL_FRAGMENT = 44;
    public static final int PROTOCOL_GRE = 47;
    public static final int PROTOCOL_ESP = 50;
    public static final int PROTOCOL_AUTHENTICATION = 51;
    public static final int PROTOCOL_ICMPV6 = 58;
    public static final int PROTOCOL_NO_NEXT_HEADER = 59;
    public static final int PROTOCOL_DESTINATION_OPTIONS = 60;
    public static final int PROTOCOL_OSPF = 89;
    public static final int PROTOCOL_SCTP = 132;
    public static final int PROTOCOL_MOBILITY = 135;
    public static final int PROTOCOL_HIP = 139;
    public static final int PROTOCOL_SHIM6 = 140;
    public static final int PROTOCOL_EXPERIMENT_1 = 253;
    public static final int PROTOCOL_EXPERIMENT_2 = 254;

    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_PSH = 0x08;
    public static final int TCP_ACK = 0x10;

    /** 802.11 frame control, first byte: type data, subtypes data, QoS data, null; a beacon; an ACK. */
    public static final int WLAN_DATA = 0x08;
    public static final int WLAN_QOS_DATA = 0x88;
    public static final int WLAN_NULL = 0x48;
    public static final int WLAN_QOS_NULL = 0xC8;
    public static final int WLAN_BEACON = 0x80;
    public static final int WLAN_ACK = 0xD4;
    /** 802.11 frame control, second byte. */
    public static final int WLAN_TO_DS = 0x01;
    public static final int WLAN_FROM_DS = 0x02;
    public static final int WLAN_MORE_FRAGMENTS = 0x04;
    public static final int WLAN_PROTECTED = 0x40;
    public static final int WLAN_ORDER = 0x80;
    /** QoS control, first byte: A-MSDU present. */
    public static final int WLAN_QOS_A_MSDU = 0x80;
    /** Radiotap flags. */
    public static final int RADIOTAP_FCS = 0x10;
    public static final int RADIOTAP_DATA_PAD = 0x20;
    /** ERF record types (Wireshark's wiretap/erf_record.h, libpcap's pcap-dag.c). */
    public static final int ERF_TYPE_HDLC_POS = 1;
    public static final int ERF_TYPE_ETH = 2;
    public static final int ERF_TYPE_ATM = 3;
    public static final int ERF_TYPE_COLOR_HDLC_POS = 10;
    public static final int ERF_TYPE_COLOR_ETH = 11;
    public static final int ERF_TYPE_DSM_COLOR_ETH = 16;
    public static final int ERF_TYPE_COLOR_HASH_POS = 19;
    public static final int ERF_TYPE_COLOR_HASH_ETH = 20;
    public static final int ERF_TYPE_IPV4 = 22;
    public static final int ERF_TYPE_IPV6 = 23;
    public static final int ERF_TYPE_PAD = 48;

    public static final int AF_INET = 2;
    public static final int AF_INET6_BSD = 24;
    public static final int AF_INET6_FREEBSD = 28;
    public static final int AF_INET6_DARWIN = 30;

    private static final int NEXT_NONE = 0;
    private static final int NEXT_ETHERTYPE = 1;
    private static final int NEXT_PPP = 2;
    private static final int NEXT_PPP_COMPRESSED = 3;
    private static final int NEXT_IP_PROTOCOL = 4;

    private static final int NONE = -1;

    private final int linkType;
    private final List<LengthField> lengthFields = new ArrayList<>();
    private final List<Integer> ipv4Headers = new ArrayList<>();
    private byte[] bytes = new byte[128];
    private int length;
    private int contentEnd = NONE;
    private int nextKind = NEXT_NONE;
    private int nextPosition;
    private int l3Offset = NONE;
    private int lastIp = NONE;
    private int lastIpv4 = NONE;
    private int lastIpv6 = NONE;
    private int lastExtension = NONE;
    private int lastTcp = NONE;
    private int erfRecordLength = NONE;

    private PacketBuilder(final int linkType)
    {
        this.linkType = linkType;
    }

    /** Ethernet II: destination and source MAC, then the ethertype of the next layer. */
    public static PacketBuilder ethernet()
    {
        return new PacketBuilder(LinkType.ETHERNET).ethernetHeader();
    }

    /** Linux cooked capture v1: 16 bytes, protocol at 14. */
    public static PacketBuilder linuxSll()
    {
        final PacketBuilder builder = new PacketBuilder(LinkType.LINUX_SLL);
        builder.put16(0).put16(1).put16(6).putMac(0x02).put16(0).put16(0).next(NEXT_ETHERTYPE, builder.length - 2);
        return builder;
    }

    /** Linux cooked capture v2: 20 bytes, protocol at 0. */
    public static PacketBuilder linuxSll2()
    {
        final PacketBuilder builder = new PacketBuilder(LinkType.LINUX_SLL2);
        builder.put16(0).put16(0).put32(3).put16(1).put8(0).put8(6).putMac(0x02).put16(0);
        builder.next(NEXT_ETHERTYPE, 0);
        return builder;
    }

    /** BSD loopback: the 4-byte address family in the given byte order (the capturing host's). */
    public static PacketBuilder nullLink(final int family, final ByteOrder order)
    {
        final PacketBuilder builder = new PacketBuilder(LinkType.NULL);
        return builder.put32(ByteOrder.BIG_ENDIAN == order ? family : Integer.reverseBytes(family));
    }

    /** OpenBSD loopback: the 4-byte address family in network order. */
    public static PacketBuilder loop(final int family)
    {
        return new PacketBuilder(LinkType.LOOP).put32(family);
    }

    /** PPP: optional 0xff 0x03 address and control, then a 2-byte or a compressed 1-byte protocol. */
    public static PacketBuilder ppp(final boolean addressAndControl, final boolean compressedProtocol)
    {
        return new PacketBuilder(LinkType.PPP).pppHeader(addressAndControl, compressedProtocol);
    }

    /** PPP in HDLC-like framing (RFC 1662): 0xff 0x03 then the protocol. */
    public static PacketBuilder pppHdlc(final boolean compressedProtocol)
    {
        return new PacketBuilder(LinkType.PPP_HDLC).pppHeader(true, compressedProtocol);
    }

    /** Cisco HDLC: address 0x0f, control 0, ethertype; as C_HDLC or as the Cisco framing of PPP_HDLC. */
    public static PacketBuilder ciscoHdlc(final int linkType)
    {
        final PacketBuilder builder = new PacketBuilder(linkType);
        builder.put8(0x0F).put8(0).put16(0).next(NEXT_ETHERTYPE, 2);
        return builder;
    }

    /** No link header: RAW, RAW_BSD, RAW_OPENBSD, IPV4, IPV6. */
    public static PacketBuilder raw(final int linkType)
    {
        return new PacketBuilder(linkType);
    }

    /**
     * PPI (version 0, no alignment flag) with the given DLT and, for 802.11, an 802.11-Common field (type 2, 20
     * bytes). Follow it with the frame of that DLT, e.g. {@link #ethernetHeader()} or {@link #wlanData}.
     */
    public static PacketBuilder ppi(final int dlt)
    {
        final PacketBuilder builder = new PacketBuilder(LinkType.PPI);
        final int fields = LinkType.IEEE802_11 == dlt ? 24 : 0;
        builder.put8(0).put8(0).put16le(8 + fields).put32le(dlt);
        if (fields > 0)
        {
            builder.put16le(2).put16le(20).put64(0x0102_0304_0506_0708L).put16le(0).put16le(108).put16le(2437)
                .put16le(0x00C0).put8(0).put8(0).put8(-40).put8(-90);
        }
        return builder;
    }

    /**
     * Radiotap: version 0, the present bitmap (TSFT when asked, flags when {@code flags >= 0}, and
     * {@code extraPresentWords} further all-zero bitmaps announced by bit 31), then the fields: TSFT 8-aligned, the
     * flags byte and a rate byte. Follow it with {@link #wlanData}.
     */
    public static PacketBuilder radiotap(final boolean tsft, final int flags, final int extraPresentWords)
    {
        final PacketBuilder builder = new PacketBuilder(LinkType.IEEE802_11_RADIOTAP);
        final int present = (tsft ? 0x01 : 0) | (flags >= 0 ? 0x02 : 0) | 0x04 | (extraPresentWords > 0 ? 1 << 31 : 0);
        builder.put8(0).put8(0).put16le(0).put32le(present);
        for (int i = 0; i < extraPresentWords; i++)
        {
            builder.put32le(i == extraPresentWords - 1 ? 0 : 1 << 31);
        }
        if (tsft)
        {
            while (builder.length % 8 != 0)
            {
                builder.put8(0);
            }
            builder.put64(0x1122_3344_5566_7788L);
        }
        if (flags >= 0)
        {
            builder.put8(flags);
        }
        builder.put8(12);
        builder.bytes[2] = (byte)builder.length;
        builder.bytes[3] = (byte)(builder.length >>> 8);
        return builder;
    }

    public static PacketBuilder radiotap(final int flags)
    {
        return radiotap(false, flags, 0);
    }

    /** A bare 802.11 frame (LINKTYPE_IEEE802_11): follow it with {@link #wlanData} or {@link #wlanHeader}. */
    public static PacketBuilder wlan()
    {
        return new PacketBuilder(LinkType.IEEE802_11);
    }

    /**
     * An ERF record header: timestamp, type (with the extension bit when {@code extensionHeaders > 0}), flags, rlen
     * (the whole record, padding included), lctr, wlen (the frame, not the {@link #padding} after it), the
     * extension headers, and for the Ethernet types the 2 bytes of offset and pad and the Ethernet header.
     */
    public static PacketBuilder erf(final int type, final int extensionHeaders)
    {
        final PacketBuilder builder = new PacketBuilder(LinkType.ERF);
        builder.put64(Long.reverseBytes(0x6000_0000_8000_0000L)).put8(type | (extensionHeaders > 0 ? 0x80 : 0))
            .put8(0x04).put16(0).put16(0).put16(0);
        builder.erfRecordLength = 10;
        for (int i = 0; i < extensionHeaders; i++)
        {
            // Extension header type 5 (flow id), more follow while the top bit is set.
            builder.put8((i < extensionHeaders - 1 ? 0x80 : 0) | 5).put8(0).put16(0).put32(0x0000_1234 + i);
        }
        final boolean ethernet = switch (type)
        {
            case ERF_TYPE_ETH, ERF_TYPE_COLOR_ETH, ERF_TYPE_DSM_COLOR_ETH, ERF_TYPE_COLOR_HASH_ETH -> true;
            default -> false;
        };
        if (ethernet)
        {
            builder.put8(0).put8(0);
        }
        builder.lengthFields.add(new LengthField(14, builder.length));
        return ethernet ? builder.ethernetHeader() : builder;
    }

    /**
     * An 802.11 header: frame control (first byte {@code frameControl}, e.g. {@link #WLAN_QOS_DATA}; second byte
     * {@code flags}), duration, three addresses, sequence control ({@code fragmentNumber} in its low bits), the
     * fourth address when both DS bits are set, QoS control when {@code qosControl >= 0}, HT control when
     * {@code htControl}.
     */
    public PacketBuilder wlanHeader(
        final int frameControl, final int flags, final int fragmentNumber, final int qosControl,
        final boolean htControl)
    {
        put8(frameControl).put8(flags).put16(0x3A01).putMac(0x10).putMac(0x20).putMac(0x30)
            .put8(fragmentNumber).put8(0x05);
        if ((flags & 0x03) == 0x03)
        {
            putMac(0x40);
        }
        if (qosControl >= 0)
        {
            put8(qosControl).put8(0);
        }
        if (htControl)
        {
            put32(0x0000_0000);
        }
        return this;
    }

    /** A data or QoS data frame's header, then LLC/SNAP (RFC 1042) whose ethertype the next layer fills. */
    public PacketBuilder wlanData(final int flags, final boolean qos, final boolean htControl)
    {
        return wlanHeader(qos ? WLAN_QOS_DATA : WLAN_DATA, flags | (htControl ? WLAN_ORDER : 0), 0, qos ? 0 : -1,
            htControl).llcSnap(0x00_0000);
    }

    /** The first A-MSDU subframe header: destination, source and a length counting to the end of the content. */
    public PacketBuilder aMsduSubframe()
    {
        putMac(0x50).putMac(0x60).put16(0);
        lengthFields.add(new LengthField(length - 2, length));
        return this;
    }

    /** An LLC header AA AA 03 and SNAP with the given OUI; the next layer fills the ethertype. */
    public PacketBuilder llcSnap(final int oui)
    {
        put8(0xAA).put8(0xAA).put8(0x03).put8(oui >>> 16).put8(oui >>> 8).put8(oui).put16(0);
        return next(NEXT_ETHERTYPE, length - 2);
    }

    /** Bytes as given (padding inside a frame, an LLC header that is not SNAP, ...), not a layer of their own. */
    public PacketBuilder bytes(final int... values)
    {
        for (final int value : values)
        {
            put8(value);
        }
        return this;
    }

    public PacketBuilder ethernetHeader()
    {
        fillNext(ETHERTYPE_TRANSPARENT_BRIDGING, NONE, NONE);
        putMac(0x00).putMac(0x06).put16(0);
        return next(NEXT_ETHERTYPE, length - 2);
    }

    public PacketBuilder vlan(final int vlanId)
    {
        return vlan(ETHERTYPE_VLAN, vlanId);
    }

    /** A VLAN tag with the given tag protocol identifier (0x8100, 0x88a8, 0x9100); priority 5 so it is masked. */
    public PacketBuilder vlan(final int tagProtocol, final int vlanId)
    {
        fillNext(tagProtocol, NONE, NONE);
        put16((5 << 13) | vlanId).put16(0);
        return next(NEXT_ETHERTYPE, length - 2);
    }

    /** An MPLS label stack, bottom-of-stack set on the last label. */
    public PacketBuilder mpls(final int... labels)
    {
        fillNext(ETHERTYPE_MPLS, NONE, NONE);
        for (int i = 0; i < labels.length; i++)
        {
            final int bottom = i == labels.length - 1 ? 1 : 0;
            put32((labels[i] << 12) | (bottom << 8) | 64);
        }
        return this;
    }

    /** PPPoE session header, then a 2-byte PPP protocol. */
    public PacketBuilder pppoe()
    {
        fillNext(ETHERTYPE_PPPOE_SESSION, NONE, NONE);
        final int start = length;
        put8(0x11).put8(0).put16(0x1234).put16(0).put16(0);
        lengthFields.add(new LengthField(start + 4, start + 6));
        return next(NEXT_PPP, start + 6);
    }

    /** Fills the open next-protocol field with a raw code (an ethertype, PPP protocol or IP protocol). */
    public PacketBuilder next(final int code)
    {
        fillNext(code, code, code);
        return this;
    }

    public PacketBuilder ipv4(final int src, final int dst)
    {
        fillNext(ETHERTYPE_IPV4, 0x0021, PROTOCOL_IP_IN_IP);
        final int start = markIp();
        put8(0x45).put8(0).put16(0).put16(0x1234).put16(0x4000).put8(64).put8(0).put16(0).put32(src).put32(dst);
        lastIpv4 = start;
        ipv4Headers.add(start);
        lengthFields.add(new LengthField(start + 2, start));
        return next(NEXT_IP_PROTOCOL, start + 9);
    }

    /** Appends NOP options to the IPv4 header just written and raises its header length. */
    public PacketBuilder ipv4Options(final int optionBytes)
    {
        if (optionBytes % 4 != 0 || optionBytes > 40 || length != lastIpv4 + headerLength(lastIpv4))
        {
            throw new IllegalStateException("options are whole words, at most 40 bytes, right after ipv4()");
        }
        for (int i = 0; i < optionBytes; i++)
        {
            put8(1);
        }
        return ipv4HeaderLength((length - lastIpv4) / 4);
    }

    /** Makes the last IPv4 header a fragment: offset in 8-byte units. */
    public PacketBuilder ipv4Fragment(final int id, final int offsetUnits, final boolean moreFragments)
    {
        set16(lastIpv4 + 4, id);
        set16(lastIpv4 + 6, (moreFragments ? 0x2000 : 0) | offsetUnits);
        return this;
    }

    public PacketBuilder ipv4HeaderLength(final int words)
    {
        bytes[lastIpv4] = (byte)((bytes[lastIpv4] & 0xF0) | (words & 0x0F));
        return this;
    }

    public PacketBuilder ipv4TotalLength(final int totalLength)
    {
        lengthField(lastIpv4 + 2).override = totalLength;
        return this;
    }

    /** Rewrites the version nibble of the last IP header. */
    public PacketBuilder ipVersion(final int version)
    {
        bytes[lastIp] = (byte)((version << 4) | (bytes[lastIp] & 0x0F));
        return this;
    }

    public PacketBuilder ipv6(final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        fillNext(ETHERTYPE_IPV6, 0x0057, PROTOCOL_IPV6);
        final int start = markIp();
        put32(0x6000_0000).put16(0).put8(0).put8(64).put64(srcHi).put64(srcLo).put64(dstHi).put64(dstLo);
        lastIpv6 = start;
        lengthFields.add(new LengthField(start + 4, start + 40));
        return next(NEXT_IP_PROTOCOL, start + 6);
    }

    public PacketBuilder ipv6PayloadLength(final int payloadLength)
    {
        lengthField(lastIpv6 + 4).override = payloadLength;
        return this;
    }

    /**
     * An IPv6 extension header of {@code headerLength} bytes (a multiple of 8, or of 4 for AH), zero-filled past
     * its first two bytes: Pad1 options for hop-by-hop and destination options.
     */
    public PacketBuilder ipv6Extension(final int type, final int headerLength)
    {
        fillNext(NONE, NONE, type);
        final int start = length;
        final int lengthField = PROTOCOL_AUTHENTICATION == type ? headerLength / 4 - 2 : headerLength / 8 - 1;
        put8(0).put8(lengthField);
        for (int i = 2; i < headerLength; i++)
        {
            put8(0);
        }
        lastExtension = start;
        return next(NEXT_IP_PROTOCOL, start);
    }

    /** Rewrites the length byte of the last extension header. */
    public PacketBuilder ipv6ExtensionLengthField(final int value)
    {
        bytes[lastExtension + 1] = (byte)value;
        return this;
    }

    /** An IPv6 fragment header: offset in 8-byte units. */
    public PacketBuilder ipv6Fragment(final int id, final int offsetUnits, final boolean moreFragments)
    {
        fillNext(NONE, NONE, PROTOCOL_FRAGMENT);
        final int start = length;
        put8(0).put8(0).put16((offsetUnits << 3) | (moreFragments ? 1 : 0)).put32(id);
        lastExtension = start;
        return next(NEXT_IP_PROTOCOL, start);
    }

    public PacketBuilder tcp(final int srcPort, final int dstPort, final int flags)
    {
        fillNext(NONE, NONE, PROTOCOL_TCP);
        lastTcp = length;
        put16(srcPort).put16(dstPort).put32(1000).put32(2000).put8(5 << 4).put8(flags).put16(8192).put32(0);
        return this;
    }

    /** Appends NOP options to the TCP header just written and raises its data offset. */
    public PacketBuilder tcpOptions(final int optionBytes)
    {
        if (optionBytes % 4 != 0 || optionBytes > 40 || length != lastTcp + 20)
        {
            throw new IllegalStateException("options are whole words, at most 40 bytes, right after tcp()");
        }
        for (int i = 0; i < optionBytes; i++)
        {
            put8(1);
        }
        return tcpDataOffset((length - lastTcp) / 4);
    }

    public PacketBuilder tcpDataOffset(final int words)
    {
        bytes[lastTcp + 12] = (byte)(words << 4);
        return this;
    }

    public PacketBuilder udp(final int srcPort, final int dstPort)
    {
        fillNext(NONE, NONE, PROTOCOL_UDP);
        final int start = length;
        put16(srcPort).put16(dstPort).put16(0).put16(0);
        lengthFields.add(new LengthField(start + 4, start));
        return this;
    }

    /** SCTP common header: ports, verification tag, checksum. */
    public PacketBuilder sctp(final int srcPort, final int dstPort)
    {
        fillNext(NONE, NONE, PROTOCOL_SCTP);
        put16(srcPort).put16(dstPort).put32(0xCAFE_BABE).put32(0);
        return this;
    }

    public PacketBuilder icmp(final int type, final int code)
    {
        fillNext(NONE, NONE, PROTOCOL_ICMP);
        put8(type).put8(code).put16(0).put32(0x0001_0001);
        return this;
    }

    public PacketBuilder icmpv6(final int type, final int code)
    {
        fillNext(NONE, NONE, PROTOCOL_ICMPV6);
        put8(type).put8(code).put16(0).put32(0x0001_0001);
        return this;
    }

    /** A basic GRE header (RFC 2784) whose protocol type is the ethertype of the next layer. */
    public PacketBuilder gre()
    {
        fillNext(NONE, NONE, PROTOCOL_GRE);
        put16(0).put16(0);
        return next(NEXT_ETHERTYPE, length - 2);
    }

    /** A VXLAN header (RFC 7348); follow it with {@link #ethernetHeader()}. */
    public PacketBuilder vxlan(final int vni)
    {
        fillNext(NONE, NONE, NONE);
        put32(0x0800_0000).put32(vni << 8);
        return this;
    }

    /** Bytes of upper-layer data, counted in the length fields. */
    public PacketBuilder payload(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            put8(0xA0 + (i & 0x0F));
        }
        return this;
    }

    /** These bytes of upper-layer data, counted in the length fields. */
    public PacketBuilder payload(final byte[] data)
    {
        for (final byte b : data)
        {
            put8(b & 0xFF);
        }
        return this;
    }

    /** Zero bytes after the packet (Ethernet padding), not counted in any length field. */
    public PacketBuilder padding(final int count)
    {
        if (NONE == contentEnd)
        {
            contentEnd = length;
        }
        for (int i = 0; i < count; i++)
        {
            put8(0);
        }
        return this;
    }

    public Frame build()
    {
        final int end = NONE == contentEnd ? length : contentEnd;
        for (final LengthField field : lengthFields)
        {
            set16(field.position, NONE != field.override ? field.override : end - field.countFrom);
        }
        for (final int start : ipv4Headers)
        {
            set16(start + 10, 0);
            set16(start + 10, ipv4Checksum(start, Math.min(headerLength(start), length - start)));
        }
        if (NONE != erfRecordLength)
        {
            set16(erfRecordLength, length);
        }

        return Frame.of(linkType, Arrays.copyOf(bytes, length), l3Offset);
    }

    private PacketBuilder pppHeader(final boolean addressAndControl, final boolean compressedProtocol)
    {
        if (addressAndControl)
        {
            put8(0xFF).put8(0x03);
        }
        if (compressedProtocol)
        {
            return put8(0).next(NEXT_PPP_COMPRESSED, length - 1);
        }
        return put16(0).next(NEXT_PPP, length - 2);
    }

    private int markIp()
    {
        if (NONE == l3Offset)
        {
            l3Offset = length;
        }
        lastIp = length;
        return length;
    }

    private int headerLength(final int ipv4Start)
    {
        return (bytes[ipv4Start] & 0x0F) * 4;
    }

    private int ipv4Checksum(final int start, final int headerLength)
    {
        int sum = 0;
        for (int i = 0; i + 1 < headerLength; i += 2)
        {
            sum += ((bytes[start + i] & 0xFF) << 8) | (bytes[start + i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return ~sum & 0xFFFF;
    }

    private LengthField lengthField(final int position)
    {
        for (final LengthField field : lengthFields)
        {
            if (field.position == position)
            {
                return field;
            }
        }
        throw new IllegalStateException("no length field at " + position);
    }

    private PacketBuilder next(final int kind, final int position)
    {
        nextKind = kind;
        nextPosition = position;
        return this;
    }

    private void fillNext(final int etherType, final int pppProtocol, final int ipProtocol)
    {
        switch (nextKind)
        {
            case NEXT_ETHERTYPE -> set16(nextPosition, require(etherType));
            case NEXT_PPP -> set16(nextPosition, require(pppProtocol));
            case NEXT_PPP_COMPRESSED -> bytes[nextPosition] = (byte)require(pppProtocol);
            case NEXT_IP_PROTOCOL -> bytes[nextPosition] = (byte)require(ipProtocol);
            default ->
            {
            }
        }
        nextKind = NEXT_NONE;
    }

    private static int require(final int code)
    {
        if (NONE == code)
        {
            throw new IllegalStateException("this layer cannot follow the previous one");
        }
        return code;
    }

    private PacketBuilder putMac(final int first)
    {
        for (int i = 0; i < 6; i++)
        {
            put8(first + i);
        }
        return this;
    }

    private PacketBuilder put8(final int value)
    {
        if (length == bytes.length)
        {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        bytes[length++] = (byte)value;
        return this;
    }

    private PacketBuilder put16le(final int value)
    {
        return put8(value).put8(value >>> 8);
    }

    private PacketBuilder put32le(final int value)
    {
        return put16le(value).put16le(value >>> 16);
    }

    private PacketBuilder put16(final int value)
    {
        return put8(value >>> 8).put8(value);
    }

    private PacketBuilder put32(final int value)
    {
        return put16(value >>> 16).put16(value);
    }

    private PacketBuilder put64(final long value)
    {
        return put32((int)(value >>> 32)).put32((int)value);
    }

    private void set16(final int position, final int value)
    {
        bytes[position] = (byte)(value >>> 8);
        bytes[position + 1] = (byte)value;
    }

    /** A 16-bit length counting from {@code countFrom} to the end of the content, unless overridden. */
    private static final class LengthField
    {
        private final int position;
        private final int countFrom;
        private int override = NONE;

        private LengthField(final int position, final int countFrom)
        {
            this.position = position;
            this.countFrom = countFrom;
        }
    }

    /**
     * A built frame in off-heap memory (freed with the frame by the garbage collector).
     *
     * @param linkType LINKTYPE_* of the frame
     * @param bytes    the frame's bytes, a copy of the memory
     * @param memory   the off-heap copy the parser reads
     * @param l3Offset offset of the first IP header, -1 when none was built
     */
    public record Frame(int linkType, byte[] bytes, MemorySegment memory, int l3Offset)
    {
        public static Frame of(final int linkType, final byte[] bytes, final int l3Offset)
        {
            final MemorySegment memory = Arena.ofAuto().allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, memory, ValueLayout.JAVA_BYTE, 0, bytes.length);
            return new Frame(linkType, bytes, memory, l3Offset);
        }

        public long address()
        {
            return memory.address();
        }

        public int length()
        {
            return bytes.length;
        }

        /** Parses the whole frame at time 0. */
        public int parse(final PacketParser parser, final ParsedPacket out)
        {
            return parse(parser, length(), length(), 0L, out);
        }

        public int parse(
            final PacketParser parser,
            final int capturedLength,
            final int wireLength,
            final long timestampNanos,
            final ParsedPacket out)
        {
            return parser.parse(address(), capturedLength, wireLength, linkType, timestampNanos, out);
        }

        /** A copy with one byte replaced. */
        public Frame withByte(final int index, final int value)
        {
            final byte[] copy = bytes.clone();
            copy[index] = (byte)value;
            return of(linkType, copy, l3Offset);
        }

        @Override
        public String toString()
        {
            return LinkType.name(linkType) + " frame of " + bytes.length + " bytes: " + HexFormat.of().formatHex(bytes);
        }
    }
}
