package io.spillway.testbed.source;

import io.spillway.device.PacketHandler;
import io.spillway.device.PacketSource;
import io.spillway.testbed.generator.GeneratorSpec;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pacing in wall-clock time, and a replay path that allocates nothing. */
class ReplaySourceTest
{
    private static final long RATE = 200_000;

    @Test
    void busyPacingOffersTheRequestedRateAndSpacesPacketsExactly()
    {
        final GeneratorSpec spec = new GeneratorSpec(RATE / 2, 1_000, 100, 60, RATE, 3, 0, 0.5);
        try (GeneratedFrames frames = GeneratedFrames.generate(spec);
            ReplaySource source = ReplaySource.paced(frames, ReplaySource.Pacing.BUSY))
        {
            final long start = System.nanoTime();
            final Counting handler = new Counting();
            drain(source, handler);
            final double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(spec.packets(), handler.packets);
            assertWithin(RATE, source.achievedPacketsPerSecond(), "achieved rate");
            assertTrue(seconds >= 0.49, "half a second of traffic took " + seconds + " s");
            assertTrue(source.isPaced());
        }
    }

    @Test
    void burstPacingOffersTheSameRateInBursts()
    {
        final GeneratorSpec spec = new GeneratorSpec(RATE / 2, 1_000, 100, 60, RATE, 3, 0, 0.5);
        try (GeneratedFrames frames = GeneratedFrames.generate(spec);
            ReplaySource source = ReplaySource.paced(frames, ReplaySource.Pacing.BURST))
        {
            final Counting handler = new Counting();
            int empty = 0;
            int polled;
            while ((polled = source.poll(handler, 256)) != PacketSource.END)
            {
                if (polled == 0)
                {
                    empty++;
                    // What an idle pipeline thread does on a machine with few cores.
                    LockSupport.parkNanos(20_000);
                }
            }
            assertEquals(spec.packets(), handler.packets);
            assertTrue(empty > 0, "a burst-paced source returns nothing while no packet is due");
            assertWithin(RATE, source.achievedPacketsPerSecond(), "achieved rate");
        }
    }

    @Test
    void theMaximumRateIsFarAboveThePacedOneAndLagIsNotMeasured()
    {
        final GeneratorSpec spec = new GeneratorSpec(RATE, 1_000, 100, 60, RATE, 3, 0, 0.5);
        try (GeneratedFrames frames = GeneratedFrames.generate(spec);
            ReplaySource source = ReplaySource.atMaximumRate(frames))
        {
            drain(source, new Counting());
            assertTrue(source.achievedPacketsPerSecond() > 5 * RATE,
                "unpaced: " + source.achievedPacketsPerSecond() + " packets/s");
            assertEquals(0, source.maxLagNs());
        }
    }

    @Test
    void aReplayAllocatesNothingPerPacket()
    {
        final GeneratorSpec spec = new GeneratorSpec(300_000, 1_000, 100, 60, 10_000_000, 3, 0, 0.5);
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (GeneratedFrames frames = GeneratedFrames.generate(spec))
        {
            final Counting handler = new Counting();
            // Warm up the code paths first, so the JIT's own work is not counted.
            for (int round = 0; round < 3; round++)
            {
                try (ReplaySource warm = ReplaySource.paced(frames, ReplaySource.Pacing.BUSY))
                {
                    drain(warm, handler);
                }
            }
            try (ReplaySource source = ReplaySource.paced(frames, ReplaySource.Pacing.BUSY))
            {
                final long before = threads.getCurrentThreadAllocatedBytes();
                drain(source, handler);
                final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
                assertTrue(allocated < 10_000, spec.packets() + " packets allocated " + allocated + " bytes");
            }
        }
    }

    private static void drain(final ReplaySource source, final PacketHandler handler)
    {
        while (source.poll(handler, 256) != PacketSource.END)
        {
            Thread.onSpinWait();
        }
    }

    private static void assertWithin(final double requested, final double achieved, final String what)
    {
        assertTrue(Math.abs(achieved - requested) <= 0.05 * requested,
            what + ": " + achieved + " is not within 5% of " + requested);
    }

    private static final class Counting implements PacketHandler
    {
        long packets;
        long bytes;

        @Override
        public void onPacket(
            final long address, final int capturedLength, final int wireLength, final long timestampNanos,
            final int linkType, final int interfaceId)
        {
            packets++;
            bytes += wireLength;
        }
    }
}
