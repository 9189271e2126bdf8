package io.spillway.testbed.generator;

import io.spillway.packet.LinkType;
import io.spillway.capture.file.PcapWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrafficGeneratorTest
{
    private static final GeneratorSpec SMALL = new GeneratorSpec(5_000, 100, 1_000, 128, 100_000, 42, 0.3, 0.5);

    @TempDir
    Path directory;

    @Test
    void sameSeedGivesIdenticalBytes() throws IOException
    {
        final Path first = write(SMALL, "first.pcap");
        final Path second = write(SMALL, "second.pcap");

        assertTrue(Files.size(first) > 5_000 * 128);
        assertEquals(-1L, Files.mismatch(first, second));
    }

    @Test
    void differentSeedGivesDifferentBytes() throws IOException
    {
        final GeneratorSpec otherSeed = new GeneratorSpec(
            SMALL.packets(), SMALL.activeFlows(), SMALL.newFlowsPerSecond(), SMALL.frameSize(),
            SMALL.packetsPerSecond(), SMALL.seed() + 1, SMALL.ipv6Share(), SMALL.udpShare());

        assertNotEquals(-1L, Files.mismatch(write(SMALL, "a.pcap"), write(otherSeed, "b.pcap")));
    }

    @Test
    void sampledMaximumStaysWithinOneSamplingStepOfTheExactOne()
    {
        // Flows live 100 s, far beyond the capture, so the maximum is sampled every few packets.
        final GeneratorSpec longFlows = new GeneratorSpec(300_000, 100, 1, 60, 10_000, 3, 0, 0);
        final Map<Long, Long> firstPacket = new HashMap<>();
        final Map<Long, Long> lastPacket = new HashMap<>();
        final long[] packet = new long[1];
        final GenerationReport report = new TrafficGenerator(longFlows).generate((timestampNanos, frame, length) ->
        {
            // The client and server addresses identify an IPv4 flow.
            final long addresses = frame.getLong(FrameEncoder.ETHERNET_HEADER + 12);
            firstPacket.putIfAbsent(addresses, packet[0]);
            lastPacket.put(addresses, packet[0]);
            packet[0]++;
        });

        final int[] changes = new int[(int)longFlows.packets() + 1];
        long concurrencySum = 0;
        for (final Map.Entry<Long, Long> flow : firstPacket.entrySet())
        {
            final long last = lastPacket.get(flow.getKey());
            concurrencySum += last - flow.getValue() + 1;
            changes[(int)(long)flow.getValue()]++;
            changes[(int)last + 1]--;
        }
        long concurrent = 0;
        long max = 0;
        for (int i = 0; i < longFlows.packets(); i++)
        {
            concurrent += changes[i];
            max = Math.max(max, concurrent);
        }

        assertTrue(report.maxSamplingStep() > 1);
        assertEquals(firstPacket.size(), report.distinctFlows());
        assertEquals((double)concurrencySum / longFlows.packets(), report.averageConcurrentFlows(), 1e-9);
        // Concurrency changes by at most one per packet, so a sample is never further than a step from the peak.
        assertTrue(report.maxConcurrentFlows() <= max && report.maxConcurrentFlows() >= max - report.maxSamplingStep(),
            report.maxConcurrentFlows() + " vs exact " + max);
    }

    @Test
    void frameSinkReceivesEveryFrameInOrderWithTheLengthOfItsKind()
    {
        final GeneratorSpec mixed = new GeneratorSpec(5_000, 100, 1_000, 60, 100_000, 42, 0.5, 0.5);
        final long[] count = new long[1];
        final long[] enlarged = new long[1];
        final long[] lastTimestamp = {Long.MIN_VALUE};
        final GenerationReport report = new TrafficGenerator(mixed).generate((timestampNanos, frame, length) ->
        {
            final boolean ipv6 = frame.getShort(12) == (short)0x86DD;
            final int protocol = frame.get(FrameEncoder.ETHERNET_HEADER + (ipv6 ? 6 : 9));
            assertTrue(timestampNanos > lastTimestamp[0]);
            assertEquals(mixed.frameLength(ipv6, protocol == FrameEncoder.PROTOCOL_UDP), length);
            enlarged[0] += length > 60 ? 1 : 0;
            lastTimestamp[0] = timestampNanos;
            count[0]++;
        });

        assertEquals(mixed.packets(), count[0]);
        assertEquals(mixed.packets(), report.packets());
        assertTrue(enlarged[0] > 0);
        assertEquals(enlarged[0], report.enlargedFrames());
        assertEquals(TrafficGenerator.START_NANOS + report.durationNanos(), lastTimestamp[0]);
    }

    @Test
    void minimumFrameSizesFitTheHeaders()
    {
        final GeneratorSpec smallest = new GeneratorSpec(1, 1, 1, 60, 1, 0, 0.5, 0.5);

        assertEquals(60, smallest.frameLength(false, false));
        assertEquals(60, smallest.frameLength(false, true));
        assertEquals(74, smallest.frameLength(true, false));
        assertEquals(62, smallest.frameLength(true, true));
        assertTrue(smallest.enlarges(true, false));
        assertFalse(new GeneratorSpec(1, 1, 1, 60, 1, 0, 0, 0.5).enlarges(true, false));
    }

    @Test
    void invalidSpecsAreRejectedNamingTheParameter()
    {
        assertEquals("packets must be at least 1: 0", assertThrows(IllegalArgumentException.class,
            () -> new GeneratorSpec(0, 1, 1, 60, 1, 0, 0, 0)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new GeneratorSpec(1, 0, 1, 60, 1, 0, 0, 0)).getMessage().startsWith("activeFlows"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new GeneratorSpec(1, 1, Double.NaN, 60, 1, 0, 0, 0)).getMessage().startsWith("newFlowsPerSecond"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new GeneratorSpec(1, 1, 1, 9001, 1, 0, 0, 0)).getMessage().startsWith("frameSize"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new GeneratorSpec(1, 1, 1, 60, 0, 0, 0, 0)).getMessage().startsWith("packetsPerSecond"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new GeneratorSpec(1, 1, 1, 60, 1, 0, 1.01, 0)).getMessage().startsWith("ipv6Share"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> new GeneratorSpec(1, 1, 1, 60, 1, 0, 0, -0.01)).getMessage().startsWith("udpShare"));
    }

    private Path write(final GeneratorSpec spec, final String name)
    {
        final Path file = directory.resolve(name);
        try (PcapWriter writer = new PcapWriter(file, LinkType.ETHERNET, GeneratorSpec.MAX_FRAME_SIZE))
        {
            new TrafficGenerator(spec).generate(FrameSink.writingTo(writer));
        }

        return file;
    }
}
