package io.spillway.testbed.ab;

import io.spillway.testbed.generator.GeneratorSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The matrix to run: per active-flow count, the traffic and its four cells, or the reason it is skipped. */
public final class MatrixPlan
{
    /** Share of the memory available now that one cell may take: the machine is shared, and estimates are rough. */
    static final double MEMORY_SHARE = 0.6;

    private final AbSettings settings;
    private final List<FlowCountPlan> flowCounts;

    private MatrixPlan(final AbSettings settings, final List<FlowCountPlan> flowCounts)
    {
        this.settings = settings;
        this.flowCounts = flowCounts;
    }

    /**
     * @param flows           active flow counts, in the order to run them
     * @param dpiBytesPerFlow what DPI keeps per flow at most (0 when no cell has DPI)
     * @param availableBytes  memory available now (MemAvailable), or -1 when unknown (nothing is skipped then)
     */
    public static MatrixPlan of(
        final AbSettings settings, final List<Integer> flows, final int dpiBytesPerFlow, final long availableBytes)
    {
        final List<FlowCountPlan> plans = new ArrayList<>();
        for (final int activeFlows : flows)
        {
            final GeneratorSpec spec = settings.spec(activeFlows);
            final List<AbCell> cells = new ArrayList<>();
            for (final boolean offload : new boolean[]{false, true})
            {
                for (final boolean dpi : new boolean[]{false, true})
                {
                    if (!dpi || dpiBytesPerFlow > 0)
                    {
                        cells.add(new AbCell(activeFlows, spec.newFlowsPerSecond(), offload, dpi));
                    }
                }
            }
            final long needed = FlowCountPlan.estimate(settings, spec, dpiBytesPerFlow);
            final long allowed = (long)(availableBytes * MEMORY_SHARE);
            final String skip = availableBytes >= 0 && needed > allowed ? String.format(Locale.ROOT,
                "needs about %.1f GB (frames, NIC table, flow cache%s), more than %.0f%% of the %.1f GB available",
                needed / 1e9, dpiBytesPerFlow > 0 ? ", nDPI state" : "", MEMORY_SHARE * 100, availableBytes / 1e9) :
                null;
            plans.add(new FlowCountPlan(spec, List.copyOf(cells), needed, skip));
        }
        return new MatrixPlan(settings, List.copyOf(plans));
    }

    public AbSettings settings()
    {
        return settings;
    }

    public List<FlowCountPlan> flowCounts()
    {
        return flowCounts;
    }

    /** Cells that will run. */
    public int cellsToRun()
    {
        int cells = 0;
        for (final FlowCountPlan plan : flowCounts)
        {
            cells += plan.skipped() ? 0 : plan.cells().size();
        }
        return cells;
    }
}
