package io.spillway.probe.pipeline;

import io.spillway.exporter.FlowEndReason;
import io.spillway.probe.offload.OffloadStats;

/**
 * One worker's figures at the end of a run.
 *
 * @param packets         packets the worker counted (the host's share when flows are offloaded)
 * @param bytes           their frame bytes
 * @param recordsByReason records exported, indexed by flowEndReason
 * @param dpi             what the worker's DPI did, null when DPI was off
 * @param cpuNanos        CPU time of the worker's thread
 * @param flowIdHits      packets the NIC delivered with a flowId that named their flow: counted without a lookup
 * @param flowIdMisses    packets delivered with a flowId that named no live flow with their key: looked up
 * @param offload         what the worker's offload did, null without offload
 */
public record QueueStats(
    int queue,
    long packets,
    long bytes,
    long flowsCreated,
    long[] recordsByReason,
    long evictions,
    long overflowSplits,
    long liveFlowsAtEnd,
    long reservedBytes,
    double bytesPerIPv4Flow,
    DpiStats dpi,
    long cpuNanos,
    long flowIdHits,
    long flowIdMisses,
    OffloadStats offload)
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
