package io.spillway.probe.pipeline;

import io.spillway.packet.MalformedKind;
import io.spillway.packet.ParseStatus;

/** What the capture thread counted. Written by that thread only; read after it has stopped. */
public final class CaptureStats
{
    long packets;
    long wireBytes;
    final long[] byStatus = new long[8];
    final long[] malformedByKind = new long[MalformedKind.values().length];
    final long[] packetsPerQueue;
    long ringFullWaits;
    long nicConsumed;
    long nicDrops;
    long nicDropBytes;
    long cpuNanos;
    long firstTimestampNs = Long.MAX_VALUE;
    long lastTimestampNs = Long.MIN_VALUE;

    CaptureStats(final int queues)
    {
        packetsPerQueue = new long[queues];
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

    /** Packets handed to the worker of {@code queue} (through the NIC: delivered to its host ring). */
    public long packetsOfQueue(final int queue)
    {
        return packetsPerQueue[queue];
    }

    public int queues()
    {
        return packetsPerQueue.length;
    }

    /** Packets the emulated SmartNIC counted in hardware and did not deliver to a worker. */
    public long nicConsumed()
    {
        return nicConsumed;
    }

    /** Packets the emulated SmartNIC dropped because the worker's host ring was full. */
    public long nicDrops()
    {
        return nicDrops;
    }

    /** Frame bytes of {@link #nicDrops()}. */
    public long nicDropBytes()
    {
        return nicDropBytes;
    }

    /** Times the capture thread found a worker's ring full and waited (back-pressure). */
    public long ringFullWaits()
    {
        return ringFullWaits;
    }

    /** CPU time the capture thread used (parsing, hashing, batching). */
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
