package io.spillway.testbed.cli;

import io.spillway.packet.LinkType;
import io.spillway.capture.file.PcapWriter;
import io.spillway.testbed.generator.FrameMix;
import io.spillway.testbed.generator.FrameSink;
import io.spillway.testbed.generator.GenerationReport;
import io.spillway.testbed.generator.GeneratorSpec;
import io.spillway.testbed.generator.Opening;
import io.spillway.testbed.generator.PayloadKind;
import io.spillway.testbed.generator.Popularity;
import io.spillway.testbed.generator.TrafficGenerator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code testbed generate}: writes a synthetic capture (see {@link TrafficGenerator} for the traffic model) and
 * reports what was actually written next to what was requested.
 */
@Command(
    name = "generate",
    sortOptions = false,
    description = {
        "Writes a synthetic pcap (nanosecond timestamps) for the benchmarks, like pfsend.",
        "Flows: a sliding window of A concurrent flows, full from the first packet (A flows active at time 0 "
            + "with ages staggered 1/R apart). New flows start at R per second of capture time, each replacing "
            + "the oldest, so a flow lives A/R seconds.",
        "Packets: PPS per second of capture time from 2026-01-01T00:00:00Z; packet i is at floor(i * 1e9 / PPS) "
            + "ns, so exactly 1e9/PPS ns apart when that is whole, and never drifting. Each packet goes to a flow "
            + "of the window chosen uniformly at random, or by Zipf rank with --popularity zipf:S.",
        "Frames: S bytes (captured = wire length), or a size drawn per packet from --imix or --frame-mix, of "
            + "Ethernet, IPv4 or IPv6, TCP or UDP and random payload, all client to server. A flow whose headers "
            + "exceed the size (IPv6+TCP needs 74) uses its minimum frame, with a note. IP version and transport "
            + "are drawn per flow. TCP: SYN first, then ACK|PSH; flows end silently. 5-tuples are unique over the "
            + "whole capture. The same arguments give the same bytes.",
        "--payload realistic: the first packet of each flow opens HTTP (TCP 80), TLS (TCP 443), DNS (UDP 53) or "
            + "QUIC (UDP 443, a protected v1 Initial) for a well-known server name; TCP flows then start with the "
            + "opening (ACK|PSH) instead of a SYN. An opening longer than the drawn size enlarges its frame.",
        ""})
public final class GenerateCommand implements Callable<Integer>
{
    @Spec
    private CommandSpec commandSpec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "pcap file to write.")
    private Path out;

    @Option(names = "--packets", required = true, paramLabel = "N", description = "Packets to write, at least 1.")
    private long packets;

    @Option(names = "--active-flows", required = true, paramLabel = "A",
        description = "Concurrent flows at every instant, at least 1.")
    private int activeFlows;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private FlowTurnover turnover;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private FrameSizes frameSizes;

    @Option(names = "--rate", required = true, paramLabel = "PPS",
        description = "Packets per second of capture time, in [1, 1000000000].")
    private long packetsPerSecond;

    @Option(names = "--seed", required = true, paramLabel = "K", description = "Selects the capture.")
    private long seed;

    @Option(names = "--ipv6-share", paramLabel = "F", defaultValue = "0",
        description = "Probability that a flow is IPv6, in [0, 1] (default: ${DEFAULT-VALUE}).")
    private double ipv6Share;

    @Option(names = "--udp-share", paramLabel = "F", defaultValue = "0.5",
        description = "Probability that a flow is UDP rather than TCP, in [0, 1] (default: ${DEFAULT-VALUE}).")
    private double udpShare;

    @Option(names = "--popularity", paramLabel = "uniform|zipf:S", defaultValue = "uniform",
        description = "How packets pick a flow of the window: uniformly, or the flow in slot r with probability "
            + "proportional to 1/r^S, S in (0, 10] (default: ${DEFAULT-VALUE}).")
    private String popularity;

    @Option(names = "--payload", paramLabel = "random|realistic", defaultValue = "random",
        description = "Random bytes (the DPI worst case), or protocol openings nDPI recognises in the first "
            + "packet of each flow (default: ${DEFAULT-VALUE}).")
    private String payload;

    /** Either the rate of new flows or how long each flow lives. */
    static final class FlowTurnover
    {
        @Option(names = "--new-flows-per-sec", required = true, paramLabel = "R",
            description = "Flows started per second of capture time, above 0 (may be fractional).")
        private Double newFlowsPerSecond;

        @Option(names = "--flow-duration", required = true, paramLabel = "SECONDS",
            description = "Mean flow life instead of R: R = A / SECONDS, above 0 (may be fractional).")
        private Double flowDuration;
    }

    /** A fixed frame size or a mix drawn per packet. */
    static final class FrameSizes
    {
        @Option(names = "--packet-size", required = true, paramLabel = "S",
            description = "Frame bytes, in [60, 9000].")
        private Integer packetSize;

        @Option(names = "--imix", required = true,
            description = "Frame sizes of the simple IMIX: 64, 594 and 1518 bytes in the ratio 7:4:1.")
        private boolean imix;

        @Option(names = "--frame-mix", required = true, paramLabel = "SIZE:WEIGHT[,SIZE:WEIGHT]...",
            description = "Frame sizes drawn per packet with integer weights, e.g. 64:7,594:4,1518:1; sizes in "
                + "[60, 9000], at most 16 of them.")
        private String frameMix;
    }

    @Override
    public Integer call()
    {
        final GeneratorSpec spec = validatedSpec();
        final PrintWriter console = commandSpec.commandLine().getOut();
        printNoteOnEnlargedFrames(spec, console);

        final GenerationReport report;
        try (PcapWriter writer = new PcapWriter(out, LinkType.ETHERNET, GeneratorSpec.MAX_FRAME_SIZE))
        {
            report = new TrafficGenerator(spec).generate(FrameSink.writingTo(writer));
        }
        catch (final UncheckedIOException ex)
        {
            commandSpec.commandLine().getErr().println(
                "testbed generate: " + ex.getMessage() + " (" + ex.getCause().getClass().getSimpleName() + ")");
            return 1;
        }

        printReport(spec, report, fileSize(), console);
        return 0;
    }

    private GeneratorSpec validatedSpec()
    {
        require(packets >= 1, "--packets must be at least 1: " + packets);
        require(activeFlows >= 1 && activeFlows <= GeneratorSpec.MAX_ACTIVE_FLOWS,
            "--active-flows must be in [1, " + GeneratorSpec.MAX_ACTIVE_FLOWS + "]: " + activeFlows);
        final double newFlowsPerSecond;
        if (turnover.newFlowsPerSecond != null)
        {
            newFlowsPerSecond = turnover.newFlowsPerSecond;
            require(newFlowsPerSecond > 0 && !Double.isInfinite(newFlowsPerSecond),
                "--new-flows-per-sec must be above 0: " + newFlowsPerSecond);
        }
        else
        {
            require(turnover.flowDuration > 0 && !Double.isInfinite(turnover.flowDuration),
                "--flow-duration must be above 0: " + turnover.flowDuration);
            newFlowsPerSecond = GeneratorSpec.newFlowsPerSecondForDuration(activeFlows, turnover.flowDuration);
        }
        final FrameMix mix = frameMix();
        require(packetsPerSecond >= 1 && packetsPerSecond <= GeneratorSpec.MAX_PACKETS_PER_SECOND,
            "--rate must be in [1, " + GeneratorSpec.MAX_PACKETS_PER_SECOND + "]: " + packetsPerSecond);
        require(ipv6Share >= 0 && ipv6Share <= 1, "--ipv6-share must be in [0, 1]: " + ipv6Share);
        require(udpShare >= 0 && udpShare <= 1, "--udp-share must be in [0, 1]: " + udpShare);
        final Popularity chosenPopularity = parsed("--popularity", () -> Popularity.parse(popularity));
        final PayloadKind payloadKind = parsed("--payload", () -> PayloadKind.parse(payload));
        try
        {
            return new GeneratorSpec(packets, activeFlows, newFlowsPerSecond, mix.smallest(), packetsPerSecond, seed,
                ipv6Share, udpShare, mix, chosenPopularity, payloadKind);
        }
        catch (final IllegalArgumentException ex)
        {
            // Only the limit on flows per capture is left, set by the flow turnover with --packets and --rate.
            throw new ParameterException(commandSpec.commandLine(), (turnover.newFlowsPerSecond != null ?
                "--new-flows-per-sec: " : "--flow-duration: ") + ex.getMessage());
        }
    }

    private FrameMix frameMix()
    {
        if (frameSizes.packetSize != null)
        {
            require(frameSizes.packetSize >= GeneratorSpec.MIN_FRAME_SIZE &&
                frameSizes.packetSize <= GeneratorSpec.MAX_FRAME_SIZE, "--packet-size must be in [" +
                GeneratorSpec.MIN_FRAME_SIZE + ", " + GeneratorSpec.MAX_FRAME_SIZE + "]: " + frameSizes.packetSize);
            return FrameMix.fixed(frameSizes.packetSize);
        }
        if (frameSizes.imix)
        {
            return FrameMix.simpleImix();
        }
        return parsed("--frame-mix", () -> FrameMix.parse(frameSizes.frameMix));
    }

    private <T> T parsed(final String option, final java.util.function.Supplier<T> parser)
    {
        try
        {
            return parser.get();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(commandSpec.commandLine(), option + ": " + ex.getMessage());
        }
    }

    private void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new ParameterException(commandSpec.commandLine(), message);
        }
    }

    private long fileSize()
    {
        try
        {
            return Files.size(out);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void printNoteOnEnlargedFrames(final GeneratorSpec spec, final PrintWriter console)
    {
        final StringBuilder kinds = new StringBuilder();
        for (final boolean ipv6 : new boolean[]{false, true})
        {
            for (final boolean udp : new boolean[]{false, true})
            {
                if (spec.enlarges(ipv6, udp))
                {
                    kinds.append(kinds.isEmpty() ? "" : ", ")
                        .append(ipv6 ? "IPv6+" : "IPv4+").append(udp ? "UDP " : "TCP ")
                        .append(spec.frameLength(ipv6, udp));
                }
            }
        }
        if (!kinds.isEmpty())
        {
            console.println("note: " + (spec.frameMix().isFixed() ? "--packet-size " : "frame size ") +
                spec.frameSize() + " is below the headers of some flows; their frames have the minimum size " +
                "instead (" + kinds + " bytes)");
        }
        if (spec.payload() == PayloadKind.REALISTIC)
        {
            console.println("note: realistic openings longer than the drawn frame size enlarge their frame " +
                "(a QUIC Initial is at least 1200 bytes of UDP payload)");
        }
    }

    private static void printReport(
        final GeneratorSpec spec, final GenerationReport report, final long fileSize, final PrintWriter console)
    {
        final double durationSeconds = report.durationNanos() / 1e9;
        console.println(String.format(Locale.ROOT, "%-24s %d (requested %d)", "packets written",
            report.packets(), spec.packets()));
        console.println(String.format(Locale.ROOT, "%-24s %d bytes", "file size", fileSize));
        console.println(String.format(Locale.ROOT, "%-24s %.9f s", "capture duration", durationSeconds));
        console.println(String.format(Locale.ROOT, "%-24s %s (requested %d)", "packets per second",
            rate(report.packetsPerSecond()), spec.packetsPerSecond()));
        console.println(String.format(Locale.ROOT, "%-24s %d (scheduled %d)", "distinct flows",
            report.distinctFlows(), report.scheduledFlows()));
        console.println(String.format(Locale.ROOT, "%-24s %s (requested %s)", "new flows per second",
            rate(report.newFlowsPerSecond()), formatted(spec.newFlowsPerSecond())));
        console.println(String.format(Locale.ROOT, "%-24s %s s (A / R)", "flow lifetime",
            formatted(spec.flowDurationSeconds())));
        console.println(String.format(Locale.ROOT, "%-24s average %.1f, maximum %d%s (requested %d)",
            "concurrent flows", report.averageConcurrentFlows(), report.maxConcurrentFlows(),
            report.maxSamplingStep() == 1 ? "" : " (sampled every " + report.maxSamplingStep() + " packets)",
            spec.activeFlows()));
        console.println(String.format(Locale.ROOT, "%-24s %.3f TCP, %.3f UDP (requested %s UDP)",
            "flows by transport", 1 - report.udpShare(), report.udpShare(), formatted(spec.udpShare())));
        console.println(String.format(Locale.ROOT, "%-24s %.3f (requested %s)", "IPv6 share of flows",
            report.ipv6Share(), formatted(spec.ipv6Share())));
        if (!spec.frameMix().isFixed())
        {
            final StringBuilder measured = new StringBuilder();
            final StringBuilder requested = new StringBuilder();
            for (int i = 0; i < spec.frameMix().classes(); i++)
            {
                final String separator = i == 0 ? "" : ", ";
                measured.append(separator).append(String.format(Locale.ROOT, "%d: %.1f%%",
                    spec.frameMix().size(i), 100 * report.frameShare(i)));
                requested.append(separator).append(String.format(Locale.ROOT, "%.1f%%",
                    100 * spec.frameMix().share(i)));
            }
            console.println(String.format(Locale.ROOT, "%-24s %s (requested %s)", "frame sizes", measured,
                requested));
        }
        console.println(String.format(Locale.ROOT,
            "%-24s %.1f%% of packets to the top %d of %d slots (%s expects %.1f%%)", "popularity",
            100 * report.topSlotShare(), report.topSlots(), spec.activeFlows(), spec.popularity(),
            100 * spec.popularity().expectedTopShare(report.topSlots(), spec.activeFlows())));
        if (!report.openings().isEmpty())
        {
            final StringBuilder openings = new StringBuilder();
            for (final Opening opening : Opening.values())
            {
                openings.append(openings.isEmpty() ? "" : ", ").append(opening).append(' ')
                    .append(report.openings().get(opening));
            }
            console.println(String.format(Locale.ROOT, "%-24s %s (flows)", "openings", openings));
        }
        console.println(String.format(Locale.ROOT, "%-24s %.1f", "average frame bytes",
            (double)report.frameBytes() / report.packets()));
        if (report.enlargedFrames() > 0)
        {
            console.println(String.format(Locale.ROOT, "%-24s %d", "enlarged frames", report.enlargedFrames()));
        }
        console.flush();
    }

    private static String rate(final double perSecond)
    {
        return Double.isNaN(perSecond) ? "n/a" : String.format(Locale.ROOT, "%.1f", perSecond);
    }

    private static String formatted(final double value)
    {
        return value == Math.rint(value) ? Long.toString((long)value) : Double.toString(value);
    }
}
