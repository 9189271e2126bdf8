package io.spillway.testbed.generator;

import io.spillway.packet.LinkType;
import io.spillway.capture.file.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Frame mixes, flow duration, popularity and payload: measured from the frames against what was asked. */
class GeneratorOptionsTest
{
    private static final GeneratorSpec BASE = new GeneratorSpec(20_000, 300, 2_000, 128, 100_000, 42, 0.3, 0.5);

    @TempDir
    Path directory;

    @Test
    void defaultSettingsWriteTheSameBytesAsBeforeTheOptionsExisted()
    {
        // The digest of this capture as the generator wrote it before frame mixes, popularity and payload kinds.
        final GeneratorSpec spec = new GeneratorSpec(50_000, 300, 2_000, 60, 100_000, 3, 0.4, 0.3);

        assertEquals("9a66dafde767b4d14bb2ee519f32d4ca6da5cc93b096b83ce9749bd4352f3c96", pcapDigest(spec));
    }

    @Test
    void everyOptionIsDeterministicAndChangesTheBytes()
    {
        final String base = pcapDigest(BASE);
        final List<GeneratorSpec> variants = List.of(
            BASE.withFrameMix(FrameMix.simpleImix()),
            BASE.withFrameMix(FrameMix.parse("100:1,900:3")),
            BASE.withFlowDuration(0.05),
            BASE.withPopularity(new Popularity.Zipf(1.0)),
            BASE.withPayload(PayloadKind.REALISTIC),
            BASE.withFrameMix(FrameMix.simpleImix()).withPopularity(new Popularity.Zipf(0.8))
                .withPayload(PayloadKind.REALISTIC).withFlowDuration(0.2));
        final List<String> digests = new ArrayList<>();
        for (final GeneratorSpec variant : variants)
        {
            final String digest = pcapDigest(variant);
            assertEquals(digest, pcapDigest(variant), variant.toString());
            assertNotEquals(base, digest, variant.toString());
            assertNotEquals(digest, pcapDigest(reseeded(variant)), variant.toString());
            digests.add(digest);
        }
        assertEquals(digests.size(), digests.stream().distinct().count());
    }

    @Test
    void flowDurationIsTheActiveFlowsOverTheNewFlowRate()
    {
        final GeneratorSpec spec = BASE.withFlowDuration(0.25);

        assertEquals(1_200, spec.newFlowsPerSecond(), 1e-9);
        assertEquals(0.25, spec.flowDurationSeconds(), 1e-12);
        assertEquals(pcapDigest(new GeneratorSpec(20_000, 300, 1_200, 128, 100_000, 42, 0.3, 0.5)), pcapDigest(spec));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BASE.withFlowDuration(0)).getMessage()
            .contains("flow duration"));
    }

    @Test
    void specKeepsTheFrameSizeTheSmallestOfTheMix()
    {
        final GeneratorSpec spec = BASE.withFrameMix(FrameMix.simpleImix());

        assertEquals(64, spec.frameSize());
        assertEquals(FrameMix.fixed(128), BASE.frameMix());
        assertEquals(Popularity.UNIFORM, BASE.popularity());
        assertEquals(PayloadKind.RANDOM, BASE.payload());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new GeneratorSpec(1, 1, 1, 128, 1, 0, 0, 0,
            FrameMix.simpleImix(), null, null)).getMessage().contains("smallest size of the frame mix"));
    }

    @Test
    void statisticsAreWithinFivePercentOfTheRequest()
    {
        // 100 packets per flow lifetime, so a flow's first-to-last span is close to its life.
        final GeneratorSpec spec = new GeneratorSpec(400_000, 1_000, 1, 64, 400_000, 8, 0.3, 0.4)
            .withFlowDuration(0.25).withFrameMix(FrameMix.simpleImix());
        final Measured measured = Measured.of(spec);
        final GenerationReport report = measured.report;

        final double seconds = (measured.lastTimestamp - measured.firstTimestamp) / 1e9;
        assertWithinFivePercent(spec.packetsPerSecond(), (spec.packets() - 1) / seconds);
        assertWithinFivePercent(spec.activeFlows(), measured.averageConcurrentFlows());
        assertWithinFivePercent(spec.newFlowsPerSecond(), measured.newFlowsPerSecondAfterTheFirstWindow(spec));
        assertWithinFivePercent(spec.udpShare(), (double)measured.udpFlows / measured.flows());
        assertWithinFivePercent(1 - spec.udpShare(), 1 - (double)measured.udpFlows / measured.flows());
        assertWithinFivePercent(spec.ipv6Share(), (double)measured.ipv6Flows / measured.flows());
        for (int i = 0; i < spec.frameMix().classes(); i++)
        {
            assertWithinFivePercent(spec.frameMix().share(i), (double)measured.framesPerClass[i] / spec.packets());
            assertEquals(measured.framesPerClass[i], report.framesPerSizeClass().get(i));
        }

        // The report measures the same things.
        assertEquals(measured.flows(), report.distinctFlows());
        assertEquals(measured.udpFlows, report.udpFlows());
        assertEquals(measured.ipv6Flows, report.ipv6Flows());
        assertEquals((spec.packets() - 1) / seconds, report.packetsPerSecond(), 1e-6);
        assertEquals(measured.averageConcurrentFlows(), report.averageConcurrentFlows(), 1e-9);
        assertEquals(Map.of(), report.openings());
    }

    @Test
    void zipfRankFrequencyFollowsTheLawOverTheTopRanks()
    {
        // Flows never retire here, so each flow keeps one rank for the whole capture.
        final int activeFlows = 1_000;
        final double exponent = 1.0;
        final GeneratorSpec spec = new GeneratorSpec(500_000, activeFlows, 1e-3, 64, 1_000_000, 13, 0, 0.5)
            .withPopularity(new Popularity.Zipf(exponent));
        final Measured measured = Measured.of(spec);

        final long[] counts = measured.packetsPerFlow.values().stream().mapToLong(Long::longValue)
            .sorted().toArray();
        final double harmonic = ZipfSlotsTest.harmonic(activeFlows, exponent);
        for (int rank = 1; rank <= 10; rank++)
        {
            final double expected = spec.packets() * Math.pow(rank, -exponent) / harmonic;
            assertWithinFivePercent(expected, counts[counts.length - rank]);
        }
        // Log-log slope over ranks 1..50 estimates the exponent.
        double sumX = 0;
        double sumY = 0;
        double sumXy = 0;
        double sumXx = 0;
        final int ranks = 50;
        for (int rank = 1; rank <= ranks; rank++)
        {
            final double x = Math.log(rank);
            final double y = Math.log(counts[counts.length - rank]);
            sumX += x;
            sumY += y;
            sumXy += x * y;
            sumXx += x * x;
        }
        final double slope = (ranks * sumXy - sumX * sumY) / (ranks * sumXx - sumX * sumX);
        assertWithinFivePercent(exponent, -slope);
        final int top = TrafficGenerator.topSlots(activeFlows);
        assertWithinFivePercent(spec.popularity().expectedTopShare(top, activeFlows), measured.report.topSlotShare());
        assertWithinFivePercent(0.01, Measured.of(new GeneratorSpec(500_000, activeFlows, 1e-3, 64, 1_000_000, 13, 0,
            0.5)).report.topSlotShare());
    }

    @Test
    void tcpSequenceNumbersContinueOverFramesOfEverySize()
    {
        final GeneratorSpec spec = new GeneratorSpec(30_000, 200, 500, 64, 100_000, 4, 0.5, 0)
            .withFrameMix(FrameMix.simpleImix()).withPayload(PayloadKind.REALISTIC);
        final Map<String, Long> nextSequence = new HashMap<>();
        final int[] checked = new int[1];
        new TrafficGenerator(spec).generate((timestampNanos, frame, length) ->
        {
            final boolean ipv6 = frame.getShort(12) == (short)0x86DD;
            final int tcp = FrameEncoder.ETHERNET_HEADER + (ipv6 ? FrameEncoder.IPV6_HEADER : FrameEncoder.IPV4_HEADER);
            final String key = Measured.flowKey(frame, ipv6, tcp);
            final long sequence = frame.getInt(tcp + 4) & 0xFFFF_FFFFL;
            final int flags = frame.get(tcp + 13);
            final int payload = length - tcp - FrameEncoder.TCP_HEADER;
            final Long expected = nextSequence.get(key);
            if (expected == null)
            {
                // Realistic TCP flows open with their request as data, not with a SYN.
                assertEquals(FrameEncoder.TCP_ACK | FrameEncoder.TCP_PSH, flags);
            }
            else
            {
                assertEquals(expected.longValue(), sequence, key);
                checked[0]++;
            }
            nextSequence.put(key, (sequence + payload) & 0xFFFF_FFFFL);
        });

        assertTrue(checked[0] > 25_000, "checked " + checked[0]);
    }

    @Test
    void realisticPayloadCountsOpeningsPerProtocolInTheTransportShares()
    {
        final GeneratorSpec spec = new GeneratorSpec(100_000, 2_000, 20_000, 64, 200_000, 5, 0.2, 0.4)
            .withPayload(PayloadKind.REALISTIC);
        final GenerationReport report = new TrafficGenerator(spec).generate((timestampNanos, frame, length) -> { });
        final Map<Opening, Long> openings = report.openings();

        assertEquals(report.distinctFlows(), openings.values().stream().mapToLong(Long::longValue).sum());
        assertEquals(report.udpFlows(), openings.get(Opening.DNS) + openings.get(Opening.QUIC));
        assertWithinFivePercent(0.4, (double)report.udpFlows() / report.distinctFlows());
        // TLS takes three TCP flows in four, QUIC one UDP flow in two.
        assertEquals(0.75, (double)openings.get(Opening.TLS) / (report.distinctFlows() - report.udpFlows()), 0.03);
        assertEquals(0.5, (double)openings.get(Opening.QUIC) / report.udpFlows(), 0.03);
        // Every QUIC Initial is at least 1200 bytes of UDP payload, so far above 64-byte frames.
        assertTrue(report.enlargedFrames() >= openings.get(Opening.QUIC));
    }

    private static GeneratorSpec reseeded(final GeneratorSpec spec)
    {
        return new GeneratorSpec(spec.packets(), spec.activeFlows(), spec.newFlowsPerSecond(), spec.frameSize(),
            spec.packetsPerSecond(), spec.seed() + 1, spec.ipv6Share(), spec.udpShare(), spec.frameMix(),
            spec.popularity(), spec.payload());
    }

    private String pcapDigest(final GeneratorSpec spec)
    {
        final Path file = directory.resolve("digest.pcap");
        try (PcapWriter writer = new PcapWriter(file, LinkType.ETHERNET, GeneratorSpec.MAX_FRAME_SIZE))
        {
            new TrafficGenerator(spec).generate(FrameSink.writingTo(writer));
        }
        try
        {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        }
        catch (final IOException | NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void assertWithinFivePercent(final double expected, final double actual)
    {
        assertEquals(expected, actual, expected * 0.05, "expected within 5% of " + expected + ": " + actual);
    }

    /** What a run wrote, measured frame by frame. */
    private static final class Measured
    {
        final Map<String, Long> packetsPerFlow = new HashMap<>();
        final Map<String, Long> firstPacket = new HashMap<>();
        final Map<String, Long> firstTimestampOfFlow = new HashMap<>();
        final Map<String, Long> lastPacket = new HashMap<>();
        long[] framesPerClass;
        long udpFlows;
        long ipv6Flows;
        long firstTimestamp = -1;
        long lastTimestamp;
        long packets;
        GenerationReport report;

        static Measured of(final GeneratorSpec spec)
        {
            final Measured measured = new Measured();
            measured.framesPerClass = new long[spec.frameMix().classes()];
            measured.report = new TrafficGenerator(spec).generate(measured::onFrame);
            return measured;
        }

        private void onFrame(final long timestampNanos, final ByteBuffer frame, final int length)
        {
            final boolean ipv6 = frame.getShort(12) == (short)0x86DD;
            final int l4 = FrameEncoder.ETHERNET_HEADER + (ipv6 ? FrameEncoder.IPV6_HEADER : FrameEncoder.IPV4_HEADER);
            final boolean udp = frame.get(FrameEncoder.ETHERNET_HEADER + (ipv6 ? 6 : 9)) == FrameEncoder.PROTOCOL_UDP;
            final String key = flowKey(frame, ipv6, l4);
            if (firstPacket.putIfAbsent(key, packets) == null)
            {
                firstTimestampOfFlow.put(key, timestampNanos);
                udpFlows += udp ? 1 : 0;
                ipv6Flows += ipv6 ? 1 : 0;
            }
            lastPacket.put(key, packets);
            packetsPerFlow.merge(key, 1L, Long::sum);
            // Random payload: a frame is its drawn size unless IPv6+TCP headers (74) make a 64 longer.
            final int size = length == 74 ? 64 : length;
            for (int i = 0; i < framesPerClass.length; i++)
            {
                framesPerClass[i] += size == FrameMix.simpleImix().size(i) ? 1 : 0;
            }
            firstTimestamp = firstTimestamp < 0 ? timestampNanos : firstTimestamp;
            lastTimestamp = timestampNanos;
            packets++;
        }

        static String flowKey(final ByteBuffer frame, final boolean ipv6, final int l4)
        {
            final StringBuilder key = new StringBuilder();
            final int addresses = FrameEncoder.ETHERNET_HEADER + (ipv6 ? 8 : 12);
            for (int i = 0; i < (ipv6 ? 32 : 8); i++)
            {
                key.append(frame.get(addresses + i) & 0xFF).append('.');
            }
            return key.append(frame.getShort(l4) & 0xFFFF).append(':').append(frame.getShort(l4 + 2) & 0xFFFF)
                .toString();
        }

        long flows()
        {
            return firstPacket.size();
        }

        double averageConcurrentFlows()
        {
            long sum = 0;
            for (final Map.Entry<String, Long> flow : firstPacket.entrySet())
            {
                sum += lastPacket.get(flow.getKey()) - flow.getValue() + 1;
            }
            return (double)sum / packets;
        }

        /** Once the flows of the initial window have all retired, every flow seen for the first time is new. */
        double newFlowsPerSecondAfterTheFirstWindow(final GeneratorSpec spec)
        {
            final long windowEnd = firstTimestamp + (long)(spec.flowDurationSeconds() * 1e9);
            final long appeared = firstTimestampOfFlow.values().stream().filter((first) -> first > windowEnd).count();
            return appeared / ((lastTimestamp - windowEnd) / 1e9);
        }
    }
}
