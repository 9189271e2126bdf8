package io.spillway.testbed.ab;

import io.spillway.testbed.source.ReplaySource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code report.md}: the measured matrix laid out like the paper's Table I (rows: active flows; columns: offload
 * off/on x DPI off/on; host CPU % and loss %), the paper's table beside it, every figure of every cell, the traffic
 * as generated, the machine and the exact command line.
 */
final class AbReport
{
    private final StringBuilder md = new StringBuilder();

    private AbReport()
    {
    }

    static void write(
        final Path file, final String commandLine, final MachineInfo machine, final MatrixPlan plan,
        final List<GeneratedTraffic> traffic, final List<CellResult> results, final long wallNs,
        final List<String> charts) throws IOException
    {
        final AbReport report = new AbReport();
        report.header(commandLine, machine, plan, wallNs);
        report.tableOne(results);
        report.paperTable();
        for (final String chart : charts)
        {
            report.line("![" + chart + "](" + chart + ")");
        }
        report.line("");
        report.traffic(plan, traffic);
        report.allFigures(results);
        Files.writeString(file, report.md);
    }

    private void header(final String commandLine, final MachineInfo machine, final MatrixPlan plan, final long wallNs)
    {
        final AbSettings s = plan.settings();
        line("# Offload A/B: host CPU and loss, offload off/on x DPI off/on");
        line("");
        line("- command: `" + commandLine + "`");
        line("- machine: " + machine.describe());
        line(String.format(Locale.ROOT, "- matrix wall time: %.1f s, %d cells", wallNs / 1e9, plan.cellsToRun()));
        line(String.format(Locale.ROOT, "- offered load: %s; per cell a warm-up (%s), then %.1f s measured; " +
            "%d-byte frames, %.0f%% UDP",
            s.maxRate() ? "as fast as the capture thread takes it (--max, lossless)" :
                String.format(Locale.ROOT, "%,d packets/s paced in wall-clock time (%s)", s.packetsPerSecond(),
                    s.pacing() == ReplaySource.Pacing.BUSY ? "busy-polling the clock" :
                        "bursts: the capture thread idles between them"),
            s.warmupSeconds() >= 0 ? String.format(Locale.ROOT, "%.1f s", s.warmupSeconds()) :
                String.format(Locale.ROOT, "one flow lifetime, at most %.0f s",
                    AbSettings.MAX_AUTOMATIC_WARMUP_SECONDS),
            s.seconds(), s.frameSize(), s.udpShare() * 100));
        line("- new flows per second: " + (s.newFlowsPerSecond() > 0 ?
            String.format(Locale.ROOT, "%,.0f in every cell", s.newFlowsPerSecond()) :
            String.format(Locale.ROOT, "active flows / %.0f s (flows live %.0f s, as in the paper)",
                s.flowLifetimeSeconds(), s.flowLifetimeSeconds())));
        line(String.format(Locale.ROOT, "- probe: %d worker queue(s), passive mode (inline waits for the bridge), " +
            "emulated NIC: learn rate %,d/s, programming cost %.1f us, receive buffer delay 0, NIC drops when a " +
            "host ring is full%s", s.queues(), s.nicLearnRate(), s.nicProgrammingCostNs() / 1000.0,
            s.maxRate() ? " (not with --max: the NIC waits)" : ""));
        line("- host CPU % = CPU time of the worker threads / wall time, per worker (the paper's per-core " +
            "average); loss % = packets dropped at the NIC (host ring full) / packets offered; both over the " +
            "steady-state window (after the warm-up, until the last packet is offered); counts and the exactness " +
            "check cover the whole cell");
        line("");
    }

    private void tableOne(final List<CellResult> results)
    {
        line("## Measured here (layout of the paper's Table I)");
        line("");
        line("| active flows | new flows/s | offload off, DPI off: CPU | loss | offload off, DPI on: CPU | loss | " +
            "offload on, DPI off: CPU | loss | offload on, DPI on: CPU | loss |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (final int flows : flowCounts(results))
        {
            final double newFlows = results.stream().filter(r -> r.cell().activeFlows() == flows).findFirst()
                .orElseThrow().cell().newFlowsPerSecond();
            final StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %,.0f |",
                AbCell.flowsLabel(flows), newFlows));
            for (final boolean offload : new boolean[]{false, true})
            {
                for (final boolean dpi : new boolean[]{false, true})
                {
                    final CellResult r = find(results, flows, offload, dpi);
                    row.append(r == null ? " | |" : String.format(Locale.ROOT, " %.1f%% | %.2f%%%s |",
                        r.hostCpuPercent(), r.lossPercent(), r.offeredAsRequested() ? "" : " *"));
                }
            }
            line(row.toString());
        }
        line("");
        if (results.stream().anyMatch(r -> !r.offeredAsRequested()))
        {
            line("\\* offered less than 95% of the requested rate: the emulated NIC's receive side (the capture " +
                "thread) fell behind the pace, so the load was lower than asked; a real wire would not have slowed " +
                "down, and the NIC would have dropped instead.");
            line("");
        }
    }

    private void paperTable()
    {
        line("## The paper's Table I (Cento, 16 cores, 89 Mpps of 60-byte packets, passive)");
        line("");
        line("From the paper's text. `shared/papers/cento-offload-results.md` has the 100K offload CPU figures " +
            "swapped (17% with DPI, 23% without); the paper's table has 23% with DPI and 17% without, as below.");
        line("");
        line("| active flows | new flows/s | offload off, DPI off: CPU | loss | offload off, DPI on: CPU | loss | " +
            "offload on, DPI off: CPU | loss | offload on, DPI on: CPU | loss |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < PaperTableOne.FLOWS.length; i++)
        {
            final StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s | %,d |",
                AbCell.flowsLabel(PaperTableOne.FLOWS[i]), PaperTableOne.FLOWS[i] / 10));
            for (final boolean offload : new boolean[]{false, true})
            {
                for (final boolean dpi : new boolean[]{false, true})
                {
                    row.append(String.format(Locale.ROOT, " %d%% | %d%% |",
                        PaperTableOne.cpu(offload, dpi, i), PaperTableOne.loss(offload, dpi, i)));
                }
            }
            line(row.toString());
        }
        line("");
    }

    private void traffic(final MatrixPlan plan, final List<GeneratedTraffic> traffic)
    {
        line("## Traffic as generated (in process, replayed from memory)");
        line("");
        line("| active flows | packets | rate requested | rate generated | new flows/s requested | generated | " +
            "concurrent flows (average) | distinct flows | frames in memory | generation time |");
        line("|---|---|---|---|---|---|---|---|---|---|");
        for (final GeneratedTraffic t : traffic)
        {
            line(String.format(Locale.ROOT,
                "| %s | %,d | %,d | %,.0f | %,.0f | %,.0f | %,.0f | %,d | %.0f MB | %.1f s |",
                AbCell.flowsLabel(t.spec().activeFlows()), t.report().packets(), t.spec().packetsPerSecond(),
                t.packetsPerSecond(), t.spec().newFlowsPerSecond(), t.report().newFlowsPerSecond(),
                t.report().averageConcurrentFlows(), t.report().distinctFlows(), t.memoryBytes() / 1e6,
                t.generationNs() / 1e9));
        }
        line("");
        for (final FlowCountPlan skipped : plan.flowCounts())
        {
            if (skipped.skipped())
            {
                line("- " + AbCell.flowsLabel(skipped.activeFlows()) + " flows skipped: " + skipped.skipReason());
            }
        }
        line("");
    }

    private void allFigures(final List<CellResult> results)
    {
        line("## Every figure (one column per cell; cells.csv has them all)");
        line("");
        final StringBuilder head = new StringBuilder("| figure |");
        final StringBuilder rule = new StringBuilder("|---|");
        for (final CellResult r : results)
        {
            head.append(' ').append(AbCell.flowsLabel(r.cell().activeFlows())).append(", offload ")
                .append(r.cell().offload() ? "on" : "off").append(", DPI ").append(r.cell().dpi() ? "on" : "off")
                .append(" |");
            rule.append("---|");
        }
        line(head.toString());
        line(rule.toString());
        figure(results, "achieved rate, packets/s", r -> String.format(Locale.ROOT, "%,.0f", r.achievedPps()));
        figure(results, "most a packet was late, ms", r -> String.format(Locale.ROOT, "%.2f", r.maxLagNs() / 1e6));
        figure(results, "wall time, s", r -> String.format(Locale.ROOT, "%.2f", r.wallSeconds()));
        figure(results, "steady-state window, s", r -> r.window() == null ? "none" :
            String.format(Locale.ROOT, "%.2f", r.window().ns() / 1e9));
        figure(results, "window: packets to the host, % offered", r -> pct(r.hostPercent()));
        figure(results, "window: loss at the NIC, % offered", r -> pct(r.lossPercent()));
        figure(results, "window: host CPU (workers), % of a core", r -> pct(r.hostCpuPercent()));
        figure(results, "window: workers, ns CPU per offered packet", r -> String.format(Locale.ROOT, "%.1f",
            r.workerNsPerPacket()));
        figure(results, "window: workers waiting for a CPU, % of wall", r -> pct(r.workerWaitPercent()));
        figure(results, "window: workers going to sleep (idle parks), per second", r -> r.window() == null ? "n/a" :
            String.format(Locale.ROOT, "%,.0f", r.window().workerSleeps() * 1e9 / r.window().ns()));
        figure(results, "window: capture thread (NIC receive side), % of a core", r -> pct(r.captureCpuPercent()));
        figure(results, "window: offload thread, % of a core", r -> pct(r.offloadCpuPercent()));
        figure(results, "cell: packets offered", r -> n(r.offeredPackets()));
        figure(results, "cell: packets to the host", r -> n(r.hostPackets()) + " (" + pct(r.cellHostPercent()) + ")");
        figure(results, "cell: lost at the NIC (host ring full)", r -> n(r.nicDrops()) + " (" +
            pct(r.cellLossPercent()) + ")");
        figure(results, "cell: counted in hardware", r -> n(r.hwPackets()) + " (" + pct(r.hardwarePercent()) + ")");
        figure(results, "cell: host CPU (workers, cold start and final export included), % of a core",
            r -> pct(r.cellHostCpuPercent()));
        figure(results, "cell: CPU s, workers / capture / offload / export", r -> String.format(Locale.ROOT,
            "%.2f / %.2f / %.2f / %.2f", r.workerCpuNs() / 1e9, r.captureCpuNs() / 1e9, r.offloadCpuNs() / 1e9,
            r.exportCpuNs() / 1e9));
        figure(results, "offload requests", r -> n(r.requests()));
        figure(results, "learns done", r -> n(r.learnsDone()));
        figure(results, "learns refused over the learn rate", r -> n(r.learnsRefusedRate()));
        figure(results, "requests not queued (offload queue full)", r -> n(r.requestsNotQueued()));
        figure(results, "hardware table peak, flows", r -> n(r.tableFlowsPeak()));
        figure(results, "hardware table peak, % capacity", r -> pct(r.tablePeakPercent()));
        figure(results, "flows created (host)", r -> n(r.flowsCreated()));
        figure(results, "packets inspected by nDPI", r -> n(r.dpiPacketsInspected()));
        figure(results, "records exported", r -> n(r.records()));
        figure(results, "packets in records (host + hardware)", r -> n(r.recordPackets()));
        figure(results, "exact (records + hardware = offered - lost)", r -> r.exact() ? "yes" : "NO: " +
            r.exactnessProblem());
        figure(results, "flow cache, bytes per flow (computed)", r -> String.format(Locale.ROOT, "%.0f",
            r.cacheBytesPerFlow()));
        figure(results, "DPI verdict, bytes per flow (computed)", r -> n(r.dpiBytesPerFlow()));
        figure(results, "nDPI state while inspected, bytes per flow (computed)", r -> n(r.dpiStateBytes()));
        figure(results, "resident memory added, MB (measured)", r -> r.rssDeltaBytes() < 0 ? "n/a" :
            String.format(Locale.ROOT, "%.0f", r.rssDeltaBytes() / 1e6));
        figure(results, "resident memory per flow created, bytes (measured)", r -> Double.isNaN(r.rssBytesPerFlow()) ?
            "n/a" : String.format(Locale.ROOT, "%.0f", r.rssBytesPerFlow()));
        figure(results, "of which nDPI's C heap at its peak, bytes per flow created (measured)",
            r -> !r.cell().dpi() || Double.isNaN(r.dpiHeapBytesPerFlow()) ? "-" :
                String.format(Locale.ROOT, "%.0f", r.dpiHeapBytesPerFlow()));
        line("");
        line("Resident memory is the process's: it includes the emulated NIC's table (about 170 bytes per entry, " +
            "allocated and zeroed up front at the capacity shown, in every cell, offload on or off) and the JVM " +
            "heap's growth, so it is an upper bound on the host's memory per flow. The computed figures are " +
            "what the probe's own structures reserve.");
    }

    private void figure(final List<CellResult> results, final String name, final Function<CellResult, String> value)
    {
        final StringBuilder row = new StringBuilder("| " + name + " |");
        for (final CellResult r : results)
        {
            row.append(' ').append(value.apply(r)).append(" |");
        }
        line(row.toString());
    }

    private static List<Integer> flowCounts(final List<CellResult> results)
    {
        return results.stream().map(r -> r.cell().activeFlows()).distinct().toList();
    }

    private static CellResult find(final List<CellResult> results, final int flows, final boolean offload,
        final boolean dpi)
    {
        for (final CellResult r : results)
        {
            if (r.cell().activeFlows() == flows && r.cell().offload() == offload && r.cell().dpi() == dpi)
            {
                return r;
            }
        }
        return null;
    }

    private static String n(final long value)
    {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String pct(final double value)
    {
        return String.format(Locale.ROOT, "%.2f%%", value);
    }

    private void line(final String text)
    {
        md.append(text).append('\n');
    }
}
