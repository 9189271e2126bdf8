package io.spillway.testbed.ab;

import io.spillway.dpi.Dpi;
import io.spillway.offload.LearnResult;
import io.spillway.device.DeviceSpec;
import io.spillway.offload.emulated.EmulatedDevice;
import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.offload.emulated.EmulatedProvider;
import io.spillway.offload.emulated.NicStats;
import io.spillway.probe.dpi.FlowInspection;
import io.spillway.probe.offload.OffloadStats;
import io.spillway.probe.pipeline.CaptureStats;
import io.spillway.probe.pipeline.DpiStats;
import io.spillway.probe.pipeline.OffloadPolicy;
import io.spillway.probe.pipeline.Probe;
import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeCounters;
import io.spillway.probe.pipeline.ProbeResult;
import io.spillway.testbed.source.GeneratedFrames;
import io.spillway.testbed.source.ReplaySource;

import java.util.List;

/**
 * Runs the probe over one cell: the generated frames, replayed paced (or at the maximum rate) into the emulated
 * SmartNIC in this process, with offload and DPI as the cell says, and collects the cell's figures.
 * <p>
 * Paced, the NIC drops what the host has no room for, as on a live link; at the maximum rate it waits, so the cell
 * measures cost per packet without loss. The NIC's receive buffer delay is 0: pacing in wall-clock time makes the
 * host rings' backlog the real delay between a flow's classification and its rule taking effect.
 */
final class CellRunner
{
    /** Room in the flow cache and the NIC table over the most flows a cell can create: RSS does not split evenly. */
    private static final double SIZE_MARGIN = 1.25;
    private static final int MIN_SLACK = 1024;

    private final AbSettings settings;
    private final Dpi dpi;

    /** @param dpi the loaded DPI library, or null when no cell has DPI on */
    CellRunner(final AbSettings settings, final Dpi dpi)
    {
        this.settings = settings;
        this.dpi = dpi;
    }

    /** Flow cache slots per queue for a cell of {@code activeFlows}. */
    static int cacheFlowsPerQueue(final AbSettings settings, final int activeFlows)
    {
        final double flows = settings.flowsAtMost(activeFlows) * SIZE_MARGIN / settings.queues();
        return (int)Math.min(1 << 30, (long)Math.ceil(flows) + MIN_SLACK);
    }

    /** The NIC table's capacity for a cell of {@code activeFlows}: never the limit, the card's is 140M flows. */
    static int nicCapacity(final AbSettings settings, final int activeFlows)
    {
        return (int)Math.min(Integer.MAX_VALUE, (long)Math.ceil(settings.flowsAtMost(activeFlows) * SIZE_MARGIN) +
            MIN_SLACK);
    }

    CellResult run(final AbCell cell, final GeneratedFrames frames, final Probe.ProgressListener progress)
    {
        final int nicCapacity = nicCapacity(settings, cell.activeFlows());
        final EmulatedNicConfig nic = new EmulatedNicConfig()
            .flowTableCapacity(nicCapacity)
            .learnRateFlowsPerSecond(settings.nicLearnRate())
            .programmingCostNs(settings.nicProgrammingCostNs())
            .bufferDelayNs(0);
        final boolean paced = !settings.maxRate();
        final ProbeConfig config = ProbeConfig.defaults(settings.queues())
            .withMaxFlows(cacheFlowsPerQueue(settings, cell.activeFlows()))
            .withOffload(cell.offload() ? OffloadPolicy.DEFAULT : null)
            .withDpi(cell.dpi() ? dpi : null, 0)
            .withDpiUntil(settings.dpiUntil());

        final RecordTotals totals = new RecordTotals();
        final ProbeCounters counters = new ProbeCounters(settings.queues());
        final MeasurementWindow window = new MeasurementWindow(settings.warmupPackets(cell.activeFlows()),
            frames.packets(), counters);
        // Garbage of the previous cell is not this cell's memory.
        System.gc();
        final boolean peakReset = ProcessMemory.resetPeak();
        final long residentBefore = ProcessMemory.residentBytes();
        final long dpiHeapBefore = cell.dpi() ? dpi.nativeHeapBytes() : 0;
        if (cell.dpi())
        {
            dpi.resetNativeHeapPeak();
        }
        final ReplaySource source = paced ? ReplaySource.paced(frames, settings.pacing()) :
            ReplaySource.atMaximumRate(frames);
        // Paced, the NIC drops what the host has no room for, as on a live link.
        final EmulatedDevice[] device = new EmulatedDevice[1];
        final ProbeResult result = Probe.run(config, EmulatedProvider.withModel(nic, paced, d -> device[0] = d),
            DeviceSpec.of(settings.queues(), counters.registry()).withSource(source), List.of(totals),
            (packets, bytes, total, elapsedNs) ->
            {
                window.sample();
                if (progress != null)
                {
                    progress.onProgress(packets, bytes, total, elapsedNs);
                }
            }, counters);
        final long peak = ProcessMemory.peakResidentBytes();
        final long rssDelta = peakReset && peak >= 0 && residentBefore >= 0 ? peak - residentBefore : -1;
        final long dpiHeapPeak = cell.dpi() ? dpi.nativeHeapPeakBytes() - dpiHeapBefore : 0;
        return result(cell, nicCapacity, paced, source, result, device[0].nicStats(), totals, SteadyState.of(window),
            rssDelta, dpiHeapPeak);
    }

    private CellResult result(
        final AbCell cell, final int nicCapacity, final boolean paced, final ReplaySource source,
        final ProbeResult result, final NicStats nic, final RecordTotals totals, final SteadyState steadyState,
        final long rssDelta, final long dpiHeapPeak)
    {
        final CaptureStats capture = result.capture();
        final OffloadStats offload = result.offload();
        final DpiStats dpiStats = result.dpi();
        return new CellResult(
            cell,
            settings.queues(),
            paced,
            settings.packetsPerSecond(),
            source.achievedPacketsPerSecond(),
            source.maxLagNs(),
            capture.packets(),
            capture.wireBytes(),
            capture.accounted(),
            nic.hostPackets(),
            capture.deviceDrops(),
            capture.deviceDropBytes(),
            nic.hwPackets(),
            nic.hwBytes(),
            result.elapsedNs(),
            result.workerCpuNanos(),
            capture.cpuNanos(),
            result.offloadAgent() == null ? 0 : result.offloadAgent().cpuNanos(),
            result.exportCpuNanos(),
            steadyState,
            offload == null ? 0 : offload.requests(),
            nic.learnsDone(),
            nic.learnsRefusedRate(),
            offload == null ? 0 : offload.requestsNotQueued(),
            offload == null ? 0 : offload.failed(LearnResult.TABLE_FULL),
            nic.tableFlowsPeak(),
            nicCapacity,
            result.flowsCreated(),
            dpiStats == null ? 0 : dpiStats.packetsInspected(),
            totals.records(),
            result.recordsDropped(),
            totals.packets(),
            totals.frameBytes(),
            totals.hardwarePackets(),
            totals.hardwareBytes(),
            result.queues().getFirst().bytesPerIPv4Flow(),
            cell.dpi() ? FlowInspection.verdictBytes() : 0,
            cell.dpi() ? stateBytes(dpi) : 0,
            rssDelta,
            dpiHeapPeak);
    }

    /** nDPI's per-flow state, rounded to a cache line as the state pool lays it out. */
    static int stateBytes(final Dpi dpi)
    {
        return (dpi.flowStateSize() + 63) & ~63;
    }
}
