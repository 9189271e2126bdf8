package io.spillway.probe.cli;

import io.spillway.exporter.FlowEndReason;
import io.spillway.exporter.FlowExporter;
import io.spillway.offload.ExpiryCause;
import io.spillway.offload.LearnResult;
import io.spillway.device.InputProblem;
import io.spillway.packet.MalformedKind;
import io.spillway.packet.ParseStatus;
import io.spillway.probe.pipeline.CaptureStats;
import io.spillway.probe.offload.OffloadStats;
import io.spillway.probe.pipeline.DpiStats;
import io.spillway.probe.pipeline.OffloadAgentStats;
import io.spillway.probe.pipeline.ProbeResult;
import io.spillway.probe.pipeline.QueueStats;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The end-of-run summary an operator reads on stderr. */
final class RunSummary
{
    private RunSummary()
    {
    }

    static void print(final PrintStream out, final ProbeResult result)
    {
        print(out, result, List.of());
    }

    /** The summary, with a line under the export line from each exporter that has one (Kafka's counts). */
    static void print(final PrintStream out, final ProbeResult result, final List<FlowExporter> exporters)
    {
        final CaptureStats capture = result.capture();
        final double seconds = result.elapsedNs() / 1e9;
        out.printf(Locale.ROOT, "spillway: %s packets (%s bytes) in %.2f s: %s packets/s%n",
            n(capture.packets()), n(capture.wireBytes()), seconds, n(Math.round(result.packetsPerSecond())));
        out.printf(Locale.ROOT, "  packets  accounted %s (layer-3 only %s), not IP %s, malformed %s, " +
            "cut by snap length %s, unsupported link %s%n",
            n(capture.accounted()), n(capture.packets(ParseStatus.L3_FLOW)), n(capture.packets(ParseStatus.NOT_IP)),
            n(capture.packets(ParseStatus.MALFORMED)), n(capture.packets(ParseStatus.SNAPLEN_CUT)),
            n(capture.packets(ParseStatus.UNSUPPORTED_LINK)));

        final StringBuilder malformed = new StringBuilder();
        for (final MalformedKind kind : MalformedKind.values())
        {
            if (kind != MalformedKind.NONE && capture.malformed(kind) > 0)
            {
                malformed.append(malformed.isEmpty() ? "" : ", ").append(kind.description()).append(' ')
                    .append(n(capture.malformed(kind)));
            }
        }
        if (!malformed.isEmpty())
        {
            out.println("  malformed by kind: " + malformed);
        }

        out.printf(Locale.ROOT, "  flows    created %s, records %s (idle %s, active %s, end %s, forced %s, " +
            "lack of resources %s)%n",
            n(result.flowsCreated()), n(result.recordsByReasonTotal()),
            n(result.records(FlowEndReason.IDLE_TIMEOUT)), n(result.records(FlowEndReason.ACTIVE_TIMEOUT)),
            n(result.records(FlowEndReason.END_OF_FLOW)), n(result.records(FlowEndReason.FORCED_END)),
            n(result.records(FlowEndReason.LACK_OF_RESOURCES)));

        final DpiStats dpi = result.dpi();
        if (dpi != null)
        {
            out.printf(Locale.ROOT, "  dpi      flows inspected %s: detected %s, guessed %s, unknown %s; %s packets " +
                "inspected; DPI states left %s%s%n",
                n(dpi.flowsInspected()), n(dpi.detected()), n(dpi.guessed()), n(dpi.unknown()),
                n(dpi.packetsInspected()), n(dpi.liveStatesAtEnd()),
                dpi.notInspected() > 0 ? ", not inspected (no free state) " + n(dpi.notInspected()) : "");
        }

        printOffload(out, result);

        final StringBuilder queues = new StringBuilder();
        for (final QueueStats q : result.queues())
        {
            queues.append(queues.isEmpty() ? "" : " | ").append('q').append(q.queue()).append(' ')
                .append(n(q.packets())).append(" packets, ").append(n(q.flowsCreated())).append(" flows");
        }
        out.println("  queues   " + queues);
        final StringBuilder cpu =
            new StringBuilder(String.format(Locale.ROOT, "device %.2f s", capture.cpuNanos() / 1e9));
        for (final QueueStats q : result.queues())
        {
            cpu.append(String.format(Locale.ROOT, ", q%d %.2f s", q.queue(), q.cpuNanos() / 1e9));
        }
        if (result.offloadAgent() != null)
        {
            cpu.append(String.format(Locale.ROOT, ", offload %.2f s", result.offloadAgent().cpuNanos() / 1e9));
        }
        cpu.append(String.format(Locale.ROOT, ", export %.2f s", result.exportCpuNanos() / 1e9));
        out.println("  cpu      " + cpu);
        out.printf(Locale.ROOT, "  export   %s records exported, %s dropped%n",
            n(result.recordsExported()), n(result.recordsDropped()));
        for (final FlowExporter exporter : exporters)
        {
            if (exporter.summary() != null)
            {
                out.println("           " + exporter.summary());
            }
        }
        for (final InputProblem problem : result.problems())
        {
            out.println((problem.damage() != null ? "  damaged  " : "  lost     ") + problem +
                " (every packet before it was processed and exported)");
        }
        if (result.stopped())
        {
            out.println("  stopped  by a signal: every flow seen was exported");
        }
    }

    /** The device's own line, and the offload's lines when flows were offloaded. */
    private static void printOffload(final PrintStream out, final ProbeResult result)
    {
        if (result.device().summary() != null)
        {
            out.println("  device   " + result.device().summary());
        }
        final OffloadStats offload = result.offload();
        final OffloadAgentStats agent = result.offloadAgent();
        if (offload == null || agent == null)
        {
            return;
        }
        out.printf(Locale.ROOT, "  offload  requests %s: learned %s, failed %s (rate %s, table full %s, " +
            "key exists %s, invalid %s, device error %s); kept in software: not eligible %s, no room %s, " +
            "queue full %s%n",
            n(offload.requests()), n(offload.learned()), n(offload.failed()),
            n(offload.failed(LearnResult.RATE_EXCEEDED)), n(offload.failed(LearnResult.TABLE_FULL)),
            n(offload.failed(LearnResult.KEY_EXISTS)), n(offload.failed(LearnResult.INVALID)),
            n(offload.failed(LearnResult.DEVICE_ERROR)), n(offload.notEligible()), n(offload.noRoom()),
            n(offload.requestsNotQueued()));
        out.printf(Locale.ROOT, "           given back: idle %s, tcp end %s, unlearned %s, drained %s; duplicates " +
            "prevented %s; events ignored: stale %s, out of state %s; unlearns %s (%s taken back at active timeout)%n",
            n(offload.expired(ExpiryCause.IDLE_TIMEOUT)), n(offload.expired(ExpiryCause.TCP_END)),
            n(offload.expired(ExpiryCause.SOFTWARE_UNLEARN)), n(offload.expired(ExpiryCause.DRAIN)),
            n(offload.duplicatesPrevented()), n(offload.staleEvents()), n(offload.outOfStateEvents()),
            n(offload.unlearns()), n(offload.renewals()));
        out.printf(Locale.ROOT, "  counted  host %s packets (%s bytes), hardware %s packets (%s bytes)%n",
            n(result.hostPackets()), n(result.hostBytes()), n(offload.hwPackets()), n(offload.hwBytes()));
    }

    static String n(final long value)
    {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
