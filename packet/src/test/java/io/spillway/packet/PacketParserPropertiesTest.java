package io.spillway.packet;

import io.spillway.packet.LinkType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parser never throws and never reads past the captured length (Agrona's bounds checks would throw), whatever
 * the bytes; and a cut frame gets the status that what was cut allows. Random inputs come from fixed seeds, so a
 * failure names its seed and iteration and reproduces; the cut properties run over every valid frame shape.
 */
class PacketParserPropertiesTest
{
    private static final int SRC = 0x0A00_0001;
    private static final int DST = 0xAC10_0001;
    private static final long HI = 0x2001_0DB8_0000_0000L;

    enum Link
    {
        ETHERNET, VLAN, QINQ, MPLS, PPPOE, SLL, SLL2, NULL_HOST_ORDER, NULL_NETWORK_ORDER, LOOP, PPP, PPP_COMPRESSED,
        PPP_HDLC, CISCO_HDLC, RAW, IP_LINK, PPI_ETHERNET, PPI_WLAN, WLAN, WLAN_FOUR_ADDRESSES_HT, WLAN_A_MSDU,
        RADIOTAP, ERF_ETHERNET, ERF_EXTENSIONS, ERF_IP
    }

    enum IpShape
    {
        PLAIN, OPTIONS_OR_EXTENSIONS, FIRST_FRAGMENT, LATER_FRAGMENT
    }

    enum Transport
    {
        TCP, TCP_OPTIONS, UDP, SCTP, ICMP, GRE, ESP
    }

    private static final int[] LINK_TYPES = {
        LinkType.NULL, LinkType.ETHERNET, LinkType.PPP, LinkType.RAW_OPENBSD, LinkType.RAW_BSD, LinkType.PPP_HDLC,
        LinkType.RAW, LinkType.C_HDLC, LinkType.LOOP, LinkType.LINUX_SLL, LinkType.IPV4, LinkType.IPV6,
        LinkType.LINUX_SLL2, LinkType.IEEE802_11, LinkType.IEEE802_11_RADIOTAP, LinkType.PPI, LinkType.ERF, 147, -1};
    private static final int[] PAYLOADS = {0, 1, 17, 64};

    @Test
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

    @Test
    void randomBytesUnderEveryLinkType()
    {
        final SplittableRandom random = new SplittableRandom(0x5EED_0001L);
        final PacketParser parser = new PacketParser();
        final ParsedPacket packet = new ParsedPacket();
        for (int i = 0; i < 3000; i++)
        {
            final int linkType = LINK_TYPES[random.nextInt(LINK_TYPES.length)];
            final byte[] bytes = randomBytes(random, random.nextInt(161));
            final int missingFromCapture = random.nextInt(3001);
            final PacketBuilder.Frame frame = PacketBuilder.Frame.of(linkType, bytes, -1);

            parseAndCheck(parser, frame, bytes.length, bytes.length, packet);
            parseAndCheck(parser, frame, bytes.length, bytes.length + missingFromCapture, packet);
        }
    }

    @Test
    void randomIpPacketAfterAValidLinkHeader()
    {
        final SplittableRandom random = new SplittableRandom(0x5EED_0002L);
        for (int i = 0; i < 2000; i++)
        {
            final PacketBuilder.Frame valid = randomValidFrame(random);
            final boolean ipv6 = random.nextBoolean();
            final byte[] tail = randomBytes(random, random.nextInt(121));
            final byte[] bytes = Arrays.copyOf(valid.bytes(), valid.l3Offset() + 1 + tail.length);
            bytes[valid.l3Offset()] = (byte)(ipv6 ? 0x60 : 0x45);
            System.arraycopy(tail, 0, bytes, valid.l3Offset() + 1, tail.length);
            final PacketBuilder.Frame frame = PacketBuilder.Frame.of(valid.linkType(), bytes, valid.l3Offset());

            parseAndCheck(new PacketParser(), frame, bytes.length, bytes.length, new ParsedPacket());
        }
    }

    @Test
    void everySnaplenCutGivesWhatWasRead()
    {
        for (final PacketBuilder.Frame frame : allValidFrames())
        {
            everySnaplenCutGivesWhatWasRead(frame);
        }
    }

    private static void everySnaplenCutGivesWhatWasRead(final PacketBuilder.Frame frame)
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

    @Test
    void everyReallyShortFrameIsMalformedByWhereItEnds()
    {
        for (final PacketBuilder.Frame frame : allValidFrames())
        {
            everyReallyShortFrameIsMalformedByWhereItEnds(frame);
        }
    }

    private static void everyReallyShortFrameIsMalformedByWhereItEnds(final PacketBuilder.Frame frame)
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

    @Test
    void mutatedPacketsNeverThrow()
    {
        final SplittableRandom random = new SplittableRandom(0x5EED_0003L);
        final PacketParser parser = new PacketParser();
        final ParsedPacket packet = new ParsedPacket();
        for (int i = 0; i < 3000; i++)
        {
            final PacketBuilder.Frame valid = randomValidFrame(random);
            final byte[] bytes = valid.bytes().clone();
            final int span = Math.min(bytes.length, valid.l3Offset() + 100);
            final int mutations = 1 + random.nextInt(8);
            for (int m = 0; m < mutations; m++)
            {
                bytes[random.nextInt(span)] = (byte)random.nextInt(256);
            }
            final PacketBuilder.Frame frame = PacketBuilder.Frame.of(valid.linkType(), bytes, valid.l3Offset());
            final int captured = bytes.length * random.nextInt(101) / 100;

            parseAndCheck(parser, frame, bytes.length, bytes.length, packet);
            parseAndCheck(parser, frame, captured, random.nextBoolean() ? bytes.length : captured, packet);
        }
    }

    /** Every link x IP version x IP shape x transport, with a few payload sizes. */
    private static List<PacketBuilder.Frame> allValidFrames()
    {
        final List<PacketBuilder.Frame> frames = new ArrayList<>();
        for (final Link link : Link.values())
        {
            for (final boolean ipv6 : new boolean[] {false, true})
            {
                for (final IpShape shape : IpShape.values())
                {
                    for (final Transport transport : Transport.values())
                    {
                        frames.add(build(link, ipv6, shape, transport, PAYLOADS[frames.size() % PAYLOADS.length]));
                    }
                }
            }
        }
        return frames;
    }

    private static PacketBuilder.Frame randomValidFrame(final SplittableRandom random)
    {
        return build(Link.values()[random.nextInt(Link.values().length)], random.nextBoolean(),
            IpShape.values()[random.nextInt(IpShape.values().length)],
            Transport.values()[random.nextInt(Transport.values().length)], random.nextInt(65));
    }

    private static byte[] randomBytes(final SplittableRandom random, final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)random.nextInt(256);
        }
        return bytes;
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
            case PPI_ETHERNET -> PacketBuilder.ppi(LinkType.ETHERNET).ethernetHeader();
            case PPI_WLAN -> PacketBuilder.ppi(LinkType.IEEE802_11).wlanData(PacketBuilder.WLAN_TO_DS, true, false);
            case WLAN -> PacketBuilder.wlan().wlanData(PacketBuilder.WLAN_FROM_DS, false, false);
            case WLAN_FOUR_ADDRESSES_HT -> PacketBuilder.wlan()
                .wlanData(PacketBuilder.WLAN_TO_DS | PacketBuilder.WLAN_FROM_DS, true, true);
            case WLAN_A_MSDU -> PacketBuilder.wlan()
                .wlanHeader(PacketBuilder.WLAN_QOS_DATA, 0, 0, PacketBuilder.WLAN_QOS_A_MSDU, false)
                .aMsduSubframe().llcSnap(0);
            case RADIOTAP -> PacketBuilder.radiotap(true, PacketBuilder.RADIOTAP_DATA_PAD, 1)
                .wlanHeader(PacketBuilder.WLAN_QOS_DATA, 0, 0, 0, false).bytes(0, 0).llcSnap(0);
            case ERF_ETHERNET -> PacketBuilder.erf(PacketBuilder.ERF_TYPE_ETH, 0);
            case ERF_EXTENSIONS -> PacketBuilder.erf(PacketBuilder.ERF_TYPE_COLOR_HASH_ETH, 2).vlan(40);
            case ERF_IP -> PacketBuilder.erf(ipv6 ? PacketBuilder.ERF_TYPE_IPV6 : PacketBuilder.ERF_TYPE_IPV4, 1);
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
