package io.spillway.testbed.source;

import io.spillway.packet.LinkType;
import io.spillway.device.PacketSource;
import io.spillway.testbed.generator.GenerationReport;
import io.spillway.testbed.generator.GeneratorSpec;
import io.spillway.testbed.generator.TrafficGenerator;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-process source holds exactly the generator's traffic, at the rate and with the flows requested. */
class GeneratedFramesTest
{
    @Test
    void theRegionHoldsEveryFrameOfTheGeneratorInOrderAndReplaysItAsOften()
    {
        final GeneratorSpec spec = new GeneratorSpec(20_000, 500, 1_000, 60, 100_000, 11, 0.2, 0.5);
        final List<long[]> expected = new ArrayList<>();
        final List<byte[]> expectedFrames = new ArrayList<>();
        new TrafficGenerator(spec).generate((timestampNanos, frame, length) ->
        {
            final byte[] bytes = new byte[length];
            frame.get(0, bytes);
            expected.add(new long[]{timestampNanos, length});
            expectedFrames.add(bytes);
        });

        try (GeneratedFrames frames = GeneratedFrames.generate(spec))
        {
            assertEquals(spec.packets(), frames.packets());
            assertEquals(expectedFrames.stream().mapToLong(f -> f.length).sum(), frames.frameBytes());
            assertTrue(frames.usedBytes() <= GeneratedFrames.bytesNeeded(spec));
            for (int replay = 0; replay < 2; replay++)
            {
                final List<long[]> seen = new ArrayList<>();
                final List<byte[]> seenFrames = new ArrayList<>();
                final List<Long> addresses = new ArrayList<>();
                try (ReplaySource source = ReplaySource.atMaximumRate(frames))
                {
                    int polled;
                    while ((polled = source.poll((address, captured, wire, timestamp, linkType, interfaceId) ->
                    {
                        assertEquals(captured, wire, "generated frames are captured whole");
                        assertEquals(LinkType.ETHERNET, linkType);
                        assertEquals(0, interfaceId);
                        seen.add(new long[]{timestamp, captured});
                        addresses.add(address);
                        seenFrames.add(bytesAt(address, captured));
                    }, 256)) != PacketSource.END)
                    {
                        assertTrue(polled > 0, "at the maximum rate a poll always delivers until the end");
                    }
                    assertEquals(frames.frameBytes(), source.bytesRead());
                    assertEquals(frames.frameBytes(), source.bytesTotal());
                    assertTrue(source.damages().isEmpty());
                }
                assertEquals(expected.size(), seen.size());
                for (int i = 0; i < expected.size(); i++)
                {
                    assertArrayEquals(expected.get(i), seen.get(i), "timestamp and length of frame " + i);
                    assertArrayEquals(expectedFrames.get(i), seenFrames.get(i), "bytes of frame " + i);
                }
                // The handler contract: an address stays valid after its poll, until the frames are closed.
                final byte[] first = bytesAt(addresses.getFirst(), 60);
                assertArrayEquals(Arrays.copyOf(expectedFrames.getFirst(), 60), first);
            }
        }
    }

    @Test
    void theRegionIsSizedForTheLongestFrameOfTheKindsOfFlowThatOccur()
    {
        // A 16-byte header per frame, the frame padded to 8: 60 -> 80 bytes; IPv6+TCP needs 74 -> 96.
        assertEquals(1_000 * 80, GeneratedFrames.bytesNeeded(new GeneratorSpec(1_000, 10, 1, 60, 1_000, 1, 0, 0.5)));
        assertEquals(1_000 * 96, GeneratedFrames.bytesNeeded(new GeneratorSpec(1_000, 10, 1, 60, 1_000, 1, 0.1, 0.5)));
        assertEquals(1_000 * 80, GeneratedFrames.bytesNeeded(new GeneratorSpec(1_000, 10, 1, 60, 1_000, 1, 1, 1)),
            "IPv6+UDP fits in 62 bytes");
    }

    @Test
    void realisticOpeningsAndFrameMixesFitTheRegionWithoutSizingEveryFrameForAnOpening()
    {
        final GeneratorSpec spec = new GeneratorSpec(200_000, 5_000, 2_000, 60, 100_000, 3, 0.5, 0.5)
            .withFrameMix(io.spillway.testbed.generator.FrameMix.parse("64:7,594:4,1518:1"))
            .withPayload(io.spillway.testbed.generator.PayloadKind.REALISTIC);
        try (GeneratedFrames frames = GeneratedFrames.generate(spec))
        {
            assertEquals(spec.packets(), frames.packets());
            assertTrue(frames.usedBytes() <= GeneratedFrames.bytesNeeded(spec));
        }
        assertTrue(GeneratedFrames.bytesNeeded(spec) < spec.packets() * GeneratedFrames.stride(1518) * 1.1,
            "openings are reserved once a flow, not once a packet");
        final GeneratorSpec small = new GeneratorSpec(200_000, 5_000, 2_000, 60, 100_000, 3, 0.5, 0.5)
            .withPayload(io.spillway.testbed.generator.PayloadKind.REALISTIC);
        try (GeneratedFrames frames = GeneratedFrames.generate(small))
        {
            assertTrue(frames.usedBytes() <= GeneratedFrames.bytesNeeded(small));
        }
        assertTrue(GeneratedFrames.bytesNeeded(small) < small.packets() * GeneratedFrames.stride(300),
            "60-byte frames with realistic openings: " + GeneratedFrames.bytesNeeded(small) + " bytes");
    }

    @Test
    void generatedRateAndFlowsAreWithinFivePercentOfTheRequest()
    {
        // Flows get 100 packets a second each and live 10 s, so every one is seen from its start.
        final GeneratorSpec spec = new GeneratorSpec(400_000, 2_000, 200, 60, 200_000, 5, 0, 0.5);
        try (GeneratedFrames frames = GeneratedFrames.generate(spec))
        {
            final GenerationReport report = frames.report();
            final double rate = (report.packets() - 1) * 1e9 / report.durationNanos();
            assertWithin(spec.packetsPerSecond(), rate, "packets per second");
            assertWithin(spec.newFlowsPerSecond(), report.newFlowsPerSecond(), "new flows per second");
            assertWithin(spec.activeFlows(), report.averageConcurrentFlows(), "concurrent flows on average");
            assertWithin(spec.activeFlows(), report.maxConcurrentFlows(), "concurrent flows at most");
            assertWithin(report.scheduledFlows(), report.distinctFlows(), "flows with packets");
        }
    }

    private static byte[] bytesAt(final long address, final int length)
    {
        final byte[] bytes = new byte[length];
        new UnsafeBuffer(address, length).getBytes(0, bytes);
        return bytes;
    }

    private static void assertWithin(final double requested, final double achieved, final String what)
    {
        assertTrue(Math.abs(achieved - requested) <= 0.05 * requested,
            what + ": " + achieved + " is not within 5% of " + requested);
    }
}
