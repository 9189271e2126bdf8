package io.spillway.packet;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static io.spillway.packet.PacketBuilder.PROTOCOL_DESTINATION_OPTIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PacketParserFragmentTest
{
    private static final int SRC = 0x0A00_0001;
    private static final int DST = 0x0A00_0002;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long START = 1_700_000_000L * SECOND;

    private final PacketParser parser = new PacketParser();
    private final ParsedPacket packet = new ParsedPacket();

    @Test
    void laterFragmentsTakeThePortsOfTheFirst()
    {
        final PacketBuilder.Frame firstFragment = first(SRC, 0x1111);
        final PacketBuilder.Frame laterFragment = later(SRC, 0x1111, 185);
        final int length = laterFragment.length();

        assertEquals(ParseStatus.FLOW, firstFragment.parse(parser, length, length, START, packet));
        assertEquals(ParseStatus.FLOW, laterFragment.parse(parser, length, length, START + 1, packet));
        assertEquals(ParsedPacket.LATER_FRAGMENT, packet.fragment);
        assertEquals(17, packet.protocol);
        assertEquals(5000, packet.srcPort);
        assertEquals(4789, packet.dstPort);
        assertEquals(Tunnel.VXLAN, packet.tunnel);
        assertEquals(-1, packet.l4Offset);
        assertEquals(ParseStatus.FLOW, later(SRC, 0x1111, 370).parse(parser, length, length, START + 2, packet));
        assertEquals(4789, packet.dstPort);
    }

    @Test
    void laterBeforeFirstIsTheLayer3Flow()
    {
        assertEquals(ParseStatus.L3_FLOW, later(SRC, 0x2222, 185).parse(parser, packet));
        assertEquals(0, packet.srcPort);
        assertEquals(ParseStatus.FLOW, first(SRC, 0x2222).parse(parser, packet));
        assertEquals(ParseStatus.FLOW, later(SRC, 0x2222, 370).parse(parser, packet));
        assertEquals(5000, packet.srcPort);
    }

    @Test
    void firstFragmentIsRememberedForThirtySeconds()
    {
        final PacketBuilder.Frame firstFragment = first(SRC, 0x3333);
        final PacketBuilder.Frame laterFragment = later(SRC, 0x3333, 185);
        final int length = laterFragment.length();
        firstFragment.parse(parser, firstFragment.length(), firstFragment.length(), START, packet);

        assertEquals(ParseStatus.FLOW, laterFragment.parse(parser, length, length, START + 30 * SECOND, packet));
        assertEquals(ParseStatus.L3_FLOW, laterFragment.parse(parser, length, length, START + 30 * SECOND + 1, packet));
    }

    @Test
    void otherPacketsDoNotMatch()
    {
        first(SRC, 0x4444).parse(parser, packet);

        assertEquals(ParseStatus.L3_FLOW, later(SRC, 0x4445, 185).parse(parser, packet));
        assertEquals(ParseStatus.L3_FLOW, later(SRC + 1, 0x4444, 185).parse(parser, packet));
        assertEquals(ParseStatus.L3_FLOW, PacketBuilder.ethernet().ipv4(SRC, DST).ipv4Fragment(0x4444, 185, false)
            .next(6).payload(50).build().parse(parser, packet));
    }

    @Test
    void firstFragmentWithoutPortsIsNotRemembered()
    {
        final PacketBuilder.Frame firstFragment = first(SRC, 0x5555);

        assertEquals(ParseStatus.L3_FLOW, firstFragment.parse(parser, 14 + 20 + 2, firstFragment.length(), 0L,
            packet));
        assertEquals(ParseStatus.L3_FLOW, later(SRC, 0x5555, 185).parse(parser, packet));
    }

    @Test
    void collisionOverwrites()
    {
        final PacketParser oneSlot = new PacketParser(new FragmentTable(1));
        first(SRC, 0x6666).parse(oneSlot, packet);
        first(SRC + 7, 0x7777).parse(oneSlot, packet);

        assertEquals(ParseStatus.L3_FLOW, later(SRC, 0x6666, 185).parse(oneSlot, packet));
        assertEquals(ParseStatus.FLOW, later(SRC + 7, 0x7777, 185).parse(oneSlot, packet));
    }

    @Test
    void ipv6FragmentsUseTheFragmentHeaderNextHeaderAsKey()
    {
        final PacketBuilder.Frame firstFragment = PacketBuilder.ethernet().ipv6(1, 2, 3, 4)
            .ipv6Fragment(0xF000_0001, 0, true).ipv6Extension(PROTOCOL_DESTINATION_OPTIONS, 8)
            .tcp(33000, 22, PacketBuilder.TCP_ACK).payload(1200).build();
        final PacketBuilder.Frame laterFragment = PacketBuilder.ethernet().ipv6(1, 2, 3, 4)
            .ipv6Fragment(0xF000_0001, 154, false).next(PROTOCOL_DESTINATION_OPTIONS).payload(300).build();

        assertEquals(ParseStatus.FLOW, firstFragment.parse(parser, packet));
        assertEquals(6, packet.protocol);
        assertEquals(ParseStatus.FLOW, laterFragment.parse(parser, packet));
        assertEquals(6, packet.protocol);
        assertEquals(33000, packet.srcPort);
        assertEquals(22, packet.dstPort);
        assertEquals(0xF000_0001, packet.fragmentId);
    }

    @Test
    void ipv6AndIpv4FragmentsAreApart()
    {
        PacketBuilder.ethernet().ipv6(0, SRC, 0, DST).ipv6Fragment(0x8888, 0, true).udp(1, 2).payload(64).build()
            .parse(parser, packet);

        assertEquals(ParseStatus.L3_FLOW, later(SRC, 0x8888, 185).parse(parser, packet));
    }

    private static PacketBuilder.Frame first(final int src, final int id)
    {
        return PacketBuilder.ethernet().ipv4(src, DST).ipv4Fragment(id, 0, true).udp(5000, 4789).payload(1472)
            .build();
    }

    private static PacketBuilder.Frame later(final int src, final int id, final int offsetUnits)
    {
        return PacketBuilder.ethernet().ipv4(src, DST).ipv4Fragment(id, offsetUnits, true).next(17).payload(1480)
            .build();
    }
}
