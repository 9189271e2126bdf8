package io.spillway.packet;

import io.spillway.packet.LinkType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;

import static io.spillway.packet.PacketBuilder.ETHERTYPE_IPV4;
import static io.spillway.packet.PacketBuilder.ETHERTYPE_MPLS;
import static io.spillway.packet.PacketBuilder.PROTOCOL_DESTINATION_OPTIONS;
import static io.spillway.packet.PacketBuilder.PROTOCOL_HOP_BY_HOP;
import static io.spillway.packet.PacketBuilder.PROTOCOL_ROUTING;
import static io.spillway.packet.PacketBuilder.TCP_ACK;
import static io.spillway.packet.PacketBuilder.TCP_SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PacketParserMalformedTest
{
    private static final int SRC = 0x0A00_0001;
    private static final int DST = 0x0A00_0002;

    private final PacketParser parser = new PacketParser();
    private final ParsedPacket packet = new ParsedPacket();

    /** One example per kind, so a kind added without a test fails here. */
    @ParameterizedTest
    @EnumSource(value = MalformedKind.class, mode = EnumSource.Mode.EXCLUDE, names = "NONE")
    void everyKindIsProducedWithTheStatusTheRuleGives(final MalformedKind kind)
    {
        final PacketBuilder.Frame frame = exampleOf(kind);
        final int status = frame.parse(parser, packet);

        assertEquals(kind, MalformedKind.of(packet.malformed));
        final int expected = PacketInvariants.makesUnaccountable(kind) ? ParseStatus.MALFORMED :
            (MalformedKind.BAD_TCP_HEADER_LENGTH == kind ? ParseStatus.FLOW : ParseStatus.L3_FLOW);
        assertEquals(expected, status);
    }

    private static PacketBuilder.Frame exampleOf(final MalformedKind kind)
    {
        final PacketBuilder.Frame tcp = PacketBuilder.ethernet().ipv4(SRC, DST).tcp(1, 2, TCP_SYN).build();
        return switch (kind)
        {
            case TRUNCATED_LINK_HEADER -> cut(tcp, 13);
            case BAD_LINK_HEADER_LENGTH ->
                PacketBuilder.ppi(LinkType.ETHERNET).ethernetHeader().ipv4(SRC, DST).udp(1, 2).build().withByte(2, 4);
            case TRUNCATED_IP_HEADER -> cut(tcp, 14 + 19);
            case BAD_IP_VERSION -> PacketBuilder.ethernet().ipv4(SRC, DST).ipVersion(5).tcp(1, 2, 0).build();
            case BAD_IP_HEADER_LENGTH -> PacketBuilder.ethernet().ipv4(SRC, DST).ipv4HeaderLength(4).udp(1, 2).build();
            case BAD_IP_TOTAL_LENGTH -> PacketBuilder.ethernet().ipv4(SRC, DST).ipv4TotalLength(19).udp(1, 2).build();
            case BAD_IPV6_EXTENSION_HEADER -> PacketBuilder.ethernet().ipv6(1, 2, 3, 4)
                .ipv6Extension(PROTOCOL_ROUTING, 8).ipv6ExtensionLengthField(200).udp(1, 2).build();
            case TRUNCATED_TRANSPORT_HEADER ->
                PacketBuilder.ethernet().ipv4(SRC, DST).ipv4TotalLength(20 + 3).udp(1, 2).build();
            case BAD_TCP_HEADER_LENGTH -> PacketBuilder.ethernet().ipv4(SRC, DST).tcp(1, 2, 0).tcpDataOffset(4).build();
            default -> throw new IllegalArgumentException("no example of " + kind);
        };
    }

    @Test
    void shortLinkHeaderIsMalformedButSnaplenCutIsNot()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().vlan(5).ipv4(SRC, DST).udp(1, 2).build();

        assertEquals(ParseStatus.MALFORMED, frame.parse(parser, 16, 16, 0L, packet));
        assertEquals(MalformedKind.TRUNCATED_LINK_HEADER.ordinal(), packet.malformed);
        assertEquals(ParseStatus.SNAPLEN_CUT, frame.parse(parser, 16, frame.length(), 0L, packet));
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
    }

    @Test
    void mplsStackWithoutBottomRunsOffTheFrame()
    {
        // Label entries whose bottom-of-stack bit (bit 0 of byte 2) is clear: 0xA2 and 0xA6.
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().next(ETHERTYPE_MPLS).payload(8).build();

        assertEquals(ParseStatus.MALFORMED, frame.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_LINK_HEADER.ordinal(), packet.malformed);
    }

    @Test
    void shortIpHeaderIsMalformedButSnaplenCutIsNot()
    {
        final PacketBuilder.Frame v6 = PacketBuilder.ethernet().ipv6(1, 2, 3, 4).udp(1, 2).build();

        assertEquals(ParseStatus.MALFORMED, v6.parse(parser, 14 + 39, 14 + 39, 0L, packet));
        assertEquals(MalformedKind.TRUNCATED_IP_HEADER.ordinal(), packet.malformed);
        assertEquals(14, packet.l3Offset);
        assertEquals(ParseStatus.SNAPLEN_CUT, v6.parse(parser, 14 + 39, v6.length(), 0L, packet));
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
    }

    @Test
    void rawIpWithoutAnyByte()
    {
        final PacketBuilder.Frame empty = PacketBuilder.raw(LinkType.RAW).build();

        assertEquals(ParseStatus.MALFORMED, empty.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_IP_HEADER.ordinal(), packet.malformed);
    }

    @Test
    void rawIpWithAnotherVersion()
    {
        final PacketBuilder.Frame frame = PacketBuilder.raw(LinkType.RAW).ipv4(SRC, DST).ipVersion(0).udp(1, 2).build();

        assertEquals(ParseStatus.MALFORMED, frame.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IP_VERSION.ordinal(), packet.malformed);
    }

    @Test
    void ipv6EthertypeWithIpv4Version()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv6(1, 2, 3, 4).ipVersion(4).udp(1, 2).build();

        assertEquals(ParseStatus.MALFORMED, frame.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IP_VERSION.ordinal(), packet.malformed);
    }

    @Test
    void ipv4HeaderLengthZero()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv4(SRC, DST).ipv4HeaderLength(0).udp(1, 2).build();

        assertEquals(ParseStatus.MALFORMED, frame.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IP_HEADER_LENGTH.ordinal(), packet.malformed);
    }

    @Test
    void ipv4TotalLengthShorterThanItsOptions()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4Options(12).ipv4TotalLength(30).udp(1, 2).build();

        assertEquals(ParseStatus.MALFORMED, frame.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IP_TOTAL_LENGTH.ordinal(), packet.malformed);
    }

    @Test
    void ipLengthLongerThanTheFrameOnTheWire()
    {
        final PacketBuilder.Frame v4 = PacketBuilder.ethernet().ipv4(SRC, DST).ipv4TotalLength(1500).udp(1, 2).build();
        final PacketBuilder.Frame v6 = PacketBuilder.ethernet().ipv6(1, 2, 3, 4).ipv6PayloadLength(9).udp(1, 2).build();

        assertEquals(ParseStatus.MALFORMED, v4.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IP_TOTAL_LENGTH.ordinal(), packet.malformed);
        assertEquals(ParseStatus.MALFORMED, v6.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IP_TOTAL_LENGTH.ordinal(), packet.malformed);
    }

    @Test
    void ipLengthWithinTheWireButPastTheSnaplenIsSound()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv4(SRC, DST).udp(1, 2).payload(1400).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, 96, frame.length(), 0L, packet));
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
        assertEquals(1428, packet.ipLength);
        assertEquals(96 - 42, packet.payloadLength);
    }

    @Test
    void totalLengthZeroWithAHeaderLongerThanTheFrame()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.raw(LinkType.RAW).ipv4(SRC, DST).ipv4TotalLength(0).ipv4HeaderLength(15).payload(8).build();

        assertEquals(ParseStatus.MALFORMED, frame.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_IP_HEADER.ordinal(), packet.malformed);
    }

    @Test
    void hopByHopMustComeFirst()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv6(1, 2, 3, 4)
            .ipv6Extension(PROTOCOL_DESTINATION_OPTIONS, 8).ipv6Extension(PROTOCOL_HOP_BY_HOP, 8).udp(1, 2).build();

        assertEquals(ParseStatus.L3_FLOW, frame.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IPV6_EXTENSION_HEADER.ordinal(), packet.malformed);
        assertEquals(PROTOCOL_HOP_BY_HOP, packet.protocol);
        assertEquals(-1, packet.l4Offset);
    }

    @Test
    void extensionHeaderPastTheIpPacketButInsideTheFrame()
    {
        // The payload length ends the packet inside the routing header; the frame goes on.
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv6(1, 2, 3, 4)
            .ipv6Extension(PROTOCOL_ROUTING, 24).ipv6PayloadLength(16).udp(1, 2).build();

        assertEquals(ParseStatus.L3_FLOW, frame.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IPV6_EXTENSION_HEADER.ordinal(), packet.malformed);
        assertEquals(PROTOCOL_ROUTING, packet.protocol);
        assertEquals(56, packet.ipLength);
    }

    @Test
    void extensionChainCutBySnaplenIsNotMalformed()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv6(1, 2, 3, 4)
            .ipv6Extension(PROTOCOL_HOP_BY_HOP, 8).ipv6Extension(PROTOCOL_ROUTING, 24).udp(1, 2).build();

        assertEquals(ParseStatus.L3_FLOW, frame.parse(parser, 14 + 40 + 8 + 1, frame.length(), 0L, packet));
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
        assertEquals(PROTOCOL_ROUTING, packet.protocol);
        assertEquals(1L, packet.srcHi);
    }

    @Test
    void transportTooShortForItsPorts()
    {
        final PacketBuilder.Frame tcp =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4TotalLength(22).tcp(1000, 2000, TCP_SYN).build();
        final PacketBuilder.Frame icmp = PacketBuilder.ethernet().ipv4(SRC, DST).ipv4TotalLength(21).icmp(8, 0).build();
        final PacketBuilder.Frame v6 = PacketBuilder.ethernet().ipv6(1, 2, 3, 4).ipv6PayloadLength(3).udp(1, 2).build();

        assertEquals(ParseStatus.L3_FLOW, tcp.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_TRANSPORT_HEADER.ordinal(), packet.malformed);
        assertEquals(0, packet.srcPort);
        assertEquals(0, packet.tcpFlags);
        assertEquals(ParseStatus.L3_FLOW, icmp.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_TRANSPORT_HEADER.ordinal(), packet.malformed);
        assertEquals(ParseStatus.L3_FLOW, v6.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_TRANSPORT_HEADER.ordinal(), packet.malformed);
    }

    @Test
    void portsReadButHeaderShortIsStillAFlow()
    {
        final PacketBuilder.Frame udp = PacketBuilder.ethernet().ipv4(SRC, DST).ipv4TotalLength(26).udp(67, 68).build();
        final PacketBuilder.Frame sctp =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4TotalLength(30).sctp(5, 6).build();
        final PacketBuilder.Frame icmp =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4TotalLength(23).icmp(11, 1).build();

        assertEquals(ParseStatus.FLOW, udp.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_TRANSPORT_HEADER.ordinal(), packet.malformed);
        assertEquals(68, packet.dstPort);
        assertEquals(-1, packet.payloadOffset);
        assertEquals(ParseStatus.FLOW, sctp.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_TRANSPORT_HEADER.ordinal(), packet.malformed);
        assertEquals(6, packet.dstPort);
        assertEquals(ParseStatus.FLOW, icmp.parse(parser, packet));
        assertEquals(MalformedKind.TRUNCATED_TRANSPORT_HEADER.ordinal(), packet.malformed);
        assertEquals(0x0B01, packet.dstPort);
    }

    @Test
    void tcpDataOffsetPastTheSegment()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).tcp(1, 2, TCP_ACK).tcpDataOffset(15).payload(20).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(MalformedKind.BAD_TCP_HEADER_LENGTH.ordinal(), packet.malformed);
        assertEquals(2, packet.dstPort);
        assertEquals(TCP_ACK, packet.tcpFlags);
        assertEquals(-1, packet.payloadOffset);
    }

    @Test
    void tcpSegmentShorterThanTwentyBytes()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4TotalLength(20 + 16).tcp(1, 2, TCP_SYN).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(MalformedKind.BAD_TCP_HEADER_LENGTH.ordinal(), packet.malformed);
        assertEquals(TCP_SYN, packet.tcpFlags);
    }

    @Test
    void portsCutBySnaplenGiveTheLayer3Flow()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv4(SRC, DST).tcp(1, 2, TCP_SYN).build();

        assertEquals(ParseStatus.L3_FLOW, frame.parse(parser, 14 + 20 + 3, frame.length(), 0L, packet));
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
        assertEquals(6, packet.protocol);
        assertEquals(0, packet.srcPort);
    }

    @Test
    void tcpOptionsCutBySnaplen()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).tcp(1, 2, TCP_SYN).tcpOptions(12).payload(10).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, 14 + 20 + 20, frame.length(), 0L, packet));
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
        assertEquals(TCP_SYN, packet.tcpFlags);
        assertEquals(14 + 20 + 32, packet.payloadOffset);
        assertEquals(0, packet.payloadLength);
    }

    @Test
    void ipv4OptionsCutBySnaplen()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4Options(40).udp(1, 2).build();

        assertEquals(ParseStatus.L3_FLOW, frame.parse(parser, 14 + 30, frame.length(), 0L, packet));
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
        assertEquals(0x0A00_0002L, packet.dstLo);
    }

    @Test
    void snaplenShorterThanTheIpHeaderOfARealPacket()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().next(ETHERTYPE_IPV4).payload(5).build();

        assertEquals(ParseStatus.MALFORMED, frame.parse(parser, packet));
        assertEquals(ParseStatus.SNAPLEN_CUT, frame.parse(parser, frame.length(), 1514, 0L, packet));
    }

    private static PacketBuilder.Frame cut(final PacketBuilder.Frame frame, final int length)
    {
        return PacketBuilder.Frame.of(frame.linkType(), Arrays.copyOf(frame.bytes(), length), -1);
    }
}
