package io.spillway.probe.pipeline;

import io.spillway.exporter.FlowEndReason;

/**
 * One worker's figures at the end of a run.
 *
 * @param recordsByReason records exported, indexed by flowEndReason
 * @param dpi             what the worker's DPI did, null when DPI was off
 * @param cpuNanos        CPU time of the worker's thread
 */
public record QueueStats(
    int queue,
    long packets,
    long flowsCreated,
    long[] recordsByReason,
    long evictions,
    long overflowSplits,
    long liveFlowsAtEnd,
    long reservedBytes,
    double bytesPerIPv4Flow,
    DpiStats dpi,
    long cpuNanos)
{
    public long records()
    {
        long total = 0;
        for (final long count : recordsByReason)
        {
            total += count;
        }
        return total;
    }

    public long records(final int reason)
    {
        return reason < recordsByReason.length ? recordsByReason[reason] : 0;
    }

    public long recordsLackOfResources()
    {
        return records(FlowEndReason.LACK_OF_RESOURCES);
    }
}
