package io.spillway.probe.pipeline;

import io.spillway.device.Counters;
import io.spillway.device.DeviceCounters;
import io.spillway.device.ReceiveCounters;
import io.spillway.packet.MalformedKind;
import io.spillway.packet.ParseStatus;

/**
 * What the receive side counted in a run, read from the counters once every thread ended: every parser's packets
 * (a single stream's dispatcher, or the workers of a raw device), and the device's own figures.
 */
public final class CaptureStats
{
    private final long packets;
    private final long wireBytes;
    private final long[] byStatus = new long[ParseStatus.SNAPLEN_CUT + 1];
    private final long[] malformedByKind = new long[MalformedKind.values().length];
    private final long queueFullWaits;
    private final long deviceConsumed;
    private final long deviceDrops;
    private final long deviceDropBytes;
    private final long cpuNanos;
    private final long firstTimestampNs;
    private final long lastTimestampNs;

    CaptureStats(final Counters counters)
    {
        packets = counters.total(ReceiveCounters.TYPE_PACKETS);
        wireBytes = counters.total(ReceiveCounters.TYPE_WIRE_BYTES);
        for (int status = 0; status < byStatus.length; status++)
        {
            byStatus[status] = counters.total(ReceiveCounters.TYPE_STATUS + status);
        }
        for (int kind = 0; kind < malformedByKind.length; kind++)
        {
            malformedByKind[kind] = counters.total(ReceiveCounters.TYPE_MALFORMED + kind);
        }
        queueFullWaits = counters.total(DeviceCounters.TYPE_QUEUE_FULL_WAITS);
        deviceConsumed = counters.total(DeviceCounters.TYPE_HW_PACKETS);
        deviceDrops = counters.total(DeviceCounters.TYPE_DROPS);
        deviceDropBytes = counters.total(DeviceCounters.TYPE_DROP_BYTES);
        cpuNanos = counters.total(DeviceCounters.TYPE_THREAD_CPU_NANOS);
        firstTimestampNs = counters.min(ReceiveCounters.TYPE_FIRST_TIMESTAMP);
        lastTimestampNs = counters.max(ReceiveCounters.TYPE_LAST_TIMESTAMP);
    }

    public long packets()
    {
        return packets;
    }

    public long wireBytes()
    {
        return wireBytes;
    }

    /** Packets with the given {@link ParseStatus}. */
    public long packets(final int parseStatus)
    {
        return byStatus[parseStatus];
    }

    /** Packets accounted to a flow (with ports or as a layer-3 flow). */
    public long accounted()
    {
        return byStatus[ParseStatus.FLOW] + byStatus[ParseStatus.L3_FLOW];
    }

    public long malformed(final MalformedKind kind)
    {
        return malformedByKind[kind.ordinal()];
    }

    /** Packets the device counted in hardware and did not deliver to a worker. */
    public long deviceConsumed()
    {
        return deviceConsumed;
    }

    /** Packets the device lost before a worker saw them (a full host ring, the kernel's drops). */
    public long deviceDrops()
    {
        return deviceDrops;
    }

    /** Frame bytes of {@link #deviceDrops()}, where the device knows them. */
    public long deviceDropBytes()
    {
        return deviceDropBytes;
    }

    /** Times the device's receive side found a queue full and waited (back-pressure of a replay). */
    public long ringFullWaits()
    {
        return queueFullWaits;
    }

    /** CPU time of the device's own threads (a single stream's dispatcher: parsing, hashing, batching). */
    public long cpuNanos()
    {
        return cpuNanos;
    }

    /** Capture time covered by the input, in nanoseconds (0 when no packet). */
    public long captureSpanNs()
    {
        return packets == 0 ? 0 : lastTimestampNs - firstTimestampNs;
    }
}
