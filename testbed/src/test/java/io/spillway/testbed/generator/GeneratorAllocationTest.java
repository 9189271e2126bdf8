package io.spillway.testbed.generator;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator allocates its state up front and nothing per packet, with every option on: frame mix, Zipf
 * popularity and realistic payload, whose QUIC Initials are keyed anew for each flow.
 */
class GeneratorAllocationTest
{
    private static final int WINDOWS = 6;
    private static final long WINDOW_PACKETS = 100_000;

    @Test
    void generatingAllocatesNothingPerPacket()
    {
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        // About 10 packets per flow, so new flows and their openings (a quarter QUIC) keep coming.
        final GeneratorSpec spec = new GeneratorSpec((WINDOWS + 2) * WINDOW_PACKETS, 1_000, 100_000, 64, 1_000_000, 9,
            0.3, 0.5).withFrameMix(FrameMix.simpleImix()).withPopularity(new Popularity.Zipf(0.9))
            .withPayload(PayloadKind.REALISTIC);
        final Sink sink = new Sink(threads);

        final GenerationReport report = new TrafficGenerator(spec).generate(sink);

        assertTrue(report.openings().get(Opening.QUIC) > 10_000, report.toString());
        // On-stack replacement of the generator's loop can allocate a few bytes once; a generator that allocated
        // per packet or per flow would allocate in every window.
        assertEquals(0L, Arrays.stream(sink.allocated).min().orElseThrow(),
            "bytes allocated per window of " + WINDOW_PACKETS + " packets: " + Arrays.toString(sink.allocated));
    }

    /** Reads the thread's allocation counter every {@link #WINDOW_PACKETS} packets, after two windows of warm-up. */
    private static final class Sink implements FrameSink
    {
        final long[] allocated = new long[WINDOWS];
        private final ThreadMXBean threads;
        private long packets;
        private long checksum;
        private long before;

        Sink(final ThreadMXBean threads)
        {
            this.threads = threads;
        }

        @Override
        public void onFrame(final long timestampNanos, final ByteBuffer frame, final int length)
        {
            checksum += frame.get(length - 1) + length;
            packets++;
            if (packets % WINDOW_PACKETS == 0 && packets >= 2 * WINDOW_PACKETS)
            {
                final long now = threads.getCurrentThreadAllocatedBytes();
                final int window = (int)(packets / WINDOW_PACKETS) - 3;
                if (window >= 0 && window < WINDOWS)
                {
                    allocated[window] = now - before;
                }
                before = threads.getCurrentThreadAllocatedBytes();
            }
        }
    }
}
