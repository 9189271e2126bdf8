package io.spillway.probe.pipeline;

import io.spillway.device.CaptureDamage;
import io.spillway.device.DeviceStats;
import io.spillway.device.InputProblem;
import io.spillway.exporter.FlowEndReason;
import io.spillway.probe.offload.OffloadStats;

import java.util.List;
import java.util.Objects;

/**
 * Everything a run counted, for the summary and for tests.
 *
 * @param problems     inputs that ended early (a damaged file, an interface that went away)
 * @param device       what the device counted (its name, standard figures and summary line)
 * @param offloadAgent what the OffloadAgent did, null without offload
 * @param stopped      the run was stopped (a signal) before its input ended
 */
public record ProbeResult(
    CaptureStats capture,
    List<QueueStats> queues,
    long recordsExported,
    long recordsDropped,
    List<InputProblem> problems,
    long elapsedNs,
    long exportCpuNanos,
    String deviceName,
    DeviceStats device,
    OffloadAgentStats offloadAgent,
    boolean stopped)
{
    /** The damaged capture files among {@link #problems()}. */
    public List<CaptureDamage> damages()
    {
        return problems.stream().map(InputProblem::damage).filter(Objects::nonNull).toList();
    }

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

    /** Offload figures summed over the queues, null without offload. */
    public OffloadStats offload()
    {
        OffloadStats total = null;
        for (final QueueStats q : queues)
        {
            if (q.offload() != null)
            {
                total = total == null ? q.offload() : total.plus(q.offload());
            }
        }
        return total;
    }

    /** Packets the workers counted: all accounted packets, less those an offload device counted. */
    public long hostPackets()
    {
        long total = 0;
        for (final QueueStats q : queues)
        {
            total += q.packets();
        }
        return total;
    }

    /** Frame bytes of {@link #hostPackets()}. */
    public long hostBytes()
    {
        long total = 0;
        for (final QueueStats q : queues)
        {
            total += q.bytes();
        }
        return total;
    }

    /** CPU time of the worker threads together. */
    public long workerCpuNanos()
    {
        long total = 0;
        for (final QueueStats q : queues)
        {
            total += q.cpuNanos();
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
