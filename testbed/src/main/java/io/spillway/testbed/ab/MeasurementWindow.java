package io.spillway.testbed.ab;

import io.spillway.probe.pipeline.ProbeCounters;

/**
 * The steady-state part of a cell, which its headline figures describe: from the first progress sample after the
 * warm-up packets were offered to the last sample before the final packet was. Leaves out the cold start (every
 * flow of the generator's window is new to the probe at once, and the learns pile up) and the end of the run
 * (the workers catching up, then exporting every flow), neither of which the paper's steady-state figures have.
 * <p>
 * Sampled on the harness thread about four times a second (the probe's progress interval): packets offered, lost
 * and counted in hardware from the probe's live counters, and the threads' CPU and run-queue wait from
 * {@link ThreadTimes}, all at the same instant, so the window is consistent whatever its exact bounds.
 */
final class MeasurementWindow
{
    /** The figures at one instant. */
    record Point(long timeNs, long packets, long nicDrops, long hwPackets, ThreadTimes.Sample threads)
    {
    }

    private final long warmupPackets;
    private final long totalPackets;
    private final ProbeCounters counters;
    private final ThreadTimes threads = new ThreadTimes();
    private Point start;
    private Point end;

    MeasurementWindow(final long warmupPackets, final long totalPackets, final ProbeCounters counters)
    {
        this.warmupPackets = warmupPackets;
        this.totalPackets = totalPackets;
        this.counters = counters;
    }

    /** Takes a sample; called from the probe's progress callback. */
    void sample()
    {
        final long time = System.nanoTime();
        final long packets = counters.packetsRead();
        final Point point = new Point(time, packets, counters.deviceDrops(), counters.hardwarePackets(), threads.sample());
        if (packets >= totalPackets)
        {
            return;
        }
        if (start == null && packets >= warmupPackets)
        {
            start = point;
        }
        else if (start != null)
        {
            end = point;
        }
    }

    /** True when the window has a start and an end, and the kernel's thread times were readable. */
    boolean complete()
    {
        return start != null && end != null && threads.available();
    }

    Point start()
    {
        return start;
    }

    Point end()
    {
        return end;
    }
}
