package io.spillway.testbed.ab;

import io.spillway.dpi.Dpi;
import io.spillway.probe.dpi.FlowInspection;
import io.spillway.testbed.source.GeneratedFrames;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs an A/B matrix: per active-flow count, generates the traffic once into memory, runs its cells (offload off/on
 * x DPI off/on) one after the other, frees the traffic; then writes cells.csv, the charts and report.md. Cells run
 * one at a time: they would otherwise take each other's cores.
 */
public final class Matrix
{
    private final AbSettings settings;
    private final List<Integer> flows;
    private final Dpi dpi;
    private final String commandLine;

    /**
     * @param dpi         the loaded DPI library, or null to run the DPI-off cells only
     * @param commandLine the command as typed, for the report
     */
    public Matrix(final AbSettings settings, final List<Integer> flows, final Dpi dpi, final String commandLine)
    {
        this.settings = settings;
        this.flows = List.copyOf(flows);
        this.dpi = dpi;
        this.commandLine = commandLine;
    }

    /**
     * @param log      where progress goes (stderr)
     * @param terminal redraw one progress line rather than print a line per step
     */
    public MatrixOutcome run(final Path directory, final PrintWriter log, final boolean terminal) throws IOException
    {
        final long start = System.nanoTime();
        final MachineInfo machine = MachineInfo.current();
        final int dpiBytesPerFlow = dpi == null ? 0 : CellRunner.stateBytes(dpi) + FlowInspection.verdictBytes();
        final MatrixPlan plan = MatrixPlan.of(settings, flows, dpiBytesPerFlow, machine.availableBytes());
        Files.createDirectories(directory);

        final MatrixProgress progress = new MatrixProgress(log, terminal, plan.cellsToRun());
        final CellRunner runner = new CellRunner(settings, dpi);
        final List<GeneratedTraffic> traffic = new ArrayList<>();
        final List<CellResult> results = new ArrayList<>();
        for (final FlowCountPlan flowCount : plan.flowCounts())
        {
            final String label = AbCell.flowsLabel(flowCount.activeFlows()) + " flows";
            if (flowCount.skipped())
            {
                progress.note(label + " skipped: " + flowCount.skipReason());
                continue;
            }
            progress.note(String.format(Locale.ROOT, "%s: generating %,d packets (%.0f MB in memory)", label,
                flowCount.spec().packets(), GeneratedFrames.bytesNeeded(flowCount.spec()) / 1e6));
            try (GeneratedFrames frames = GeneratedFrames.generate(flowCount.spec()))
            {
                traffic.add(GeneratedTraffic.of(flowCount.spec(), frames));
                for (final AbCell cell : flowCount.cells())
                {
                    final CellResult result = runner.run(cell, frames,
                        progress.startCell(cell, flowCount.spec().packets()));
                    results.add(result);
                    progress.endCell(result);
                }
            }
        }
        final long wallNs = System.nanoTime() - start;

        CellsCsv.write(directory.resolve("cells.csv"), results);
        final List<String> charts = results.isEmpty() ? List.of() : AbCharts.write(directory, results);
        AbReport.write(directory.resolve("report.md"), commandLine, machine, plan, traffic, results, wallNs, charts);
        return new MatrixOutcome(directory, plan, List.copyOf(results), wallNs);
    }
}
