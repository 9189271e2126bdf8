package io.spillway.testbed.ab;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What a matrix run produced: every cell's result, where the report went, and the summary for the terminal. */
public record MatrixOutcome(Path directory, MatrixPlan plan, List<CellResult> results, long wallNs)
{
    /** True when every cell's records and hardware counters account for every packet offered and not lost. */
    public boolean allExact()
    {
        return results.stream().allMatch(CellResult::exact);
    }

    /** The summary table: one line per cell. */
    public void printSummary(final PrintWriter out)
    {
        out.printf(Locale.ROOT, "%n%-34s %9s %9s %9s %8s %9s %8s %10s %10s %10s %6s%n", "cell", "host CPU",
            "ns/pkt", "to host", "loss", "offered", "hw", "learns", "refused", "table pk", "exact");
        boolean slow = false;
        for (final CellResult r : results)
        {
            out.printf(Locale.ROOT, "%-34s %8.1f%% %9.1f %8.2f%% %7.2f%% %8.1f%%%s %7.2f%% %,10d %,10d %,10d %6s%n",
                r.cell().name(), r.hostCpuPercent(), r.workerNsPerPacket(), r.hostPercent(), r.lossPercent(),
                100.0 * r.achievedPps() / r.requestedPps(), r.offeredAsRequested() ? " " : "*", r.hardwarePercent(),
                r.learnsDone(), r.learnsRefusedRate(), r.tableFlowsPeak(), r.exact() ? "yes" : "NO");
            slow |= !r.offeredAsRequested();
        }
        out.println("host CPU, to host, loss: steady-state window; offered: achieved rate, % of --rate; " +
            "hw: counted in hardware over the whole cell");
        if (slow)
        {
            out.println("* the emulated NIC's receive side fell behind the pace: that cell's load was lower than " +
                "requested (see docs/testbed.md)");
        }
        for (final FlowCountPlan flowCount : plan.flowCounts())
        {
            if (flowCount.skipped())
            {
                out.println(AbCell.flowsLabel(flowCount.activeFlows()) + " flows skipped: " + flowCount.skipReason());
            }
        }
        out.printf(Locale.ROOT, "%d cells in %.1f s; report: %s (cells.csv, report.md, charts)%n", results.size(),
            wallNs / 1e9, directory.resolve("report.md"));
        out.flush();
    }
}
