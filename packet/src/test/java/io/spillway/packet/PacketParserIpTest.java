package io.spillway.packet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.spillway.packet.PacketBuilder.PROTOCOL_AUTHENTICATION;
import static io.spillway.packet.PacketBuilder.PROTOCOL_DESTINATION_OPTIONS;
import static io.spillway.packet.PacketBuilder.PROTOCOL_ESP;
import static io.spillway.packet.PacketBuilder.PROTOCOL_EXPERIMENT_1;
import static io.spillway.packet.PacketBuilder.PROTOCOL_EXPERIMENT_2;
import static io.spillway.packet.PacketBuilder.PROTOCOL_HIP;
import static io.spillway.packet.PacketBuilder.PROTOCOL_HOP_BY_HOP;
import static io.spillway.packet.PacketBuilder.PROTOCOL_MOBILITY;
import static io.spillway.packet.PacketBuilder.PROTOCOL_NO_NEXT_HEADER;
import static io.spillway.packet.PacketBuilder.PROTOCOL_ROUTING;
import static io.spillway.packet.PacketBuilder.PROTOCOL_SHIM6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PacketParserIpTest
{
    private static final int SRC = 0xC0A8_0001;
    private static final int DST = 0x0808_0808;
    private static final long HI = 0x2001_0DB8_0000_0000L;

    private final PacketParser parser = new PacketParser();
    private final ParsedPacket packet = new ParsedPacket();

    @Test
    void ipv4AddressesAreUnsignedInTheLowWord()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv4(0xFFFF_FFFE, SRC).udp(1, 2).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(0L, packet.srcHi);
        assertEquals(0xFFFF_FFFEL, packet.srcLo);
        assertEquals(0L, packet.dstHi);
        assertEquals(0xC0A8_0001L, packet.dstLo);
    }

    @ParameterizedTest(name = "{0} option bytes")
    @MethodSource("optionLengths")
    void ipv4OptionsAreSkipped(final int optionBytes)
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4Options(optionBytes).tcp(1234, 80, 0).payload(5).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(14 + 20 + optionBytes, packet.l4Offset);
        assertEquals(1234, packet.srcPort);
        assertEquals(80, packet.dstPort);
        assertEquals(20 + optionBytes + 20 + 5, packet.ipLength);
    }

    static Stream<Integer> optionLengths()
    {
        return Stream.of(4, 12, 40);
    }

    @Test
    void ipv4TotalLengthZeroMeansTheRestOfTheFrame()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4TotalLength(0).tcp(1, 2, 0).payload(3000).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(3040, packet.ipLength);
        assertEquals(3000, packet.payloadLength);
    }

    @Test
    void ethernetPaddingIsNotPartOfTheIpPacket()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv4(SRC, DST).udp(7, 9).payload(2).padding(16)
            .build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(30, packet.ipLength);
        assertEquals(14 + 28, packet.payloadOffset);
        assertEquals(2, packet.payloadLength);
    }

    @Test
    void dontFragmentIsNotAFragment()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv4(SRC, DST).udp(7, 9).build();

        assertEquals(0x40, frame.bytes()[14 + 6] & 0xFF, "the builder sets DF");
        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(ParsedPacket.NOT_FRAGMENT, packet.fragment);
        assertEquals(0, packet.fragmentId);
    }

    @Test
    void ipv4FirstFragment()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4Fragment(0xBEEF, 0, true).udp(5000, 6000).payload(100).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(ParsedPacket.FIRST_FRAGMENT, packet.fragment);
        assertEquals(0xBEEF, packet.fragmentId);
        assertTrue(packet.moreFragments);
        assertEquals(6000, packet.dstPort);
    }

    @Test
    void ipv4LaterFragmentHasNoTransportHeader()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4Fragment(77, 185, true).next(17).payload(64).build();

        assertEquals(ParseStatus.L3_FLOW, frame.parse(parser, packet));
        assertEquals(ParsedPacket.LATER_FRAGMENT, packet.fragment);
        assertEquals(77, packet.fragmentId);
        assertTrue(packet.moreFragments);
        assertEquals(17, packet.protocol);
        assertEquals(-1, packet.l4Offset);
        assertEquals(-1, packet.payloadOffset);
        assertEquals(0, packet.srcPort);
        assertEquals(0, packet.dstPort);
    }

    @Test
    void ipv4LastFragmentSaysNoMore()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4Fragment(78, 1, false).next(6).payload(8).build();

        assertEquals(ParseStatus.L3_FLOW, frame.parse(parser, packet));
        assertEquals(ParsedPacket.LATER_FRAGMENT, packet.fragment);
        assertFalse(packet.moreFragments);
    }

    @Test
    void ipv6Basics()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv6(HI, 1, HI | 0xFFFF, 2).udp(546, 547).payload(12).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(6, packet.ipVersion);
        assertEquals(HI, packet.srcHi);
        assertEquals(1L, packet.srcLo);
        assertEquals(HI | 0xFFFF, packet.dstHi);
        assertEquals(2L, packet.dstLo);
        assertEquals(60, packet.ipLength);
        assertEquals(54, packet.l4Offset);
        assertEquals(62, packet.payloadOffset);
        assertEquals(12, packet.payloadLength);
        assertEquals(ParsedPacket.NOT_FRAGMENT, packet.fragment);
    }

    static Stream<Arguments> extensionHeaders()
    {
        return Stream.of(
            arguments(PROTOCOL_HOP_BY_HOP, 8),
            arguments(PROTOCOL_HOP_BY_HOP, 32),
            arguments(PROTOCOL_ROUTING, 24),
            arguments(PROTOCOL_DESTINATION_OPTIONS, 16),
            arguments(PROTOCOL_AUTHENTICATION, 24),
            arguments(PROTOCOL_MOBILITY, 16),
            arguments(PROTOCOL_HIP, 40),
            arguments(PROTOCOL_SHIM6, 8),
            arguments(PROTOCOL_EXPERIMENT_1, 8),
            arguments(PROTOCOL_EXPERIMENT_2, 2048));
    }

    @ParameterizedTest(name = "header {0}, {1} bytes")
    @MethodSource("extensionHeaders")
    void eachExtensionHeaderIsWalked(final int type, final int length)
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv6(HI, 1, HI, 2).ipv6Extension(type, length).tcp(22, 60000, 0).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(6, packet.protocol);
        assertEquals(54 + length, packet.l4Offset);
        assertEquals(22, packet.srcPort);
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
    }

    @Test
    void chainOfExtensionHeaders()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv6(HI, 1, HI, 2)
            .ipv6Extension(PROTOCOL_HOP_BY_HOP, 8)
            .ipv6Extension(PROTOCOL_DESTINATION_OPTIONS, 16)
            .ipv6Extension(PROTOCOL_ROUTING, 24)
            .ipv6Extension(PROTOCOL_AUTHENTICATION, 16)
            .sctp(2905, 2905).payload(4).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(132, packet.protocol);
        assertEquals(54 + 64, packet.l4Offset);
        assertEquals(54 + 64 + 12, packet.payloadOffset);
        assertEquals(2905, packet.dstPort);
    }

    @Test
    void espEndsTheChainWithoutPorts()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv6(HI, 1, HI, 2)
            .ipv6Extension(PROTOCOL_HOP_BY_HOP, 8).next(PROTOCOL_ESP).payload(40).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(PROTOCOL_ESP, packet.protocol);
        assertEquals(62, packet.l4Offset);
        assertEquals(0, packet.srcPort);
        assertEquals(0, packet.dstPort);
        assertEquals(-1, packet.payloadOffset);
    }

    @Test
    void noNextHeaderEndsTheChain()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv6(HI, 1, HI, 2)
            .ipv6Extension(PROTOCOL_DESTINATION_OPTIONS, 8).next(PROTOCOL_NO_NEXT_HEADER).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(PROTOCOL_NO_NEXT_HEADER, packet.protocol);
        assertEquals(0, packet.dstPort);
    }

    @Test
    void sixteenExtensionHeadersAreWalked()
    {
        final PacketBuilder.Frame frame = withDestinationOptions(PacketParser.MAX_EXTENSION_HEADERS);

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(54 + 8 * 16, packet.l4Offset);
        assertEquals(53, packet.dstPort);
    }

    @Test
    void seventeenExtensionHeadersAreTooMany()
    {
        final PacketBuilder.Frame frame = withDestinationOptions(PacketParser.MAX_EXTENSION_HEADERS + 1);

        assertEquals(ParseStatus.L3_FLOW, frame.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IPV6_EXTENSION_HEADER.ordinal(), packet.malformed);
        assertEquals(HI, packet.srcHi);
        assertEquals(0, packet.dstPort);
    }

    @Test
    void ipv6PayloadLengthZeroMeansTheRestOfTheFrame()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv6(HI, 1, HI, 2).ipv6PayloadLength(0).udp(1, 2).payload(70_000).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(40 + 8 + 70_000, packet.ipLength);
        assertEquals(70_000, packet.payloadLength);
    }

    @Test
    void ipv6FirstFragmentKeepsItsTransport()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv6(HI, 1, HI, 2)
            .ipv6Fragment(0x89AB_CDEF, 0, true).udp(4500, 4501).payload(1000).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(ParsedPacket.FIRST_FRAGMENT, packet.fragment);
        assertEquals(0x89AB_CDEF, packet.fragmentId);
        assertTrue(packet.moreFragments);
        assertEquals(17, packet.protocol);
        assertEquals(62, packet.l4Offset);
        assertEquals(4501, packet.dstPort);
    }

    @Test
    void ipv6LaterFragmentStopsTheWalk()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv6(HI, 1, HI, 2)
            .ipv6Fragment(0x0102_0304, 150, false).next(17).payload(200).build();

        assertEquals(ParseStatus.L3_FLOW, frame.parse(parser, packet));
        assertEquals(ParsedPacket.LATER_FRAGMENT, packet.fragment);
        assertEquals(0x0102_0304, packet.fragmentId);
        assertFalse(packet.moreFragments);
        assertEquals(17, packet.protocol);
        assertEquals(-1, packet.l4Offset);
    }

    @Test
    void ipv6AtomicFragmentIsAWholePacket()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv6(HI, 1, HI, 2)
            .ipv6Fragment(99, 0, false).tcp(10, 20, 0).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(ParsedPacket.NOT_FRAGMENT, packet.fragment);
        assertEquals(20, packet.dstPort);
    }

    private static PacketBuilder.Frame withDestinationOptions(final int count)
    {
        final PacketBuilder builder = PacketBuilder.ethernet().ipv6(HI, 1, HI, 2);
        for (int i = 0; i < count; i++)
        {
            builder.ipv6Extension(PROTOCOL_DESTINATION_OPTIONS, 8);
        }
        return builder.udp(5353, 53).build();
    }
}
