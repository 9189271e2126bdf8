package io.spillway.testbed.generator;

import io.spillway.packet.LinkType;
import io.spillway.capture.file.PcapWriter;
import io.spillway.capture.reference.ExternalTool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads generated captures back with tshark and checks them against what was requested. Two small captures
 * (about 3 MB each): one for the flow dynamics, with 100 packets per flow so first-to-last spans come close to
 * flow lifetimes, and one with short flows, for enough of them to measure the protocol mix.
 */
@Tag("tshark")
class GeneratedCaptureTest
{
    private static final GeneratorSpec DYNAMICS = new GeneratorSpec(40_000, 200, 400, 64, 40_000, 11, 0, 0.5);
    private static final GeneratorSpec MIX = new GeneratorSpec(40_000, 500, 25_000, 64, 200_000, 12, 0.3, 0.4);

    @TempDir
    static Path directory;

    private static Capture dynamics;
    private static Capture mix;

    @BeforeAll
    static void generate()
    {
        dynamics = Capture.generate(DYNAMICS, directory.resolve("dynamics.pcap"));
        mix = Capture.generate(MIX, directory.resolve("mix.pcap"));
    }

    @Test
    void tsharkFindsNoMalformedPacketsNorExpertWarningsOrErrors()
    {
        for (final Capture capture : List.of(dynamics, mix))
        {
            // PI_WARN is 0x00600000; checksums are verified, so a bad one is an error here.
            final List<String> flagged =
                tshark(capture.file, "-Y", "_ws.malformed || _ws.expert.severity >= 0x00600000");
            assertEquals(List.of(), flagged, capture.file.toString());
            // The filter can match: every TCP SYN gets an expert chat.
            assertTrue(tshark(capture.file, "-Y", "_ws.expert").size() > 0);
        }
    }

    @Test
    void holdsExactlyTheRequestedPackets()
    {
        assertEquals(DYNAMICS.packets(), dynamics.packets.size());
        assertEquals(MIX.packets(), mix.packets.size());
    }

    @Test
    void framesHaveTheRequestedSizeUnlessTheirHeadersAreLonger()
    {
        for (final Packet packet : dynamics.packets)
        {
            assertEquals(64, packet.length);
        }
        int enlarged = 0;
        for (final Packet packet : mix.packets)
        {
            final boolean ipv6Tcp = packet.ipv6 && !packet.udp;
            assertEquals(ipv6Tcp ? 74 : 64, packet.length, packet.toString());
            enlarged += ipv6Tcp ? 1 : 0;
        }
        assertTrue(enlarged > 0);
        assertEquals(mix.report.enlargedFrames(), enlarged);
    }

    @Test
    void timestampsStartAtTheFixedEpochAndAreOneOverTheRateApart()
    {
        for (final Capture capture : List.of(dynamics, mix))
        {
            final long interval = 1_000_000_000L / capture.spec.packetsPerSecond();
            assertEquals(TrafficGenerator.START_NANOS, capture.packets.getFirst().timestampNanos);
            for (int i = 1; i < capture.packets.size(); i++)
            {
                assertEquals(interval, capture.packets.get(i).timestampNanos -
                    capture.packets.get(i - 1).timestampNanos, "packet " + i);
            }
        }
    }

    @Test
    void distinctFlowsAreWithinFivePercentOfTheScheduledFlows()
    {
        final double durationSeconds = capturedSeconds(dynamics);
        final double requested = DYNAMICS.activeFlows() + DYNAMICS.newFlowsPerSecond() * durationSeconds;
        final long distinct = dynamics.firstPacket.size();

        assertWithinFivePercent(requested, distinct);
        assertEquals(dynamics.report.distinctFlows(), distinct);
    }

    @Test
    void newFlowsAppearAtTheRequestedRate()
    {
        // Once the flows of the initial window have all retired, every flow seen for the first time is new.
        final long initialWindowEnd = TrafficGenerator.START_NANOS +
            (long)(DYNAMICS.activeFlows() / DYNAMICS.newFlowsPerSecond() * 1e9);
        final long lastTimestamp = dynamics.packets.getLast().timestampNanos;
        long appeared = 0;
        for (final int first : dynamics.firstPacket.values())
        {
            if (dynamics.packets.get(first).timestampNanos > initialWindowEnd)
            {
                appeared++;
            }
        }
        final double perSecond = appeared / ((lastTimestamp - initialWindowEnd) / 1e9);

        assertWithinFivePercent(DYNAMICS.newFlowsPerSecond(), perSecond);
        assertWithinFivePercent(DYNAMICS.newFlowsPerSecond(), dynamics.report.newFlowsPerSecond());
    }

    @Test
    void averageConcurrentFlowsIsWithinFivePercentOfTheActiveFlowsAndMatchesTheReport()
    {
        // Concurrent at packet i: flows whose first packet is at or before i and whose last is at or after i.
        long concurrencySum = 0;
        final int[] changes = new int[dynamics.packets.size() + 1];
        for (final Map.Entry<String, Integer> flow : dynamics.firstPacket.entrySet())
        {
            final int first = flow.getValue();
            final int last = dynamics.lastPacket.get(flow.getKey());
            concurrencySum += last - first + 1;
            changes[first]++;
            changes[last + 1]--;
        }
        long concurrent = 0;
        long max = 0;
        for (int i = 0; i < dynamics.packets.size(); i++)
        {
            concurrent += changes[i];
            max = Math.max(max, concurrent);
        }
        final double average = (double)concurrencySum / dynamics.packets.size();

        assertWithinFivePercent(DYNAMICS.activeFlows(), average);
        assertEquals(dynamics.report.averageConcurrentFlows(), average, 1e-9);
        assertEquals(1, dynamics.report.maxSamplingStep());
        assertEquals(dynamics.report.maxConcurrentFlows(), max);
        assertTrue(max <= DYNAMICS.activeFlows());
    }

    @Test
    void protocolMixPerFlowIsWithinFivePointsOfTheShares()
    {
        long ipv6 = 0;
        long udp = 0;
        for (final int first : mix.firstPacket.values())
        {
            ipv6 += mix.packets.get(first).ipv6 ? 1 : 0;
            udp += mix.packets.get(first).udp ? 1 : 0;
        }
        final double flows = mix.firstPacket.size();

        assertTrue(flows > 5000, "flows: " + flows);
        assertEquals(MIX.ipv6Share(), ipv6 / flows, 0.05);
        assertEquals(MIX.udpShare(), udp / flows, 0.05);
        assertEquals(0.5, dynamics.packets.stream().filter((packet) -> packet.udp).count() /
            (double)DYNAMICS.packets(), 0.05);
    }

    @Test
    void everyPacketGoesFromClientToServerAndTcpFlowsOpenWithSyn()
    {
        for (final Capture capture : List.of(dynamics, mix))
        {
            for (int i = 0; i < capture.packets.size(); i++)
            {
                final Packet packet = capture.packets.get(i);
                assertTrue(isClient(packet.source) && !isClient(packet.destination), packet.toString());
                if (!packet.udp)
                {
                    final boolean first = capture.firstPacket.get(packet.tuple()) == i;
                    final int flags = first ? FrameEncoder.TCP_SYN : FrameEncoder.TCP_ACK | FrameEncoder.TCP_PSH;
                    assertEquals(flags, packet.tcpFlags, packet.toString());
                }
            }
        }
    }

    /** Clients are 10.0.0.0/9 and fd00:0:0:1::/64, servers 10.128.0.0/9 and fd00:0:0:2::/64. */
    private static boolean isClient(final String address)
    {
        final byte[] bytes = InetAddress.ofLiteral(address).getAddress();
        if (bytes.length == 4)
        {
            assertEquals(10, bytes[0], address);
            return (bytes[1] & 0x80) == 0;
        }
        assertEquals(0xFD00_0000_0000_0000L, ByteBuffer.wrap(bytes).getLong() & ~0xFFFFL, address);
        final int subnet = ByteBuffer.wrap(bytes).getShort(6);
        assertTrue(subnet == 1 || subnet == 2, address);
        return subnet == 1;
    }

    private static double capturedSeconds(final Capture capture)
    {
        return (capture.packets.getLast().timestampNanos - capture.packets.getFirst().timestampNanos) / 1e9;
    }

    private static void assertWithinFivePercent(final double expected, final double actual)
    {
        assertEquals(expected, actual, expected * 0.05, "expected within 5% of " + expected + ": " + actual);
    }

    /** One packet as tshark decoded it. */
    record Packet(
        int length,
        long timestampNanos,
        boolean ipv6,
        boolean udp,
        String source,
        String destination,
        int sourcePort,
        int destinationPort,
        int tcpFlags)
    {
        static final String[] FIELDS =
        {
            "frame.len", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
            "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport", "tcp.flags"
        };

        static Packet parse(final String line)
        {
            final String[] field = line.split("\t", -1);
            final boolean ipv6 = !field[4].isEmpty();
            final boolean udp = !field[8].isEmpty();
            final String[] epoch = field[1].split("\\.");
            return new Packet(
                Integer.parseInt(field[0]),
                Long.parseLong(epoch[0]) * 1_000_000_000L + Long.parseLong(epoch[1]),
                ipv6,
                udp,
                ipv6 ? field[4] : field[2],
                ipv6 ? field[5] : field[3],
                Integer.parseInt(udp ? field[8] : field[6]),
                Integer.parseInt(udp ? field[9] : field[7]),
                udp ? 0 : Integer.decode(field[10]));
        }

        String tuple()
        {
            return source + " " + sourcePort + " " + destination + " " + destinationPort + (udp ? " udp" : " tcp");
        }
    }

    /** A generated capture, its report and tshark's reading of it. */
    record Capture(
        GeneratorSpec spec,
        Path file,
        GenerationReport report,
        List<Packet> packets,
        Map<String, Integer> firstPacket,
        Map<String, Integer> lastPacket)
    {
        static Capture generate(final GeneratorSpec spec, final Path file)
        {
            final GenerationReport report;
            try (PcapWriter writer = new PcapWriter(file, LinkType.ETHERNET, GeneratorSpec.MAX_FRAME_SIZE))
            {
                report = new TrafficGenerator(spec).generate(FrameSink.writingTo(writer));
            }

            final String[] arguments = new String[2 + 2 * Packet.FIELDS.length + 2];
            int next = 0;
            arguments[next++] = "-T";
            arguments[next++] = "fields";
            for (final String field : Packet.FIELDS)
            {
                arguments[next++] = "-e";
                arguments[next++] = field;
            }
            arguments[next++] = "-E";
            arguments[next] = "occurrence=f";
            final List<Packet> packets = tshark(file, arguments).stream().map(Packet::parse).toList();

            final Map<String, Integer> firstPacket = new HashMap<>();
            final Map<String, Integer> lastPacket = new HashMap<>();
            for (int i = 0; i < packets.size(); i++)
            {
                firstPacket.putIfAbsent(packets.get(i).tuple(), i);
                lastPacket.put(packets.get(i).tuple(), i);
            }

            return new Capture(spec, file, report, packets, firstPacket, lastPacket);
        }
    }

    /**
     * tshark reading what the generator wrote: every checksum verified, and every port decoded as plain data,
     * because random payload on a port registered to some protocol would otherwise look malformed to that
     * protocol's dissector, which says nothing about our headers.
     */
    private static List<String> tshark(final Path capture, final String... arguments)
    {
        final List<String> command = new ArrayList<>(List.of(
            "tshark", "-n", "-r", capture.toString(),
            "-o", "ip.check_checksum:TRUE",
            "-o", "tcp.check_checksum:TRUE",
            "-o", "udp.check_checksum:TRUE",
            "-d", "tcp.port==1-65535,data",
            "-d", "udp.port==1-65535,data"));
        command.addAll(List.of(arguments));
        return ExternalTool.lines(command);
    }
}
