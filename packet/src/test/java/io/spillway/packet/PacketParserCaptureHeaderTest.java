package io.spillway.packet;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Stream;

import static io.spillway.packet.PacketBuilder.ERF_TYPE_ATM;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_ETH;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_HDLC_POS;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_IPV4;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_IPV6;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_PAD;
import static io.spillway.packet.PacketBuilder.ETHERTYPE_ARP;
import static io.spillway.packet.PacketBuilder.RADIOTAP_DATA_PAD;
import static io.spillway.packet.PacketBuilder.RADIOTAP_FCS;
import static io.spillway.packet.PacketBuilder.TCP_ACK;
import static io.spillway.packet.PacketBuilder.WLAN_ACK;
import static io.spillway.packet.PacketBuilder.WLAN_BEACON;
import static io.spillway.packet.PacketBuilder.WLAN_DATA;
import static io.spillway.packet.PacketBuilder.WLAN_FROM_DS;
import static io.spillway.packet.PacketBuilder.WLAN_MORE_FRAGMENTS;
import static io.spillway.packet.PacketBuilder.WLAN_NULL;
import static io.spillway.packet.PacketBuilder.WLAN_PROTECTED;
import static io.spillway.packet.PacketBuilder.WLAN_QOS_DATA;
import static io.spillway.packet.PacketBuilder.WLAN_QOS_NULL;
import static io.spillway.packet.PacketBuilder.WLAN_TO_DS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * PPI, radiotap, bare 802.11 and ERF: what is decoded, what is not IP, what cannot be decoded, what is malformed, and
 * the layer-2 length each packet counts. PacketParserLinkTest runs IPv4 and IPv6 over every layout that decodes.
 */
class PacketParserCaptureHeaderTest
{
    private static final int SRC = 0x0A00_0001;
    private static final int DST = 0x0A00_0002;

    private final PacketParser parser = new PacketParser();
    private final ParsedPacket packet = new ParsedPacket();

    @Test
    void ppiEthernetIpv4Tcp()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ppi(LinkType.ETHERNET).ethernetHeader().ipv4(SRC, DST)
            .tcp(40000, 443, TCP_ACK).payload(100).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(6, packet.protocol);
        assertEquals(40000, packet.srcPort);
        assertEquals(443, packet.dstPort);
        assertEquals(TCP_ACK, packet.tcpFlags);
        assertEquals(8 + 14, packet.l3Offset);
        assertEquals(8 + 14 + 20, packet.l4Offset);
        assertEquals(8 + 14 + 40, packet.payloadOffset);
        assertEquals(100, packet.payloadLength);
        assertEquals(frame.length(), packet.layer2Length);
    }

    @Test
    void ppiWlanQosDataIpv6Udp()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ppi(LinkType.IEEE802_11).wlanData(WLAN_TO_DS, true, false)
            .ipv6(0x2001_0DB8L << 32, 1, 0x2001_0DB8L << 32, 2).udp(5353, 53).payload(12).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(6, packet.ipVersion);
        assertEquals(17, packet.protocol);
        assertEquals(5353, packet.srcPort);
        assertEquals(53, packet.dstPort);
        assertEquals(32 + 26 + 8, packet.l3Offset);
        assertEquals(40 + 8 + 12, packet.ipLength);
        assertEquals(frame.length(), packet.layer2Length);
    }

    static Stream<Arguments> notIp()
    {
        return Stream.of(
            arguments("beacon", PacketBuilder.wlan().wlanHeader(WLAN_BEACON, 0, 0, -1, false).payload(40).build()),
            arguments("ACK", PacketBuilder.wlan().bytes(WLAN_ACK, 0, 0, 0, 1, 2, 3, 4, 5, 6).build()),
            arguments("protected management frame",
                PacketBuilder.wlan().wlanHeader(0xC0, WLAN_PROTECTED, 0, -1, false).payload(16).build()),
            arguments("null data", PacketBuilder.wlan().wlanHeader(WLAN_NULL, WLAN_TO_DS, 0, -1, false).build()),
            arguments("QoS null", PacketBuilder.wlan().wlanHeader(WLAN_QOS_NULL, WLAN_TO_DS, 0, 0, false).build()),
            arguments("ARP in SNAP",
                PacketBuilder.wlan().wlanData(WLAN_FROM_DS, false, false).next(ETHERTYPE_ARP).payload(28).build()),
            arguments("spanning tree LLC",
                PacketBuilder.wlan().wlanHeader(WLAN_DATA, 0, 0, -1, false).bytes(0x42, 0x42, 0x03).payload(35)
                    .build()),
            arguments("SNAP with a vendor OUI",
                PacketBuilder.wlan().wlanHeader(WLAN_DATA, 0, 0, -1, false).llcSnap(0x00_4096).next(0x0000)
                    .payload(20).build()),
            arguments("radiotap beacon",
                PacketBuilder.radiotap(0).wlanHeader(WLAN_BEACON, 0, 0, -1, false).payload(40).build()),
            arguments("PPI beacon",
                PacketBuilder.ppi(LinkType.IEEE802_11).wlanHeader(WLAN_BEACON, 0, 0, -1, false).payload(40).build()),
            arguments("PPI Ethernet ARP",
                PacketBuilder.ppi(LinkType.ETHERNET).ethernetHeader().next(ETHERTYPE_ARP).payload(28).build()),
            arguments("ERF Ethernet ARP",
                PacketBuilder.erf(ERF_TYPE_ETH, 1).next(ETHERTYPE_ARP).payload(28).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notIp")
    void framesWithoutIpAreNotIp(final String name, final PacketBuilder.Frame frame)
    {
        assertEquals(ParseStatus.NOT_IP, frame.parse(parser, packet));
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
    }

    static Stream<Arguments> notDecodable()
    {
        return Stream.of(
            arguments("protected data", PacketBuilder.wlan().wlanHeader(WLAN_QOS_DATA, WLAN_TO_DS | WLAN_PROTECTED,
                0, 0, false).bytes(1, 0, 0, 0x20, 0, 0, 0, 0).llcSnap(0).ipv4(SRC, DST).udp(1, 2).build()),
            arguments("protected data under radiotap", PacketBuilder.radiotap(0).wlanHeader(WLAN_DATA,
                WLAN_PROTECTED, 0, -1, false).payload(60).build()),
            arguments("first fragment", PacketBuilder.wlan().wlanHeader(WLAN_DATA, WLAN_MORE_FRAGMENTS, 0, -1, false)
                .llcSnap(0).ipv4(SRC, DST).udp(1, 2).build()),
            arguments("later fragment", PacketBuilder.wlan().wlanHeader(WLAN_DATA, 0, 1, -1, false).payload(60)
                .build()),
            arguments("protocol version 1", PacketBuilder.wlan().wlanHeader(WLAN_DATA | 1, 0, 0, -1, false)
                .llcSnap(0).ipv4(SRC, DST).udp(1, 2).build()),
            arguments("radiotap version 1", PacketBuilder.radiotap(0).wlanData(0, false, false).ipv4(SRC, DST)
                .udp(1, 2).build().withByte(0, 1)),
            arguments("PPI version 1", PacketBuilder.ppi(LinkType.ETHERNET).ethernetHeader().ipv4(SRC, DST)
                .udp(1, 2).build().withByte(0, 1)),
            arguments("PPI of a link type Spillway does not decode", PacketBuilder.ppi(147).payload(60).build()),
            arguments("PPI in PPI", PacketBuilder.ppi(LinkType.PPI).payload(60).build()),
            arguments("radiotap in PPI", PacketBuilder.ppi(LinkType.IEEE802_11_RADIOTAP).payload(60).build()),
            arguments("ERF in PPI", PacketBuilder.ppi(LinkType.ERF).payload(60).build()),
            arguments("ERF HDLC", PacketBuilder.erf(ERF_TYPE_HDLC_POS, 0).payload(60).build()),
            arguments("ERF color HDLC (type 10, next to color Ethernet's 11)",
                PacketBuilder.erf(PacketBuilder.ERF_TYPE_COLOR_HDLC_POS, 0).payload(60).build()),
            arguments("ERF color hash HDLC (type 19, next to color hash Ethernet's 20)",
                PacketBuilder.erf(PacketBuilder.ERF_TYPE_COLOR_HASH_POS, 1).payload(60).build()),
            arguments("ERF ATM", PacketBuilder.erf(ERF_TYPE_ATM, 0).payload(52).build()),
            arguments("ERF pad", PacketBuilder.erf(ERF_TYPE_PAD, 0).payload(48).build()),
            arguments("ERF HDLC with a broken extension chain",
                PacketBuilder.erf(ERF_TYPE_HDLC_POS, 0).build().withByte(8, 0x80 | ERF_TYPE_HDLC_POS)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notDecodable")
    void framesThatCannotBeDecodedAreUnsupported(final String name, final PacketBuilder.Frame frame)
    {
        assertEquals(ParseStatus.UNSUPPORTED_LINK, frame.parse(parser, packet));
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
        assertEquals(0, packet.l3Offset);
    }

    @Test
    void ppiHeaderLengthShorterThanTheHeaderIsMalformed()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ppi(LinkType.ETHERNET).ethernetHeader().ipv4(SRC, DST)
            .udp(1, 2).build();
        for (int length = 0; length < 8; length++)
        {
            assertEquals(ParseStatus.MALFORMED, frame.withByte(2, length).parse(parser, packet), "pph_len " + length);
            assertEquals(MalformedKind.BAD_LINK_HEADER_LENGTH.ordinal(), packet.malformed);
        }
    }

    @Test
    void ppiHeaderLengthPastTheFrame()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ppi(LinkType.ETHERNET).ethernetHeader().ipv4(SRC, DST)
            .udp(1, 2).build().withByte(3, 1);

        // 264 bytes of PPI header: past the frame on the wire, or only past the snap length.
        assertEquals(ParseStatus.MALFORMED, frame.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_LINK_HEADER.ordinal(), packet.malformed);
        assertEquals(ParseStatus.SNAPLEN_CUT, frame.parse(parser, frame.length(), 1500, 0L, packet));
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
    }

    @Test
    void ppiHeaderLengthSkipsUnknownFields()
    {
        // A header 4 bytes longer than its fields say: the frame starts where pph_len says.
        final PacketBuilder.Frame frame = PacketBuilder.ppi(LinkType.RAW).bytes(0xAA, 0xBB, 0xCC, 0xDD)
            .ipv4(SRC, DST).udp(1, 2).build().withByte(2, 12);

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(12, packet.l3Offset);
    }

    @Test
    void radiotapLengthShorterThanTheHeaderOrItsFieldsIsMalformed()
    {
        final PacketBuilder.Frame frame = PacketBuilder.radiotap(true, 0, 1).wlanData(0, false, false)
            .ipv4(SRC, DST).udp(1, 2).build();
        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        final int itLength = frame.bytes()[2];

        // Shorter than 8; ending inside the second present word; ending before the flags byte (TSFT first).
        for (final int length : new int[] {0, 7, 8, 11, 12, 23, 24})
        {
            assertEquals(ParseStatus.MALFORMED, frame.withByte(2, length).parse(parser, packet), "it_len " + length);
            assertEquals(MalformedKind.BAD_LINK_HEADER_LENGTH.ordinal(), packet.malformed, "it_len " + length);
        }
        assertEquals(26, itLength);
    }

    @Test
    void radiotapLengthPastTheFrame()
    {
        final PacketBuilder.Frame frame = PacketBuilder.radiotap(0).wlanData(0, false, false).ipv4(SRC, DST)
            .udp(1, 2).build().withByte(3, 2);

        assertEquals(ParseStatus.MALFORMED, frame.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_LINK_HEADER.ordinal(), packet.malformed);
        assertEquals(ParseStatus.SNAPLEN_CUT, frame.parse(parser, frame.length(), 2000, 0L, packet));
    }

    @Test
    void radiotapFcsIsNotPartOfTheFrame()
    {
        // IPv4 total length 0 means "the rest of the frame": the FCS is not in it.
        final PacketBuilder.Frame withFcs = PacketBuilder.radiotap(RADIOTAP_FCS).wlanData(WLAN_TO_DS, false, false)
            .ipv4(SRC, DST).ipv4TotalLength(0).udp(1, 2).payload(10).padding(4).build();
        final PacketBuilder.Frame withoutFcs = PacketBuilder.radiotap(0).wlanData(WLAN_TO_DS, false, false)
            .ipv4(SRC, DST).ipv4TotalLength(0).udp(1, 2).payload(10).padding(4).build();

        assertEquals(ParseStatus.FLOW, withFcs.parse(parser, packet));
        assertEquals(20 + 8 + 10, packet.ipLength);
        assertEquals(withFcs.length(), packet.layer2Length);
        assertEquals(ParseStatus.FLOW, withoutFcs.parse(parser, packet));
        assertEquals(20 + 8 + 10 + 4, packet.ipLength);
    }

    @Test
    void radiotapFcsShorterThanTheFrameLeavesNothing()
    {
        final PacketBuilder.Frame frame = PacketBuilder.radiotap(RADIOTAP_FCS).bytes(WLAN_DATA, 0).build();

        assertEquals(ParseStatus.MALFORMED, frame.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_LINK_HEADER.ordinal(), packet.malformed);
    }

    @Test
    void dataPadIsHonouredOnlyWhenRadiotapSaysSo()
    {
        // A QoS header (26 bytes) followed directly by LLC/SNAP: with the data pad flag the parser looks 2 bytes on.
        final PacketBuilder.Frame unpadded = PacketBuilder.radiotap(RADIOTAP_DATA_PAD).wlanData(0, true, false)
            .ipv4(SRC, DST).udp(1, 2).build();

        assertEquals(ParseStatus.NOT_IP, unpadded.parse(parser, packet));
    }

    @Test
    void erfIpRecords()
    {
        final PacketBuilder.Frame v4 = PacketBuilder.erf(ERF_TYPE_IPV4, 0).ipv4(SRC, DST).udp(1, 53).payload(9)
            .build();
        final PacketBuilder.Frame v6 = PacketBuilder.erf(ERF_TYPE_IPV6, 2).ipv6(1, 2, 3, 4).tcp(5, 6, TCP_ACK)
            .build();

        assertEquals(ParseStatus.FLOW, v4.parse(parser, packet));
        assertEquals(4, packet.ipVersion);
        assertEquals(16, packet.l3Offset);
        assertEquals(53, packet.dstPort);
        assertEquals(20 + 8 + 9, packet.layer2Length);
        assertEquals(ParseStatus.FLOW, v6.parse(parser, packet));
        assertEquals(6, packet.ipVersion);
        assertEquals(16 + 16, packet.l3Offset);
        assertEquals(40 + 20, packet.layer2Length);
    }

    @Test
    void erfIpRecordsRequireTheirVersion()
    {
        final PacketBuilder.Frame v6InV4 = PacketBuilder.erf(ERF_TYPE_IPV4, 0).ipv6(1, 2, 3, 4).udp(1, 2).build();
        final PacketBuilder.Frame v4InV6 = PacketBuilder.erf(ERF_TYPE_IPV6, 0).ipv4(SRC, DST).udp(1, 2).payload(40)
            .build();

        assertEquals(ParseStatus.MALFORMED, v6InV4.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IP_VERSION.ordinal(), packet.malformed);
        assertEquals(16, packet.l3Offset);
        assertEquals(ParseStatus.MALFORMED, v4InV6.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IP_VERSION.ordinal(), packet.malformed);
    }

    @Test
    void erfCountsTheRecordsWireLengthAndIgnoresItsPadding()
    {
        // 16 + 8 header bytes, 2 of pad, a 60-byte Ethernet frame (its wlen), 6 bytes of record padding.
        final PacketBuilder.Frame frame = PacketBuilder.erf(ERF_TYPE_ETH, 1).ipv4(SRC, DST).ipv4TotalLength(0)
            .udp(1, 2).payload(18).padding(6).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(16 + 8 + 2 + 60 + 6, frame.length());
        assertEquals(60, packet.layer2Length);
        assertEquals(60 - 14, packet.ipLength);
        assertEquals(18, packet.payloadLength);
        assertEquals(16 + 8 + 2 + 14 + 28, packet.payloadOffset);
        assertEquals(frame.length(), frame.bytes()[10] << 8 | frame.bytes()[11] & 0xFF);
    }

    @Test
    void erfRecordCutByTheCardsSnapLength()
    {
        // A record of 64 bytes whose frame was 14 + 20 + 8 + 1000 bytes on the wire: the pcap record holds the
        // ERF record as captured and, as libpcap writes it, the frame's wire length plus the headers.
        final PacketBuilder.Frame full = PacketBuilder.erf(ERF_TYPE_ETH, 0).ipv4(SRC, DST).udp(7, 8).payload(1000)
            .build();
        final int wire = full.length();

        assertEquals(ParseStatus.FLOW, full.parse(parser, 64, wire, 0L, packet));
        assertEquals(8, packet.dstPort);
        assertEquals(14 + 20 + 8 + 1000, packet.layer2Length);
        assertEquals(ParseStatus.L3_FLOW, full.parse(parser, 18 + 14 + 21, wire, 0L, packet));
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
        assertEquals(ParseStatus.SNAPLEN_CUT, full.parse(parser, 18 + 14 + 19, wire, 0L, packet));
        assertEquals(ParseStatus.SNAPLEN_CUT, full.parse(parser, 17, wire, 0L, packet));
        assertEquals(ParseStatus.SNAPLEN_CUT, full.parse(parser, 15, wire, 0L, packet));
    }

    @Test
    void erfWireLengthShorterThanTheFrame()
    {
        final PacketBuilder.Frame frame = PacketBuilder.erf(ERF_TYPE_ETH, 0).ipv4(SRC, DST).udp(7, 8).payload(30)
            .build();

        // wlen 13: no Ethernet header on the wire; wlen 40: the IP packet is longer than the frame.
        assertEquals(ParseStatus.MALFORMED, frame.withByte(14, 0).withByte(15, 13).parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_LINK_HEADER.ordinal(), packet.malformed);
        assertEquals(ParseStatus.MALFORMED, frame.withByte(14, 0).withByte(15, 40).parse(parser, packet));
        assertEquals(MalformedKind.BAD_IP_TOTAL_LENGTH.ordinal(), packet.malformed);
        assertEquals(18 + 14, packet.l3Offset);
    }

    @Test
    void erfExtensionChainRunningOffTheRecord()
    {
        // Every extension header says another follows.
        final PacketBuilder.Frame frame = PacketBuilder.erf(ERF_TYPE_ETH, 2).ipv4(SRC, DST).udp(7, 8).build();
        byte[] bytes = frame.bytes().clone();
        for (int i = 16; i < bytes.length; i += 8)
        {
            bytes[i] |= (byte)0x80;
        }
        final PacketBuilder.Frame endless = PacketBuilder.Frame.of(LinkType.ERF, bytes, -1);

        assertEquals(ParseStatus.MALFORMED, endless.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_LINK_HEADER.ordinal(), packet.malformed);
        assertEquals(ParseStatus.SNAPLEN_CUT, endless.parse(parser, bytes.length, bytes.length + 100, 0L, packet));
        bytes = Arrays.copyOf(bytes, 20);
        assertEquals(ParseStatus.MALFORMED, PacketBuilder.Frame.of(LinkType.ERF, bytes, -1).parse(parser, packet));
    }

    @Test
    void everyTruncationOfEveryCaptureHeaderIsHandled()
    {
        final PacketBuilder.Frame[] frames = {
            PacketBuilder.ppi(LinkType.IEEE802_11).wlanData(WLAN_TO_DS, true, true).ipv4(SRC, DST).udp(1, 2).build(),
            PacketBuilder.radiotap(true, RADIOTAP_FCS | RADIOTAP_DATA_PAD, 1).wlanHeader(WLAN_QOS_DATA, 0, 0, 0x80,
                false).bytes(0, 0).aMsduSubframe().llcSnap(0).ipv6(1, 2, 3, 4).udp(1, 2).padding(4).build(),
            PacketBuilder.erf(ERF_TYPE_ETH, 3).vlan(5).ipv4(SRC, DST).tcp(1, 2, TCP_ACK).build(),
            PacketBuilder.erf(ERF_TYPE_IPV6, 1).ipv6(1, 2, 3, 4).udp(1, 2).build()};
        for (final PacketBuilder.Frame frame : frames)
        {
            assertEquals(ParseStatus.FLOW, frame.parse(parser, packet), frame.toString());
            for (int cut = 0; cut < frame.length(); cut++)
            {
                final int shortStatus = frame.parse(parser, cut, cut, 0L, packet);
                PacketInvariants.assertConsistent(shortStatus, packet, cut, cut);
                assertEquals(ParseStatus.MALFORMED, shortStatus, frame + " cut at " + cut);
                final int cutStatus = frame.parse(parser, cut, frame.length(), 0L, packet);
                PacketInvariants.assertConsistent(cutStatus, packet, cut, frame.length());
                assertEquals(MalformedKind.NONE.ordinal(), packet.malformed, frame + " cut at " + cut);
            }
        }
    }

    static Stream<PacketBuilder.Frame> dpiFrames()
    {
        return Stream.of(
            PacketBuilder.ppi(LinkType.ETHERNET).ethernetHeader().ipv4(SRC, DST).tcp(1, 443, TCP_ACK).payload(20)
                .build(),
            PacketBuilder.ppi(LinkType.IEEE802_11).wlanData(WLAN_FROM_DS, true, true).ipv6(1, 2, 3, 4).udp(1, 443)
                .payload(20).build(),
            PacketBuilder.radiotap(true, RADIOTAP_DATA_PAD | RADIOTAP_FCS, 0).wlanHeader(WLAN_QOS_DATA,
                WLAN_TO_DS, 0, 0, false).bytes(0, 0).llcSnap(0).ipv4(SRC, DST).udp(1, 53).payload(20).padding(4)
                .build(),
            PacketBuilder.wlan().wlanData(WLAN_TO_DS, false, false).ipv4(SRC, DST).tcp(1, 80, TCP_ACK).payload(20)
                .build(),
            PacketBuilder.erf(ERF_TYPE_ETH, 2).ipv4(SRC, DST).tcp(1, 443, TCP_ACK).payload(20).padding(4).build(),
            PacketBuilder.erf(ERF_TYPE_IPV6, 0).ipv6(1, 2, 3, 4).udp(1, 443).payload(20).build());
    }

    /**
     * DPI reads the IP packet at the descriptor's packet address plus layer-3 offset, for the IP length: that must be
     * the IP packet the builder wrote, whatever capture header comes first.
     */
    @ParameterizedTest
    @MethodSource("dpiFrames")
    void theDescriptorsLayer3OffsetPointsAtTheIpPacket(final PacketBuilder.Frame frame)
    {
        final int status = frame.parse(parser, packet);
        assertEquals(ParseStatus.FLOW, status);
        final UnsafeBuffer descriptor = new UnsafeBuffer(new byte[PacketDescriptor.LENGTH]);
        final int keyFlags = PacketDescriptor.keyFlags(packet, false, 0);
        PacketDescriptor.write(descriptor, 0, packet, PacketDescriptor.hash(packet, keyFlags), keyFlags,
            frame.address(), frame.length(), packet.layer2Length, 0L);

        final int l3Offset = descriptor.getShort(PacketDescriptor.L3_OFFSET) & 0xFFFF;
        final int ipLength = descriptor.getInt(PacketDescriptor.IP_LENGTH);
        assertEquals(frame.address(), descriptor.getLong(PacketDescriptor.PACKET_ADDRESS));
        assertEquals(frame.l3Offset(), l3Offset);
        final byte[] ip = frame.memory().asSlice(l3Offset, ipLength).toArray(ValueLayout.JAVA_BYTE);
        assertEquals(Arrays.toString(Arrays.copyOfRange(frame.bytes(), frame.l3Offset(), frame.l3Offset() + ipLength)),
            Arrays.toString(ip));
        assertEquals(packet.ipVersion, (ip[0] & 0xF0) >>> 4);
        final int ipHeader = 4 == packet.ipVersion ? 20 : 40;
        assertEquals(packet.dstPort, MemorySegment.ofArray(ip).get(ValueLayout.JAVA_SHORT_UNALIGNED
            .withOrder(ByteOrder.BIG_ENDIAN), ipHeader + 2) & 0xFFFF);
    }
}
