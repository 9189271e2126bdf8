package io.spillway.probe.dpi;

import io.spillway.device.Counters;
import org.agrona.concurrent.status.AtomicCounter;

/** One worker's DPI figures, live. Written by the worker only. */
final class DpiCounters
{
    static final int TYPE_FLOWS_INSPECTED = 120;
    static final int TYPE_DETECTED = 121;
    static final int TYPE_GUESSED = 122;
    static final int TYPE_UNKNOWN = 123;
    static final int TYPE_PACKETS_INSPECTED = 124;
    static final int TYPE_NOT_INSPECTED = 125;

    final AtomicCounter flowsInspected;
    final AtomicCounter detected;
    final AtomicCounter guessed;
    final AtomicCounter unknown;
    final AtomicCounter packetsInspected;
    final AtomicCounter notInspected;

    DpiCounters(final Counters counters, final int queue)
    {
        flowsInspected = counters.add(TYPE_FLOWS_INSPECTED, queue, "flows inspected by DPI");
        detected = counters.add(TYPE_DETECTED, queue, "flows whose application DPI detected");
        guessed = counters.add(TYPE_GUESSED, queue, "flows whose application DPI guessed");
        unknown = counters.add(TYPE_UNKNOWN, queue, "flows whose application DPI did not find");
        packetsInspected = counters.add(TYPE_PACKETS_INSPECTED, queue, "packets inspected by DPI");
        notInspected = counters.add(TYPE_NOT_INSPECTED, queue, "flows not inspected: no DPI state free");
    }
}
