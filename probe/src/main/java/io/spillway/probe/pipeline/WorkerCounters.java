package io.spillway.probe.pipeline;

import io.spillway.device.Counters;
import org.agrona.concurrent.status.AtomicCounter;

/** One worker's own figures, live: the packets and frame bytes it counted, its records, its waits and its CPU. */
final class WorkerCounters
{
    static final int TYPE_PACKETS = 100;
    static final int TYPE_BYTES = 101;
    static final int TYPE_RECORDS = 102;
    static final int TYPE_RECORD_RING_FULL_WAITS = 103;
    static final int TYPE_CPU_NANOS = 104;

    final AtomicCounter packets;
    final AtomicCounter bytes;
    final AtomicCounter records;
    final AtomicCounter recordRingFullWaits;
    final AtomicCounter cpuNanos;

    WorkerCounters(final Counters counters, final int queue)
    {
        packets = counters.add(TYPE_PACKETS, queue, "packets the worker counted");
        bytes = counters.add(TYPE_BYTES, queue, "frame bytes the worker counted");
        records = counters.add(TYPE_RECORDS, queue, "records the worker sent to the export");
        recordRingFullWaits = counters.add(TYPE_RECORD_RING_FULL_WAITS, queue,
            "times the worker waited for room in its record ring");
        cpuNanos = counters.add(TYPE_CPU_NANOS, queue, "worker thread CPU, ns");
    }
}
