package io.spillway.probe.pipeline;

import io.spillway.exporter.FlowEndReason;
import io.spillway.probe.capture.CaptureDamage;

import java.util.List;

/** Everything a run counted, for the summary and for tests. */
public record ProbeResult(
    CaptureStats capture,
    List<QueueStats> queues,
    long recordsExported,
    long recordsDropped,
    List<CaptureDamage> damages,
    long elapsedNs,
    long exportCpuNanos)
{
    public long flowsCreated()
    {
        long total = 0;
        for (final QueueStats q : queues)
        {
            total += q.flowsCreated();
        }
        return total;
    }

    public long records(final int reason)
    {
        long total = 0;
        for (final QueueStats q : queues)
        {
            total += q.records(reason);
        }
        return total;
    }

    public long evictions()
    {
        long total = 0;
        for (final QueueStats q : queues)
        {
            total += q.evictions();
        }
        return total;
    }

    public long liveFlowsAtEnd()
    {
        long total = 0;
        for (final QueueStats q : queues)
        {
            total += q.liveFlowsAtEnd();
        }
        return total;
    }

    /** DPI figures summed over the queues, null when DPI was off. */
    public DpiStats dpi()
    {
        DpiStats total = null;
        for (final QueueStats q : queues)
        {
            if (q.dpi() != null)
            {
                total = total == null ? q.dpi() : total.plus(q.dpi());
            }
        }
        return total;
    }

    /** Packets read per second of wall-clock time. */
    public double packetsPerSecond()
    {
        return elapsedNs == 0 ? 0 : capture.packets() * 1e9 / elapsedNs;
    }

    public long recordsByReasonTotal()
    {
        long total = 0;
        for (int reason = FlowEndReason.IDLE_TIMEOUT; reason <= FlowEndReason.LACK_OF_RESOURCES; reason++)
        {
            total += records(reason);
        }
        return total;
    }
}
