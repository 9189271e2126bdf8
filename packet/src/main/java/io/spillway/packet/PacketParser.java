package io.spillway.packet;

import io.spillway.packet.LinkType;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Turns a captured frame into a flow key in a {@link ParsedPacket}, allocating nothing and throwing nothing for
 * any input. One parser per capture thread; it owns the {@link FragmentTable} that gives later fragments their
 * ports.
 * <p>
 * Link layers: Ethernet with any stack of 802.1Q (0x8100), 802.1ad (0x88a8) and 0x9100 tags (vlanId is the
 * outermost tag's), MPLS label stacks (IPv4 or IPv6 chosen by the version nibble after the bottom label), PPPoE
 * sessions, Linux cooked v1 and v2, raw IP, BSD NULL (family in either byte order) and LOOP, PPP (with or without
 * address and control, 1- or 2-byte protocol), PPP in HDLC framing and Cisco HDLC. Tunnels are not decapsulated:
 * GRE, IP-in-IP, 6in4, VXLAN and Teredo packets are accounted to their outer flow and marked in
 * {@link ParsedPacket#tunnel}.
 * <p>
 * Capture headers in front of the frame are skipped and the frame behind them parsed as its own link type; the
 * offsets in {@link ParsedPacket} stay relative to the first captured byte:
 * <ul>
 * <li>PPI: the frame of the header's DLT (any link type this parser decodes but PPI, radiotap and ERF). Its fields
 * are not read: the FCS flag of an 802.11-Common field would only change an IP length field of 0 (the rest of the
 * frame, which would then include the 4 FCS bytes), and an A-MPDU is parsed one MPDU per packet, where tshark by
 * default shows the whole aggregate in its last MPDU's frame.</li>
 * <li>Radiotap: an 802.11 frame. Of the radio fields only the flags are read, for a trailing FCS (excluded from the
 * frame) and for padding between the 802.11 header and the body.</li>
 * <li>ERF: record types Ethernet (plain, color, DSM color, color hash: 2 bytes of offset and pad, then the frame),
 * IPv4 and IPv6, after any extension headers; other record types are {@link ParseStatus#UNSUPPORTED_LINK}. The
 * frame is what the record's wire length (wlen) holds, which is also the packet's
 * {@link ParsedPacket#layer2Length}, as tshark counts it; the record length (rlen) is not used.</li>
 * </ul>
 * 802.11 (bare, or under radiotap or PPI): data frames with a body are decoded (three or four addresses, QoS control,
 * HT control in a QoS frame with the order bit, the first subframe of an A-MSDU) up to an RFC 1042 or 802.1H
 * LLC/SNAP header, whose ethertype is then read as Ethernet's. Management, control and null data frames, and bodies
 * with another LLC header, are {@link ParseStatus#NOT_IP}. Protected (encrypted) frames, fragments and frames of a
 * protocol version other than 0 cannot be decoded: {@link ParseStatus#UNSUPPORTED_LINK}. The FCS is assumed absent
 * unless radiotap says otherwise, as tshark assumes; a mesh control field (mesh networks) is not recognised, so mesh
 * data frames are not IP.
 * <p>
 * Every length is checked before it is read, so nothing past {@code capturedLength} is ever touched. The status
 * follows what could be read, and the malformed kind what was wrong:
 * <ul>
 * <li>A packet whose IP header is sound is always accounted, even when its malformed kind is set: to its flow
 * ({@link ParseStatus#FLOW}) when the transport ports were read, else to its layer-3 flow
 * ({@link ParseStatus#L3_FLOW}) with ports 0. {@link ParseStatus#MALFORMED} is returned only when no sound IP
 * header exists: a link-layer or IP header shorter than its minimum, a wrong IP version, an IPv4 header length
 * under 20, or an IP length that is shorter than the header or longer than the frame on the wire.</li>
 * <li>Bytes missing because of the snap length ({@code capturedLength < wireLength}) are not malformation: a
 * header cut by the snap length but present on the wire leaves the malformed kind NONE. A frame cut before the IP
 * addresses gives {@link ParseStatus#SNAPLEN_CUT}; one cut after them, before the ports, gives L3_FLOW.</li>
 * <li>An IPv4 total length or IPv6 payload length of 0 (segmentation offload captures, jumbograms) means the rest
 * of the frame on the wire.</li>
 * <li>A transport header too short for its ports within the IP packet is TRUNCATED_TRANSPORT_HEADER (L3_FLOW);
 * ports read but the rest of the header missing is TRUNCATED_TRANSPORT_HEADER, or BAD_TCP_HEADER_LENGTH for a TCP
 * data offset under 5 or past the segment (FLOW).</li>
 * <li>The IPv6 extension header chain is walked through at most {@value #MAX_EXTENSION_HEADERS} headers; a longer
 * chain, a hop-by-hop header not first, or a header past the IP packet is BAD_IPV6_EXTENSION_HEADER (L3_FLOW).</li>
 * <li>ICMP and ICMPv6 have srcPort 0 and dstPort = type &lt;&lt; 8 | code. Other protocols without ports give
 * FLOW with ports 0.</li>
 * <li>Fragments: see {@link FragmentTable} for how a later fragment gets its ports.</li>
 * </ul>
 */
public final class PacketParser
{
    public static final int MAX_EXTENSION_HEADERS = 16;

    private static final ByteOrder NETWORK_ORDER = ByteOrder.BIG_ENDIAN;
    private static final ByteOrder LITTLE_ENDIAN = ByteOrder.LITTLE_ENDIAN;

    private static final int ETHERNET_HEADER_LENGTH = 14;
    private static final int ETHERNET_TYPE_OFFSET = 12;
    private static final int VLAN_TAG_LENGTH = 4;
    private static final int VLAN_ID_MASK = 0x0FFF;
    private static final int MPLS_LABEL_LENGTH = 4;
    private static final int PPPOE_HEADER_LENGTH = 6;
    private static final int SLL_HEADER_LENGTH = 16;
    private static final int SLL_PROTOCOL_OFFSET = 14;
    private static final int SLL2_HEADER_LENGTH = 20;
    private static final int SLL2_PROTOCOL_OFFSET = 0;
    private static final int CISCO_HDLC_HEADER_LENGTH = 4;
    private static final int CISCO_HDLC_TYPE_OFFSET = 2;
    private static final int CISCO_HDLC_UNICAST = 0x0F;
    private static final int CISCO_HDLC_BROADCAST = 0x8F;
    private static final int LOOPBACK_HEADER_LENGTH = 4;
    private static final int PPP_ADDRESS = 0xFF;
    private static final int PPP_ADDRESS_CONTROL_LENGTH = 2;

    private static final int PPI_HEADER_LENGTH = 8;
    private static final int PPI_LENGTH_OFFSET = 2;
    private static final int PPI_DLT_OFFSET = 4;
    private static final int RADIOTAP_HEADER_LENGTH = 8;
    private static final int RADIOTAP_LENGTH_OFFSET = 2;
    private static final int RADIOTAP_PRESENT_OFFSET = 4;
    private static final int RADIOTAP_PRESENT_LENGTH = 4;
    private static final int RADIOTAP_PRESENT_TSFT = 0x0000_0001;
    private static final int RADIOTAP_PRESENT_FLAGS = 0x0000_0002;
    private static final int RADIOTAP_PRESENT_EXTENDED = 0x8000_0000;
    private static final int RADIOTAP_TSFT_LENGTH = 8;
    private static final int RADIOTAP_FLAG_FCS = 0x10;
    private static final int RADIOTAP_FLAG_DATA_PAD = 0x20;
    private static final int FCS_LENGTH = 4;

    private static final int WLAN_FRAME_CONTROL_LENGTH = 2;
    private static final int WLAN_HEADER_LENGTH = 24;
    private static final int WLAN_ADDRESS_LENGTH = 6;
    private static final int WLAN_SEQUENCE_CONTROL_OFFSET = 22;
    private static final int WLAN_QOS_CONTROL_LENGTH = 2;
    private static final int WLAN_HT_CONTROL_LENGTH = 4;
    private static final int WLAN_VERSION_MASK = 0x03;
    private static final int WLAN_TYPE_DATA = 2;
    private static final int WLAN_SUBTYPE_NO_DATA = 0x4;
    private static final int WLAN_SUBTYPE_QOS = 0x8;
    private static final int WLAN_TO_DS = 0x01;
    private static final int WLAN_FROM_DS = 0x02;
    private static final int WLAN_MORE_FRAGMENTS = 0x04;
    private static final int WLAN_PROTECTED = 0x40;
    private static final int WLAN_ORDER = 0x80;
    private static final int WLAN_FRAGMENT_NUMBER_MASK = 0x0F;
    private static final int WLAN_QOS_A_MSDU = 0x80;
    private static final int A_MSDU_SUBFRAME_HEADER_LENGTH = 14;
    private static final int LLC_HEADER_LENGTH = 3;
    private static final int LLC_SNAP_LENGTH = 8;
    private static final int LLC_SAP_SNAP = 0xAA;
    private static final int LLC_CONTROL_UI = 0x03;
    private static final int OUI_RFC1042 = 0x00_0000;
    private static final int OUI_BRIDGE_TUNNEL = 0x00_00F8;

    private static final int ERF_HEADER_LENGTH = 16;
    private static final int ERF_TYPE_OFFSET = 8;
    private static final int ERF_WLEN_OFFSET = 14;
    private static final int ERF_TYPE_MASK = 0x7F;
    private static final int ERF_EXTENSION_FOLLOWS = 0x80;
    private static final int ERF_EXTENSION_HEADER_LENGTH = 8;
    private static final int ERF_ETHERNET_PAD_LENGTH = 2;
    private static final int ERF_TYPE_ETH = 2;
    private static final int ERF_TYPE_COLOR_ETH = 11;
    private static final int ERF_TYPE_DSM_COLOR_ETH = 16;
    private static final int ERF_TYPE_COLOR_HASH_ETH = 20;
    private static final int ERF_TYPE_IPV4 = 22;
    private static final int ERF_TYPE_IPV6 = 23;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88A8;
    private static final int ETHERTYPE_QINQ_LEGACY = 0x9100;
    private static final int ETHERTYPE_MPLS_UNICAST = 0x8847;
    private static final int ETHERTYPE_MPLS_MULTICAST = 0x8848;
    private static final int ETHERTYPE_PPPOE_SESSION = 0x8864;

    private static final int PPP_IPV4 = 0x0021;
    private static final int PPP_IPV6 = 0x0057;

    private static final int AF_INET = 2;
    private static final int AF_INET6_BSD = 24;
    private static final int AF_INET6_FREEBSD = 28;
    private static final int AF_INET6_DARWIN = 30;

    private static final int IPV4_HEADER_LENGTH = 20;
    private static final int IPV4_MORE_FRAGMENTS = 0x2000;
    private static final int IPV4_FRAGMENT_OFFSET_MASK = 0x1FFF;
    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int IPV6_MIN_EXTENSION_LENGTH = 8;
    private static final int IPV6_FRAGMENT_HEADER_LENGTH = 8;

    private static final int PROTOCOL_HOP_BY_HOP = 0;
    private static final int PROTOCOL_ICMP = 1;
    private static final int PROTOCOL_IP_IN_IP = 4;
    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_UDP = 17;
    private static final int PROTOCOL_IPV6 = 41;
    private static final int PROTOCOL_ROUTING = 43;
    private static final int PROTOCOL_FRAGMENT = 44;
    private static final int PROTOCOL_GRE = 47;
    private static final int PROTOCOL_AUTHENTICATION = 51;
    private static final int PROTOCOL_ICMPV6 = 58;
    private static final int PROTOCOL_DESTINATION_OPTIONS = 60;
    private static final int PROTOCOL_SCTP = 132;
    private static final int PROTOCOL_MOBILITY = 135;
    private static final int PROTOCOL_HIP = 139;
    private static final int PROTOCOL_SHIM6 = 140;
    private static final int PROTOCOL_EXPERIMENT_1 = 253;
    private static final int PROTOCOL_EXPERIMENT_2 = 254;

    private static final int PORTS_LENGTH = 4;
    private static final int ICMP_TYPE_CODE_LENGTH = 2;
    private static final int ICMP_HEADER_LENGTH = 4;
    private static final int UDP_HEADER_LENGTH = 8;
    private static final int SCTP_HEADER_LENGTH = 12;
    private static final int TCP_HEADER_LENGTH = 20;
    private static final int TCP_DATA_OFFSET_OFFSET = 12;
    private static final int TCP_FLAGS_OFFSET = 13;

    private static final int VXLAN_PORT = 4789;
    private static final int TEREDO_PORT = 3544;

    private final UnsafeBuffer buffer = new UnsafeBuffer();
    private final FragmentTable fragmentTable;
    private long address;
    private int capturedLength;
    private int wireLength;
    private long timestampNanos;

    public PacketParser()
    {
        this(new FragmentTable());
    }

    public PacketParser(final FragmentTable fragmentTable)
    {
        this.fragmentTable = fragmentTable;
    }

    public FragmentTable fragmentTable()
    {
        return fragmentTable;
    }

    /**
     * Parses one frame.
     *
     * @param address        native address of the first byte of the link-layer frame
     * @param capturedLength bytes available at {@code address}
     * @param wireLength     length of the frame on the wire; taken as capturedLength when smaller
     * @param linkType       LINKTYPE_* value of the interface (see {@link LinkType})
     * @param timestampNanos capture time, for the fragment table
     * @param out            reset, then filled with what was found
     * @return a {@link ParseStatus} value
     */
    public int parse(
        final long address,
        final int capturedLength,
        final int wireLength,
        final int linkType,
        final long timestampNanos,
        final ParsedPacket out)
    {
        out.reset();
        final int captured = Math.max(capturedLength, 0);
        this.capturedLength = captured;
        this.wireLength = Math.max(wireLength, captured);
        this.timestampNanos = timestampNanos;
        this.address = address;
        buffer.wrap(address, captured);
        out.layer2Length = this.wireLength;

        return parseLink(linkType, out);
    }

    private int parseLink(final int linkType, final ParsedPacket out)
    {
        return switch (linkType)
        {
            case LinkType.ETHERNET -> parseEtherTypeHeader(ETHERNET_TYPE_OFFSET, ETHERNET_HEADER_LENGTH, out);
            case LinkType.LINUX_SLL -> parseEtherTypeHeader(SLL_PROTOCOL_OFFSET, SLL_HEADER_LENGTH, out);
            case LinkType.LINUX_SLL2 -> parseEtherTypeHeader(SLL2_PROTOCOL_OFFSET, SLL2_HEADER_LENGTH, out);
            case LinkType.C_HDLC -> parseEtherTypeHeader(CISCO_HDLC_TYPE_OFFSET, CISCO_HDLC_HEADER_LENGTH, out);
            case LinkType.RAW, LinkType.RAW_BSD, LinkType.RAW_OPENBSD -> parseIp(0, out);
            case LinkType.IPV4 -> parseIpv4(0, out);
            case LinkType.IPV6 -> parseIpv6(0, out);
            case LinkType.NULL -> parseLoopback(false, out);
            case LinkType.LOOP -> parseLoopback(true, out);
            case LinkType.PPP -> parsePpp(out);
            case LinkType.PPP_HDLC -> parsePppHdlc(out);
            case LinkType.IEEE802_11 -> parseWlan(false, out);
            case LinkType.IEEE802_11_RADIOTAP -> parseRadiotap(out);
            case LinkType.PPI -> parsePpi(out);
            case LinkType.ERF -> parseErf(out);
            default -> ParseStatus.UNSUPPORTED_LINK;
        };
    }

    /**
     * Parses the frame that starts {@code offset} bytes into the captured ones, as a frame of {@code linkType} that
     * was {@code innerWireLength} bytes long on the wire, then makes its offsets relative to the outer frame again.
     */
    private int parseInner(
        final int offset,
        final int innerWireLength,
        final int linkType,
        final boolean wlanDataPad,
        final ParsedPacket out)
    {
        final int innerWire = Math.max(innerWireLength, 0);
        final int innerCaptured = Math.min(capturedLength - offset, innerWire);
        capturedLength = innerCaptured;
        wireLength = innerWire;
        buffer.wrap(address + offset, innerCaptured);

        out.l3Offset = -1;
        final int status = LinkType.IEEE802_11 == linkType ? parseWlan(wlanDataPad, out) : parseLink(linkType, out);
        out.l3Offset = out.l3Offset < 0 ? 0 : out.l3Offset + offset;
        if (out.l4Offset >= 0)
        {
            out.l4Offset += offset;
        }
        if (out.payloadOffset >= 0)
        {
            out.payloadOffset += offset;
        }

        return status;
    }

    /** PPI: version 0, flags, header length and DLT (little-endian), fields; then the frame of that DLT. */
    private int parsePpi(final ParsedPacket out)
    {
        if (capturedLength < PPI_HEADER_LENGTH)
        {
            return cut(0, PPI_HEADER_LENGTH, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }
        if (0 != buffer.getByte(0))
        {
            return ParseStatus.UNSUPPORTED_LINK;
        }
        final int headerLength = buffer.getShort(PPI_LENGTH_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        if (headerLength < PPI_HEADER_LENGTH)
        {
            return malformed(MalformedKind.BAD_LINK_HEADER_LENGTH, out);
        }
        if (capturedLength < headerLength)
        {
            return cut(0, headerLength, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }

        final int dlt = buffer.getInt(PPI_DLT_OFFSET, LITTLE_ENDIAN);
        return switch (dlt)
        {
            case LinkType.PPI, LinkType.IEEE802_11_RADIOTAP, LinkType.ERF -> ParseStatus.UNSUPPORTED_LINK;
            default -> parseInner(headerLength, wireLength - headerLength, dlt, false, out);
        };
    }

    /**
     * Radiotap: version 0, pad, header length (little-endian), present bitmaps, fields; then an 802.11 frame. Only
     * the flags field is read: it is the first field unless TSFT (8 bytes, 8-aligned) comes before it.
     */
    private int parseRadiotap(final ParsedPacket out)
    {
        if (capturedLength < RADIOTAP_HEADER_LENGTH)
        {
            return cut(0, RADIOTAP_HEADER_LENGTH, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }
        if (0 != buffer.getByte(0))
        {
            return ParseStatus.UNSUPPORTED_LINK;
        }
        final int headerLength = buffer.getShort(RADIOTAP_LENGTH_OFFSET, LITTLE_ENDIAN) & 0xFFFF;
        if (headerLength < RADIOTAP_HEADER_LENGTH)
        {
            return malformed(MalformedKind.BAD_LINK_HEADER_LENGTH, out);
        }
        if (capturedLength < headerLength)
        {
            return cut(0, headerLength, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }

        final int present = buffer.getInt(RADIOTAP_PRESENT_OFFSET, LITTLE_ENDIAN);
        int flags = 0;
        if ((present & RADIOTAP_PRESENT_FLAGS) != 0)
        {
            int position = RADIOTAP_PRESENT_OFFSET + RADIOTAP_PRESENT_LENGTH;
            int word = present;
            while ((word & RADIOTAP_PRESENT_EXTENDED) != 0)
            {
                if (headerLength - position < RADIOTAP_PRESENT_LENGTH)
                {
                    return malformed(MalformedKind.BAD_LINK_HEADER_LENGTH, out);
                }
                word = buffer.getInt(position, LITTLE_ENDIAN);
                position += RADIOTAP_PRESENT_LENGTH;
            }
            if ((present & RADIOTAP_PRESENT_TSFT) != 0)
            {
                position = ((position + RADIOTAP_TSFT_LENGTH - 1) & -RADIOTAP_TSFT_LENGTH) + RADIOTAP_TSFT_LENGTH;
            }
            if (position >= headerLength)
            {
                return malformed(MalformedKind.BAD_LINK_HEADER_LENGTH, out);
            }
            flags = buffer.getByte(position) & 0xFF;
        }

        final int fcsLength = (flags & RADIOTAP_FLAG_FCS) != 0 ? FCS_LENGTH : 0;
        return parseInner(headerLength, wireLength - headerLength - fcsLength, LinkType.IEEE802_11,
            (flags & RADIOTAP_FLAG_DATA_PAD) != 0, out);
    }

    /**
     * An 802.11 frame: a data frame's header, then LLC/SNAP and the ethertype.
     *
     * @param dataPad the header is padded to a multiple of 4 bytes (radiotap's data pad flag)
     */
    private int parseWlan(final boolean dataPad, final ParsedPacket out)
    {
        if (capturedLength < WLAN_FRAME_CONTROL_LENGTH)
        {
            return cut(0, WLAN_FRAME_CONTROL_LENGTH, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }

        final int frameControl = buffer.getByte(0) & 0xFF;
        final int flags = buffer.getByte(1) & 0xFF;
        if ((frameControl & WLAN_VERSION_MASK) != 0)
        {
            return ParseStatus.UNSUPPORTED_LINK;
        }
        final int subtype = frameControl >>> 4;
        if (WLAN_TYPE_DATA != ((frameControl >>> 2) & 0x03) || (subtype & WLAN_SUBTYPE_NO_DATA) != 0)
        {
            return ParseStatus.NOT_IP;
        }
        if ((flags & (WLAN_PROTECTED | WLAN_MORE_FRAGMENTS)) != 0)
        {
            return ParseStatus.UNSUPPORTED_LINK;
        }

        final boolean qos = (subtype & WLAN_SUBTYPE_QOS) != 0;
        final boolean fourAddresses = (flags & (WLAN_TO_DS | WLAN_FROM_DS)) == (WLAN_TO_DS | WLAN_FROM_DS);
        final int qosOffset = WLAN_HEADER_LENGTH + (fourAddresses ? WLAN_ADDRESS_LENGTH : 0);
        final int headerLength = qosOffset +
            (qos ? WLAN_QOS_CONTROL_LENGTH + ((flags & WLAN_ORDER) != 0 ? WLAN_HT_CONTROL_LENGTH : 0) : 0);
        if (capturedLength < headerLength)
        {
            return cut(0, headerLength, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }
        if ((buffer.getByte(WLAN_SEQUENCE_CONTROL_OFFSET) & WLAN_FRAGMENT_NUMBER_MASK) != 0)
        {
            return ParseStatus.UNSUPPORTED_LINK;
        }

        int position = dataPad ? (headerLength + 3) & -4 : headerLength;
        if (qos && (buffer.getByte(qosOffset) & WLAN_QOS_A_MSDU) != 0)
        {
            position += A_MSDU_SUBFRAME_HEADER_LENGTH;
        }

        return parseLlcSnap(position, out);
    }

    /** An LLC header: SNAP with the RFC 1042 or 802.1H OUI carries an ethertype; anything else is not IP. */
    private int parseLlcSnap(final int offset, final ParsedPacket out)
    {
        if (capturedLength - offset < LLC_HEADER_LENGTH)
        {
            return cut(offset, LLC_HEADER_LENGTH, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }
        if (LLC_SAP_SNAP != (buffer.getByte(offset) & 0xFF) || LLC_SAP_SNAP != (buffer.getByte(offset + 1) & 0xFF) ||
            LLC_CONTROL_UI != (buffer.getByte(offset + 2) & 0xFF))
        {
            return ParseStatus.NOT_IP;
        }
        if (capturedLength - offset < LLC_SNAP_LENGTH)
        {
            return cut(offset, LLC_SNAP_LENGTH, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }

        final int oui = buffer.getInt(offset + 2, NETWORK_ORDER) & 0x00FF_FFFF;
        if (OUI_RFC1042 != oui && OUI_BRIDGE_TUNNEL != oui)
        {
            return ParseStatus.NOT_IP;
        }

        return parseEtherType(buffer.getShort(offset + 6, NETWORK_ORDER) & 0xFFFF, offset + LLC_SNAP_LENGTH, out);
    }

    /**
     * ERF: timestamp, type, flags, rlen, lctr, wlen (16 bytes; the lengths big-endian), extension headers while the
     * type's and then each extension header's top bit is set, the Ethernet types' 2 bytes of offset and pad; then
     * the frame.
     */
    private int parseErf(final ParsedPacket out)
    {
        if (capturedLength < ERF_HEADER_LENGTH)
        {
            return cut(0, ERF_HEADER_LENGTH, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }

        final int type = buffer.getByte(ERF_TYPE_OFFSET) & 0xFF;
        final int innerLinkType = erfLinkType(type & ERF_TYPE_MASK);
        if (innerLinkType < 0)
        {
            return ParseStatus.UNSUPPORTED_LINK;
        }

        int position = ERF_HEADER_LENGTH;
        boolean extensionFollows = (type & ERF_EXTENSION_FOLLOWS) != 0;
        while (extensionFollows)
        {
            if (capturedLength - position < ERF_EXTENSION_HEADER_LENGTH)
            {
                return cut(position, ERF_EXTENSION_HEADER_LENGTH, MalformedKind.TRUNCATED_LINK_HEADER, out);
            }
            extensionFollows = (buffer.getByte(position) & ERF_EXTENSION_FOLLOWS) != 0;
            position += ERF_EXTENSION_HEADER_LENGTH;
        }
        if (LinkType.ETHERNET == innerLinkType)
        {
            if (capturedLength - position < ERF_ETHERNET_PAD_LENGTH)
            {
                return cut(position, ERF_ETHERNET_PAD_LENGTH, MalformedKind.TRUNCATED_LINK_HEADER, out);
            }
            position += ERF_ETHERNET_PAD_LENGTH;
        }

        // The record's wire length counts the frame only; the pcap record's also counts the headers before it.
        final int recordWireLength = buffer.getShort(ERF_WLEN_OFFSET, NETWORK_ORDER) & 0xFFFF;
        out.layer2Length = recordWireLength;
        return parseInner(position, Math.min(recordWireLength, wireLength - position), innerLinkType, false, out);
    }

    private static int erfLinkType(final int recordType)
    {
        return switch (recordType)
        {
            case ERF_TYPE_ETH, ERF_TYPE_COLOR_ETH, ERF_TYPE_DSM_COLOR_ETH, ERF_TYPE_COLOR_HASH_ETH -> LinkType.ETHERNET;
            case ERF_TYPE_IPV4 -> LinkType.IPV4;
            case ERF_TYPE_IPV6 -> LinkType.IPV6;
            default -> -1;
        };
    }

    private int parseEtherTypeHeader(final int typeOffset, final int headerLength, final ParsedPacket out)
    {
        if (capturedLength < headerLength)
        {
            return cut(0, headerLength, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }

        return parseEtherType(buffer.getShort(typeOffset, NETWORK_ORDER) & 0xFFFF, headerLength, out);
    }

    private int parseEtherType(final int etherType, final int offset, final ParsedPacket out)
    {
        int type = etherType;
        int position = offset;
        while (ETHERTYPE_VLAN == type || ETHERTYPE_QINQ == type || ETHERTYPE_QINQ_LEGACY == type)
        {
            if (capturedLength - position < VLAN_TAG_LENGTH)
            {
                return cut(position, VLAN_TAG_LENGTH, MalformedKind.TRUNCATED_LINK_HEADER, out);
            }
            if (position == offset)
            {
                out.vlanId = buffer.getShort(position, NETWORK_ORDER) & VLAN_ID_MASK;
            }
            type = buffer.getShort(position + 2, NETWORK_ORDER) & 0xFFFF;
            position += VLAN_TAG_LENGTH;
        }

        return switch (type)
        {
            case ETHERTYPE_IPV4 -> parseIpv4(position, out);
            case ETHERTYPE_IPV6 -> parseIpv6(position, out);
            case ETHERTYPE_MPLS_UNICAST, ETHERTYPE_MPLS_MULTICAST -> parseMpls(position, out);
            case ETHERTYPE_PPPOE_SESSION -> parsePppoe(position, out);
            default -> ParseStatus.NOT_IP;
        };
    }

    private int parseMpls(final int offset, final ParsedPacket out)
    {
        int position = offset;
        boolean bottomOfStack = false;
        while (!bottomOfStack)
        {
            if (capturedLength - position < MPLS_LABEL_LENGTH)
            {
                return cut(position, MPLS_LABEL_LENGTH, MalformedKind.TRUNCATED_LINK_HEADER, out);
            }
            bottomOfStack = (buffer.getByte(position + 2) & 0x01) != 0;
            position += MPLS_LABEL_LENGTH;
        }

        // What follows the stack is not labelled: anything but IPv4 or IPv6 (a pseudowire) is not IP.
        if (position < capturedLength)
        {
            final int version = (buffer.getByte(position) & 0xF0) >>> 4;
            if (4 != version && 6 != version)
            {
                return ParseStatus.NOT_IP;
            }
        }

        return parseIp(position, out);
    }

    private int parsePppoe(final int offset, final ParsedPacket out)
    {
        final int length = PPPOE_HEADER_LENGTH + 2;
        if (capturedLength - offset < length)
        {
            return cut(offset, length, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }

        final int protocol = buffer.getShort(offset + PPPOE_HEADER_LENGTH, NETWORK_ORDER) & 0xFFFF;
        return parsePppProtocol(protocol, offset + length, out);
    }

    private int parsePpp(final ParsedPacket out)
    {
        if (capturedLength < 1)
        {
            return cut(0, 1, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }

        // 0xff cannot start a protocol number (its first byte is even), so it is the HDLC address.
        final int position = PPP_ADDRESS == (buffer.getByte(0) & 0xFF) ? PPP_ADDRESS_CONTROL_LENGTH : 0;
        if (capturedLength - position < 1)
        {
            return cut(position, 1, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }

        final int first = buffer.getByte(position) & 0xFF;
        if ((first & 0x01) != 0)
        {
            return parsePppProtocol(first, position + 1, out);
        }
        if (capturedLength - position < 2)
        {
            return cut(position, 2, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }

        return parsePppProtocol(buffer.getShort(position, NETWORK_ORDER) & 0xFFFF, position + 2, out);
    }

    private int parsePppHdlc(final ParsedPacket out)
    {
        if (capturedLength < 1)
        {
            return cut(0, 1, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }

        final int address = buffer.getByte(0) & 0xFF;
        if (CISCO_HDLC_UNICAST == address || CISCO_HDLC_BROADCAST == address)
        {
            return parseEtherTypeHeader(CISCO_HDLC_TYPE_OFFSET, CISCO_HDLC_HEADER_LENGTH, out);
        }

        return parsePpp(out);
    }

    private int parsePppProtocol(final int protocol, final int offset, final ParsedPacket out)
    {
        return switch (protocol)
        {
            case PPP_IPV4 -> parseIpv4(offset, out);
            case PPP_IPV6 -> parseIpv6(offset, out);
            default -> ParseStatus.NOT_IP;
        };
    }

    private int parseLoopback(final boolean networkOrder, final ParsedPacket out)
    {
        if (capturedLength < LOOPBACK_HEADER_LENGTH)
        {
            return cut(0, LOOPBACK_HEADER_LENGTH, MalformedKind.TRUNCATED_LINK_HEADER, out);
        }

        // NULL stores the family in the capturing host's order; families are small numbers.
        final int value = buffer.getInt(0, NETWORK_ORDER);
        final int family = networkOrder || (value & 0xFFFF_FF00) == 0 ? value : Integer.reverseBytes(value);

        return switch (family)
        {
            case AF_INET -> parseIpv4(LOOPBACK_HEADER_LENGTH, out);
            case AF_INET6_BSD, AF_INET6_FREEBSD, AF_INET6_DARWIN -> parseIpv6(LOOPBACK_HEADER_LENGTH, out);
            default -> ParseStatus.NOT_IP;
        };
    }

    private int parseIp(final int offset, final ParsedPacket out)
    {
        if (capturedLength - offset < 1)
        {
            out.l3Offset = offset;
            return cut(offset, 1, MalformedKind.TRUNCATED_IP_HEADER, out);
        }

        final int version = (buffer.getByte(offset) & 0xF0) >>> 4;
        return 6 == version ? parseIpv6(offset, out) : parseIpv4(offset, out);
    }

    private int parseIpv4(final int offset, final ParsedPacket out)
    {
        out.l3Offset = offset;
        if (capturedLength - offset < IPV4_HEADER_LENGTH)
        {
            return cut(offset, IPV4_HEADER_LENGTH, MalformedKind.TRUNCATED_IP_HEADER, out);
        }

        final int versionAndLength = buffer.getByte(offset) & 0xFF;
        if (4 != versionAndLength >>> 4)
        {
            return malformed(MalformedKind.BAD_IP_VERSION, out);
        }
        final int headerLength = (versionAndLength & 0x0F) << 2;
        if (headerLength < IPV4_HEADER_LENGTH)
        {
            return malformed(MalformedKind.BAD_IP_HEADER_LENGTH, out);
        }

        final int frameRemaining = wireLength - offset;
        final int declaredLength = buffer.getShort(offset + 2, NETWORK_ORDER) & 0xFFFF;
        final int totalLength = 0 == declaredLength ? frameRemaining : declaredLength;
        if (totalLength < headerLength)
        {
            return malformed(
                0 == declaredLength ? MalformedKind.TRUNCATED_IP_HEADER : MalformedKind.BAD_IP_TOTAL_LENGTH, out);
        }
        if (totalLength > frameRemaining)
        {
            return malformed(MalformedKind.BAD_IP_TOTAL_LENGTH, out);
        }

        out.ipVersion = 4;
        out.ipLength = totalLength;
        out.protocol = buffer.getByte(offset + 9) & 0xFF;
        out.srcLo = buffer.getInt(offset + 12, NETWORK_ORDER) & 0xFFFF_FFFFL;
        out.dstLo = buffer.getInt(offset + 16, NETWORK_ORDER) & 0xFFFF_FFFFL;

        final int fragmentField = buffer.getShort(offset + 6, NETWORK_ORDER) & 0xFFFF;
        final int fragmentOffset = fragmentField & IPV4_FRAGMENT_OFFSET_MASK;
        final boolean moreFragments = (fragmentField & IPV4_MORE_FRAGMENTS) != 0;
        if (0 != fragmentOffset || moreFragments)
        {
            out.fragment = 0 == fragmentOffset ? ParsedPacket.FIRST_FRAGMENT : ParsedPacket.LATER_FRAGMENT;
            out.fragmentId = buffer.getShort(offset + 4, NETWORK_ORDER) & 0xFFFF;
            out.moreFragments = moreFragments;
        }

        return parseUpperLayer(offset + headerLength, offset + totalLength, out.protocol, out);
    }

    private int parseIpv6(final int offset, final ParsedPacket out)
    {
        out.l3Offset = offset;
        if (capturedLength - offset < IPV6_HEADER_LENGTH)
        {
            return cut(offset, IPV6_HEADER_LENGTH, MalformedKind.TRUNCATED_IP_HEADER, out);
        }
        if (6 != (buffer.getByte(offset) & 0xF0) >>> 4)
        {
            return malformed(MalformedKind.BAD_IP_VERSION, out);
        }

        final int frameRemaining = wireLength - offset;
        final int payloadLength = buffer.getShort(offset + 4, NETWORK_ORDER) & 0xFFFF;
        final int totalLength = 0 == payloadLength ? frameRemaining : IPV6_HEADER_LENGTH + payloadLength;
        if (totalLength > frameRemaining)
        {
            return malformed(MalformedKind.BAD_IP_TOTAL_LENGTH, out);
        }

        out.ipVersion = 6;
        out.ipLength = totalLength;
        out.srcHi = buffer.getLong(offset + 8, NETWORK_ORDER);
        out.srcLo = buffer.getLong(offset + 16, NETWORK_ORDER);
        out.dstHi = buffer.getLong(offset + 24, NETWORK_ORDER);
        out.dstLo = buffer.getLong(offset + 32, NETWORK_ORDER);

        return parseExtensionHeaders(
            buffer.getByte(offset + 6) & 0xFF, offset + IPV6_HEADER_LENGTH, offset + totalLength, out);
    }

    private int parseExtensionHeaders(
        final int firstHeader, final int offset, final int ipEnd, final ParsedPacket out)
    {
        int header = firstHeader;
        int position = offset;
        int fragmentProtocol = 0;
        for (int count = 0; isExtensionHeader(header); count++)
        {
            out.protocol = header;
            if (MAX_EXTENSION_HEADERS == count ||
                (PROTOCOL_HOP_BY_HOP == header && 0 != count) ||
                ipEnd - position < IPV6_MIN_EXTENSION_LENGTH)
            {
                return badExtensionHeader(out);
            }
            if (capturedLength - position < 2)
            {
                return ParseStatus.L3_FLOW;
            }

            final int next = buffer.getByte(position) & 0xFF;
            final int lengthField = buffer.getByte(position + 1) & 0xFF;
            final int length = extensionHeaderLength(header, lengthField);
            if (ipEnd - position < length)
            {
                return badExtensionHeader(out);
            }

            if (PROTOCOL_FRAGMENT == header)
            {
                if (capturedLength - position < IPV6_FRAGMENT_HEADER_LENGTH)
                {
                    return ParseStatus.L3_FLOW;
                }
                final int offsetAndFlags = buffer.getShort(position + 2, NETWORK_ORDER) & 0xFFFF;
                final int fragmentOffset = offsetAndFlags >>> 3;
                final boolean moreFragments = (offsetAndFlags & 0x01) != 0;
                // Offset 0 without more fragments is an atomic fragment (RFC 6946): a whole packet.
                if (0 != fragmentOffset || moreFragments)
                {
                    out.fragment = 0 == fragmentOffset ? ParsedPacket.FIRST_FRAGMENT : ParsedPacket.LATER_FRAGMENT;
                    out.fragmentId = buffer.getInt(position + 4, NETWORK_ORDER);
                    out.moreFragments = moreFragments;
                    fragmentProtocol = next;
                }
            }

            header = next;
            position += length;
            if (ParsedPacket.LATER_FRAGMENT == out.fragment)
            {
                break;
            }
        }

        out.protocol = header;
        return parseUpperLayer(position, ipEnd, fragmentProtocol, out);
    }

    private static boolean isExtensionHeader(final int header)
    {
        return switch (header)
        {
            case PROTOCOL_HOP_BY_HOP, PROTOCOL_ROUTING, PROTOCOL_FRAGMENT, PROTOCOL_AUTHENTICATION,
                 PROTOCOL_DESTINATION_OPTIONS, PROTOCOL_MOBILITY, PROTOCOL_HIP, PROTOCOL_SHIM6,
                 PROTOCOL_EXPERIMENT_1, PROTOCOL_EXPERIMENT_2 -> true;
            default -> false;
        };
    }

    private static int extensionHeaderLength(final int header, final int lengthField)
    {
        return switch (header)
        {
            case PROTOCOL_FRAGMENT -> IPV6_FRAGMENT_HEADER_LENGTH;
            case PROTOCOL_AUTHENTICATION -> (lengthField + 2) << 2;
            default -> (lengthField + 1) << 3;
        };
    }

    private static int badExtensionHeader(final ParsedPacket out)
    {
        out.malformed = MalformedKind.BAD_IPV6_EXTENSION_HEADER.ordinal();
        return ParseStatus.L3_FLOW;
    }

    /**
     * Reads what follows the IP header chain of a sound IP packet.
     *
     * @param offset           the upper-layer header's offset
     * @param ipEnd            the IP packet's end on the wire (never past wireLength)
     * @param fragmentProtocol the protocol in the fragment table's key
     */
    private int parseUpperLayer(final int offset, final int ipEnd, final int fragmentProtocol, final ParsedPacket out)
    {
        final int status;
        if (ParsedPacket.LATER_FRAGMENT == out.fragment)
        {
            status = fragmentTable.fillLaterFragment(out, fragmentProtocol, timestampNanos) ?
                ParseStatus.FLOW : ParseStatus.L3_FLOW;
        }
        else
        {
            out.l4Offset = offset;
            status = parseTransport(offset, ipEnd, out);
            if (ParseStatus.FLOW == status && ParsedPacket.FIRST_FRAGMENT == out.fragment)
            {
                fragmentTable.putFirstFragment(out, fragmentProtocol, timestampNanos);
            }
        }
        out.tunnel = tunnel(out.protocol, out.srcPort, out.dstPort);

        return status;
    }

    private int parseTransport(final int offset, final int ipEnd, final ParsedPacket out)
    {
        return switch (out.protocol)
        {
            case PROTOCOL_TCP -> parseTcp(offset, ipEnd, out);
            case PROTOCOL_UDP -> parsePortsAndHeader(offset, ipEnd, UDP_HEADER_LENGTH, out);
            case PROTOCOL_SCTP -> parsePortsAndHeader(offset, ipEnd, SCTP_HEADER_LENGTH, out);
            case PROTOCOL_ICMP, PROTOCOL_ICMPV6 -> parseIcmp(offset, ipEnd, out);
            default -> ParseStatus.FLOW;
        };
    }

    private int parseTcp(final int offset, final int ipEnd, final ParsedPacket out)
    {
        final int status = parsePorts(offset, ipEnd, out);
        if (ParseStatus.FLOW != status)
        {
            return status;
        }

        final int segmentLength = ipEnd - offset;
        final int readable = Math.min(ipEnd, capturedLength) - offset;
        if (readable > TCP_FLAGS_OFFSET)
        {
            out.tcpFlags = buffer.getByte(offset + TCP_FLAGS_OFFSET) & 0xFF;
        }
        if (segmentLength < TCP_HEADER_LENGTH)
        {
            out.malformed = MalformedKind.BAD_TCP_HEADER_LENGTH.ordinal();
            return ParseStatus.FLOW;
        }
        if (readable > TCP_DATA_OFFSET_OFFSET)
        {
            final int headerLength = (buffer.getByte(offset + TCP_DATA_OFFSET_OFFSET) & 0xF0) >>> 2;
            if (headerLength < TCP_HEADER_LENGTH || headerLength > segmentLength)
            {
                out.malformed = MalformedKind.BAD_TCP_HEADER_LENGTH.ordinal();
                return ParseStatus.FLOW;
            }
            setPayload(offset + headerLength, ipEnd, out);
        }

        return ParseStatus.FLOW;
    }

    private int parsePortsAndHeader(final int offset, final int ipEnd, final int headerLength, final ParsedPacket out)
    {
        final int status = parsePorts(offset, ipEnd, out);
        if (ParseStatus.FLOW != status)
        {
            return status;
        }
        if (ipEnd - offset < headerLength)
        {
            out.malformed = MalformedKind.TRUNCATED_TRANSPORT_HEADER.ordinal();
            return ParseStatus.FLOW;
        }
        setPayload(offset + headerLength, ipEnd, out);

        return ParseStatus.FLOW;
    }

    private int parsePorts(final int offset, final int ipEnd, final ParsedPacket out)
    {
        if (ipEnd - offset < PORTS_LENGTH)
        {
            out.malformed = MalformedKind.TRUNCATED_TRANSPORT_HEADER.ordinal();
            return ParseStatus.L3_FLOW;
        }
        if (capturedLength - offset < PORTS_LENGTH)
        {
            return ParseStatus.L3_FLOW;
        }
        out.srcPort = buffer.getShort(offset, NETWORK_ORDER) & 0xFFFF;
        out.dstPort = buffer.getShort(offset + 2, NETWORK_ORDER) & 0xFFFF;

        return ParseStatus.FLOW;
    }

    private int parseIcmp(final int offset, final int ipEnd, final ParsedPacket out)
    {
        if (ipEnd - offset < ICMP_TYPE_CODE_LENGTH)
        {
            out.malformed = MalformedKind.TRUNCATED_TRANSPORT_HEADER.ordinal();
            return ParseStatus.L3_FLOW;
        }
        if (capturedLength - offset < ICMP_TYPE_CODE_LENGTH)
        {
            return ParseStatus.L3_FLOW;
        }
        out.dstPort = buffer.getShort(offset, NETWORK_ORDER) & 0xFFFF;
        if (ipEnd - offset < ICMP_HEADER_LENGTH)
        {
            out.malformed = MalformedKind.TRUNCATED_TRANSPORT_HEADER.ordinal();
        }

        return ParseStatus.FLOW;
    }

    private void setPayload(final int payloadOffset, final int ipEnd, final ParsedPacket out)
    {
        out.payloadOffset = payloadOffset;
        out.payloadLength = Math.max(0, Math.min(ipEnd, capturedLength) - payloadOffset);
    }

    private static int tunnel(final int protocol, final int srcPort, final int dstPort)
    {
        return switch (protocol)
        {
            case PROTOCOL_GRE -> Tunnel.GRE;
            case PROTOCOL_IP_IN_IP -> Tunnel.IP_IN_IP;
            case PROTOCOL_IPV6 -> Tunnel.IPV6_IN_IP;
            case PROTOCOL_UDP -> VXLAN_PORT == dstPort ? Tunnel.VXLAN :
                (TEREDO_PORT == srcPort || TEREDO_PORT == dstPort ? Tunnel.TEREDO : Tunnel.NONE);
            default -> Tunnel.NONE;
        };
    }

    /**
     * A header needing {@code length} bytes at {@code offset} is cut: by the snap length when the wire frame held
     * those bytes, else the frame itself is too short.
     */
    private int cut(final int offset, final int length, final MalformedKind kind, final ParsedPacket out)
    {
        if (wireLength - offset >= length)
        {
            return ParseStatus.SNAPLEN_CUT;
        }

        return malformed(kind, out);
    }

    private static int malformed(final MalformedKind kind, final ParsedPacket out)
    {
        out.malformed = kind.ordinal();
        return ParseStatus.MALFORMED;
    }
}
