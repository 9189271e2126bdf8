package io.spillway.probe.packet;

import io.spillway.probe.capture.LinkType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parser never throws and never reads past the captured length (Agrona's bounds checks would throw), whatever
 * the bytes; and a cut frame gets the status that what was cut allows.
 */
class PacketParserPropertiesTest
{
    private static final int SRC = 0x0A00_0001;
    private static final int DST = 0xAC10_0001;
    private static final long HI = 0x2001_0DB8_0000_0000L;

    enum Link
    {
        ETHERNET, VLAN, QINQ, MPLS, PPPOE, SLL, SLL2, NULL_HOST_ORDER, NULL_NETWORK_ORDER, LOOP, PPP, PPP_COMPRESSED,
        PPP_HDLC, CISCO_HDLC, RAW, IP_LINK
    }

    enum IpShape
    {
        PLAIN, OPTIONS_OR_EXTENSIONS, FIRST_FRAGMENT, LATER_FRAGMENT
    }

    enum Transport
    {
        TCP, TCP_OPTIONS, UDP, SCTP, ICMP, GRE, ESP
    }

    @Example
    void boundsChecksAreOnSoOutOfBoundsReadsThrow()
    {
        assertTrue(UnsafeBuffer.SHOULD_BOUNDS_CHECK);
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv4(SRC, DST).udp(1, 2).build();
        final UnsafeBuffer buffer = new UnsafeBuffer(frame.address(), 10);
        try
        {
            buffer.getByte(10);
            throw new AssertionError("read past the wrapped length did not throw");
        }
        catch (final IndexOutOfBoundsException expected)
        {
            assertEquals(10, buffer.capacity());
        }
    }

    @Property(tries = 3000)
    void randomBytesUnderEveryLinkType(
        @ForAll("linkTypes") final int linkType,
        @ForAll @Size(max = 160) final byte[] bytes,
        @ForAll @IntRange(max = 3000) final int missingFromCapture)
    {
        final PacketParser parser = new PacketParser();
        final ParsedPacket packet = new ParsedPacket();
        final PacketBuilder.Frame frame = PacketBuilder.Frame.of(linkType, bytes, -1);

        parseAndCheck(parser, frame, bytes.length, bytes.length, packet);
        parseAndCheck(parser, frame, bytes.length, bytes.length + missingFromCapture, packet);
    }

    @Property(tries = 2000)
    void randomIpPacketAfterAValidLinkHeader(
        @ForAll("validFrames") final PacketBuilder.Frame valid,
        @ForAll final boolean ipv6,
        @ForAll @Size(max = 120) final byte[] tail)
    {
        final byte[] bytes = Arrays.copyOf(valid.bytes(), valid.l3Offset() + 1 + tail.length);
        bytes[valid.l3Offset()] = (byte)(ipv6 ? 0x60 : 0x45);
        System.arraycopy(tail, 0, bytes, valid.l3Offset() + 1, tail.length);
        final PacketBuilder.Frame frame = PacketBuilder.Frame.of(valid.linkType(), bytes, valid.l3Offset());

        parseAndCheck(new PacketParser(), frame, bytes.length, bytes.length, new ParsedPacket());
    }

    @Property
    void everySnaplenCutGivesWhatWasRead(@ForAll("validFrames") final PacketBuilder.Frame frame)
    {
        final PacketParser parser = new PacketParser();
        final ParsedPacket full = new ParsedPacket();
        final int fullStatus = parseWhole(parser, frame, full);
        final ParsedPacket packet = new ParsedPacket();
        final int l3End = full.l3Offset + (4 == full.ipVersion ? 20 : 40);
        final int portsEnd = full.l4Offset + portsLength(full.protocol);

        for (int cut = 0; cut <= frame.length(); cut++)
        {
            final int status = parseAndCheck(parser, frame, cut, frame.length(), packet);
            final String context = "cut at " + cut;
            assertEquals(MalformedKind.NONE.ordinal(), packet.malformed, context);
            if (cut < l3End)
            {
                assertEquals(ParseStatus.SNAPLEN_CUT, status, context);
                continue;
            }

            assertTrue(ParseStatus.FLOW == status || ParseStatus.L3_FLOW == status, context);
            assertEquals(full.srcHi, packet.srcHi, context);
            assertEquals(full.srcLo, packet.srcLo, context);
            assertEquals(full.dstHi, packet.dstHi, context);
            assertEquals(full.dstLo, packet.dstLo, context);
            assertEquals(full.ipLength, packet.ipLength, context);
            if (ParseStatus.FLOW == status)
            {
                assertEquals(full.protocol, packet.protocol, context);
                assertEquals(full.srcPort, packet.srcPort, context);
                assertEquals(full.dstPort, packet.dstPort, context);
                assertTrue(0 == packet.tcpFlags || full.tcpFlags == packet.tcpFlags, context);
            }
            if (full.l4Offset >= 0 && portsLength(full.protocol) > 0)
            {
                assertEquals(cut >= portsEnd, ParseStatus.FLOW == status, context);
            }
            if (full.l4Offset >= 0 && 0 == portsLength(full.protocol) && cut >= full.l4Offset)
            {
                assertEquals(ParseStatus.FLOW, status, context);
            }
        }
        assertEquals(fullStatus, parser.parse(frame.address(), frame.length(), frame.length(), frame.linkType(), 0L,
            packet));
    }

    @Property
    void everyReallyShortFrameIsMalformedByWhereItEnds(@ForAll("validFrames") final PacketBuilder.Frame frame)
    {
        final PacketParser parser = new PacketParser();
        final ParsedPacket full = new ParsedPacket();
        parseWhole(parser, frame, full);
        final ParsedPacket packet = new ParsedPacket();
        final int l3End = full.l3Offset + (4 == full.ipVersion ? 20 : 40);

        for (int cut = 0; cut < frame.length(); cut++)
        {
            final int status = parseAndCheck(parser, frame, cut, cut, packet);
            final String context = "cut at " + cut;
            final MalformedKind expected = cut < full.l3Offset ? MalformedKind.TRUNCATED_LINK_HEADER :
                (cut < l3End ? MalformedKind.TRUNCATED_IP_HEADER : MalformedKind.BAD_IP_TOTAL_LENGTH);
            assertEquals(ParseStatus.MALFORMED, status, context);
            assertEquals(expected, MalformedKind.of(packet.malformed), context);
        }
    }

    @Property(tries = 3000)
    void mutatedPacketsNeverThrow(
        @ForAll("validFrames") final PacketBuilder.Frame valid,
        @ForAll @Size(min = 1, max = 8) final List<@IntRange(max = Integer.MAX_VALUE) Integer> mutations,
        @ForAll @IntRange(max = 100) final int capturedPercent,
        @ForAll final boolean cutBySnaplen)
    {
        final byte[] bytes = valid.bytes().clone();
        final int span = Math.min(bytes.length, valid.l3Offset() + 100);
        for (final int mutation : mutations)
        {
            bytes[(mutation >>> 8) % span] = (byte)mutation;
        }
        final PacketBuilder.Frame frame = PacketBuilder.Frame.of(valid.linkType(), bytes, valid.l3Offset());
        final PacketParser parser = new PacketParser();
        final ParsedPacket packet = new ParsedPacket();
        final int captured = bytes.length * capturedPercent / 100;

        parseAndCheck(parser, frame, bytes.length, bytes.length, packet);
        parseAndCheck(parser, frame, captured, cutBySnaplen ? bytes.length : captured, packet);
    }

    @Provide
    Arbitrary<Integer> linkTypes()
    {
        return Arbitraries.of(
            LinkType.NULL, LinkType.ETHERNET, LinkType.PPP, LinkType.RAW_OPENBSD, LinkType.RAW_BSD, LinkType.PPP_HDLC,
            LinkType.RAW, LinkType.C_HDLC, LinkType.LOOP, LinkType.LINUX_SLL, LinkType.IPV4, LinkType.IPV6,
            LinkType.LINUX_SLL2, 105, 127, 147, -1);
    }

    @Provide
    Arbitrary<PacketBuilder.Frame> validFrames()
    {
        return Combinators.combine(
            Arbitraries.of(Link.class),
            Arbitraries.of(false, true),
            Arbitraries.of(IpShape.class),
            Arbitraries.of(Transport.class),
            Arbitraries.integers().between(0, 64))
            .as(PacketParserPropertiesTest::build);
    }

    static PacketBuilder.Frame build(
        final Link link, final boolean ipv6, final IpShape shape, final Transport transport, final int payload)
    {
        final PacketBuilder builder = start(link, ipv6);
        if (ipv6)
        {
            builder.ipv6(HI, 1, HI, 2);
            switch (shape)
            {
                case OPTIONS_OR_EXTENSIONS -> builder
                    .ipv6Extension(PacketBuilder.PROTOCOL_HOP_BY_HOP, 8)
                    .ipv6Extension(PacketBuilder.PROTOCOL_ROUTING, 24)
                    .ipv6Extension(PacketBuilder.PROTOCOL_AUTHENTICATION, 16);
                case FIRST_FRAGMENT -> builder.ipv6Fragment(7, 0, true);
                case LATER_FRAGMENT -> builder.ipv6Fragment(7, 100, true).next(PacketBuilder.PROTOCOL_UDP);
                default ->
                {
                }
            }
        }
        else
        {
            builder.ipv4(SRC, DST);
            switch (shape)
            {
                case OPTIONS_OR_EXTENSIONS -> builder.ipv4Options(8);
                case FIRST_FRAGMENT -> builder.ipv4Fragment(7, 0, true);
                case LATER_FRAGMENT -> builder.ipv4Fragment(7, 100, true).next(PacketBuilder.PROTOCOL_UDP);
                default ->
                {
                }
            }
        }

        if (IpShape.LATER_FRAGMENT != shape)
        {
            switch (transport)
            {
                case TCP -> builder.tcp(40000, 443, PacketBuilder.TCP_ACK);
                case TCP_OPTIONS -> builder.tcp(40001, 443, PacketBuilder.TCP_SYN).tcpOptions(12);
                case UDP -> builder.udp(40002, 53);
                case SCTP -> builder.sctp(2905, 2906);
                case ICMP ->
                {
                    if (ipv6)
                    {
                        builder.icmpv6(128, 0);
                    }
                    else
                    {
                        builder.icmp(8, 0);
                    }
                }
                case GRE -> builder.gre().ipv4(0x0101_0101, 0x0202_0202).udp(1, 2);
                case ESP -> builder.next(PacketBuilder.PROTOCOL_ESP);
            }
        }

        return builder.payload(payload).build();
    }

    private static PacketBuilder start(final Link link, final boolean ipv6)
    {
        final int family = ipv6 ? PacketBuilder.AF_INET6_DARWIN : PacketBuilder.AF_INET;
        return switch (link)
        {
            case ETHERNET -> PacketBuilder.ethernet();
            case VLAN -> PacketBuilder.ethernet().vlan(10);
            case QINQ -> PacketBuilder.ethernet().vlan(PacketBuilder.ETHERTYPE_QINQ, 20).vlan(30);
            case MPLS -> PacketBuilder.ethernet().mpls(100, 200);
            case PPPOE -> PacketBuilder.ethernet().pppoe();
            case SLL -> PacketBuilder.linuxSll();
            case SLL2 -> PacketBuilder.linuxSll2();
            case NULL_HOST_ORDER -> PacketBuilder.nullLink(family, ByteOrder.LITTLE_ENDIAN);
            case NULL_NETWORK_ORDER -> PacketBuilder.nullLink(family, ByteOrder.BIG_ENDIAN);
            case LOOP -> PacketBuilder.loop(family);
            case PPP -> PacketBuilder.ppp(true, false);
            case PPP_COMPRESSED -> PacketBuilder.ppp(false, true);
            case PPP_HDLC -> PacketBuilder.pppHdlc(false);
            case CISCO_HDLC -> PacketBuilder.ciscoHdlc(LinkType.C_HDLC);
            case RAW -> PacketBuilder.raw(LinkType.RAW);
            case IP_LINK -> PacketBuilder.raw(ipv6 ? LinkType.IPV6 : LinkType.IPV4);
        };
    }

    private static int parseWhole(final PacketParser parser, final PacketBuilder.Frame frame, final ParsedPacket out)
    {
        final int status = parseAndCheck(parser, frame, frame.length(), frame.length(), out);
        final int expected = ParsedPacket.LATER_FRAGMENT == out.fragment ? ParseStatus.L3_FLOW : ParseStatus.FLOW;
        assertEquals(expected, status, "a valid frame");
        assertEquals(MalformedKind.NONE.ordinal(), out.malformed, "a valid frame");
        assertEquals(frame.l3Offset(), out.l3Offset, "a valid frame");
        return status;
    }

    private static int parseAndCheck(
        final PacketParser parser,
        final PacketBuilder.Frame frame,
        final int capturedLength,
        final int wireLength,
        final ParsedPacket packet)
    {
        final int status = frame.parse(parser, capturedLength, wireLength, 0L, packet);
        PacketInvariants.assertConsistent(status, packet, capturedLength, wireLength);
        return status;
    }

    private static int portsLength(final int protocol)
    {
        return switch (protocol)
        {
            case PacketBuilder.PROTOCOL_TCP, PacketBuilder.PROTOCOL_UDP, PacketBuilder.PROTOCOL_SCTP -> 4;
            case PacketBuilder.PROTOCOL_ICMP, PacketBuilder.PROTOCOL_ICMPV6 -> 2;
            default -> 0;
        };
    }
}
