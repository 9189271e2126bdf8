package io.spillway.testbed.ab;

/**
 * Everything one cell measured. The headline figures (host CPU, packets to the host, loss) are those of the
 * cell's steady state ({@link SteadyState}, after the warm-up and before the end of the traffic), as the paper
 * reports steady-state load; the counts and the exactness check cover the whole cell. Packets and bytes are frames
 * as offered; whole-cell CPU times are the threads' own CPU clocks ({@code ThreadMXBean}), window ones and run-queue
 * waits the kernel's schedstat.
 *
 * @param paced               the replay was paced to {@code requestedPps} (false: as fast as possible, lossless)
 * @param achievedPps         packets per second the replay actually offered (wall clock)
 * @param maxLagNs            paced: the most a packet was offered after it was due
 * @param offeredPackets      packets the NIC received
 * @param accountedPackets    of those, packets the parser could account to a flow (all of them for generated traffic)
 * @param hostPackets         packets the NIC delivered to the host rings (and the workers processed)
 * @param nicDrops            packets lost at the NIC because a host ring was full
 * @param hwPackets           packets the NIC counted and dropped in hardware (offloaded flows)
 * @param wallNs              the probe's run, from its threads' start to the last record exported
 * @param workerCpuNs         CPU time of all worker threads over the whole cell: the host's cost
 * @param window              the steady-state figures, or null when the cell had no complete window
 * @param requests            flows the workers asked to offload
 * @param learnsDone          learns the NIC installed
 * @param learnsRefusedRate   learns the NIC refused over its learning rate
 * @param requestsNotQueued   offload requests that found the offload thread's queue full (left in software)
 * @param tableFlowsPeak      the most flows the NIC's table held at once
 * @param nicCapacity         the NIC table's capacity in this cell
 * @param cacheBytesPerFlow   computed: bytes the flow cache reserves per IPv4 flow (entry and index share)
 * @param dpiBytesPerFlow     computed: bytes DPI keeps per flow for the flow's life (verdict and server name)
 * @param dpiStateBytes       computed: bytes of nDPI state a flow holds while it is being inspected (0: DPI off)
 * @param rssDeltaBytes       measured: the process's peak resident memory during the cell less its size before
 *                            (-1 when /proc could not be read)
 * @param dpiHeapPeakBytes    measured: the most nDPI held on the C heap during the cell less what it held before: the
 *                            workers' detection modules and what dissectors allocated for inspected flows (0: DPI
 *                            off); part of {@code rssDeltaBytes}
 */
public record CellResult(
    AbCell cell,
    int queues,
    boolean paced,
    long requestedPps,
    double achievedPps,
    long maxLagNs,
    long offeredPackets,
    long offeredBytes,
    long accountedPackets,
    long hostPackets,
    long nicDrops,
    long nicDropBytes,
    long hwPackets,
    long hwBytes,
    long wallNs,
    long workerCpuNs,
    long captureCpuNs,
    long offloadCpuNs,
    long exportCpuNs,
    SteadyState window,
    long requests,
    long learnsDone,
    long learnsRefusedRate,
    long requestsNotQueued,
    long learnsFailedTableFull,
    long tableFlowsPeak,
    long nicCapacity,
    long flowsCreated,
    long dpiPacketsInspected,
    long records,
    long recordsDropped,
    long recordPackets,
    long recordBytes,
    long recordHwPackets,
    long recordHwBytes,
    double cacheBytesPerFlow,
    int dpiBytesPerFlow,
    int dpiStateBytes,
    long rssDeltaBytes,
    long dpiHeapPeakBytes)
{
    /** Share of the offered packets that reached the host, in %: in the steady state (else over the cell). */
    public double hostPercent()
    {
        return window != null ? percent(window.hostPackets(), window.packets()) : cellHostPercent();
    }

    /** Share of the offered packets lost at the NIC (host ring full), in %: in the steady state (else the cell). */
    public double lossPercent()
    {
        return window != null ? percent(window.nicDrops(), window.packets()) : cellLossPercent();
    }

    /** Host CPU load as the paper gives it, per worker in % of a core: in the steady state (else the cell). */
    public double hostCpuPercent()
    {
        return window != null ? percent(window.workerCpuNs(), window.ns() * (double)queues) : cellHostCpuPercent();
    }

    /** The workers' CPU time per offered packet: in the steady state (else over the cell). */
    public double workerNsPerPacket()
    {
        if (window != null)
        {
            return window.packets() == 0 ? 0 : (double)window.workerCpuNs() / window.packets();
        }
        return offeredPackets == 0 ? 0 : (double)workerCpuNs / offeredPackets;
    }

    /** How long the workers waited for a CPU while runnable, per worker, in % of the window (NaN: no window). */
    public double workerWaitPercent()
    {
        return window != null ? percent(window.workerWaitNs(), window.ns() * (double)queues) : Double.NaN;
    }

    /** The capture thread (the emulated NIC's receive side and the replay's pacing) in % of a core. */
    public double captureCpuPercent()
    {
        return window != null ? percent(window.captureCpuNs(), window.ns()) : percent(captureCpuNs, wallNs);
    }

    /** The offload thread (learns, each a busy wait of the programming cost, and events) in % of a core. */
    public double offloadCpuPercent()
    {
        return window != null ? percent(window.offloadCpuNs(), window.ns()) : percent(offloadCpuNs, wallNs);
    }

    /** Share of the offered packets counted in hardware over the whole cell, in %. */
    public double hardwarePercent()
    {
        return percent(hwPackets, offeredPackets);
    }

    public double cellHostPercent()
    {
        return percent(hostPackets, offeredPackets);
    }

    public double cellLossPercent()
    {
        return percent(nicDrops, offeredPackets);
    }

    /** The workers' CPU time over the whole run (cold start and final export included), per worker. */
    public double cellHostCpuPercent()
    {
        return percent(workerCpuNs, wallNs * (double)queues);
    }

    /**
     * False when a paced replay offered less than 95% of the requested rate: the capture thread (the emulated
     * NIC's receive side) fell behind, so the cell's load was lower than asked, and nothing was lost for it. A real
     * wire does not slow down; read such a cell as "the emulation could not keep up".
     */
    public boolean offeredAsRequested()
    {
        return !paced || achievedPps >= 0.95 * requestedPps;
    }

    public double wallSeconds()
    {
        return wallNs / 1e9;
    }

    /** nDPI's C heap at its peak per flow the cell created (modules included): DPI's share of the resident figure. */
    public double dpiHeapBytesPerFlow()
    {
        return flowsCreated == 0 ? Double.NaN : (double)dpiHeapPeakBytes / flowsCreated;
    }

    /** Measured resident memory per flow the cell created; NaN when not measured. */
    public double rssBytesPerFlow()
    {
        return rssDeltaBytes < 0 || flowsCreated == 0 ? Double.NaN : (double)rssDeltaBytes / flowsCreated;
    }

    /** Peak fill of the NIC's table, in % of its capacity. */
    public double tablePeakPercent()
    {
        return percent(tableFlowsPeak, nicCapacity);
    }

    /** True when every offered packet not lost at the NIC is in a record, and every hardware count too. */
    public boolean exact()
    {
        return exactnessProblem().isEmpty();
    }

    /** What does not add up, or "" when everything does. */
    public String exactnessProblem()
    {
        final StringBuilder problems = new StringBuilder();
        final long expectedPackets = accountedPackets - nicDrops;
        if (recordPackets != expectedPackets)
        {
            problems.append("records hold ").append(recordPackets).append(" packets, offered less lost is ")
                .append(expectedPackets).append("; ");
        }
        if (accountedPackets == offeredPackets && recordBytes != offeredBytes - nicDropBytes)
        {
            problems.append("records hold ").append(recordBytes).append(" bytes, offered less lost is ")
                .append(offeredBytes - nicDropBytes).append("; ");
        }
        if (hostPackets + hwPackets + nicDrops != accountedPackets)
        {
            problems.append("host ").append(hostPackets).append(" + hardware ").append(hwPackets).append(" + lost ")
                .append(nicDrops).append(" != offered ").append(accountedPackets).append("; ");
        }
        if (recordHwPackets != hwPackets || recordHwBytes != hwBytes)
        {
            problems.append("records hold ").append(recordHwPackets).append(" hardware packets (")
                .append(recordHwBytes).append(" bytes), the NIC counted ").append(hwPackets).append(" (")
                .append(hwBytes).append("); ");
        }
        if (recordsDropped != 0)
        {
            problems.append(recordsDropped).append(" records dropped; ");
        }
        return problems.isEmpty() ? "" : problems.substring(0, problems.length() - 2);
    }

    private static double percent(final double part, final double whole)
    {
        return whole <= 0 ? 0 : 100.0 * part / whole;
    }
}
