package io.spillway.testbed.cli;

import io.spillway.dpi.Dpi;
import io.spillway.dpi.DpiUnavailableException;
import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.probe.dpi.DpiUntil;
import io.spillway.testbed.ab.AbSettings;
import io.spillway.testbed.ab.Matrix;
import io.spillway.testbed.ab.MatrixOutcome;
import io.spillway.testbed.generator.GeneratorSpec;
import io.spillway.testbed.generator.PayloadKind;
import io.spillway.testbed.source.ReplaySource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code testbed ab}: the paper's offload on/off comparison (Table I) on this machine, against the emulated SmartNIC
 * in this process; see {@code docs/testbed.md}.
 */
@Command(
    name = "ab",
    sortOptions = false,
    description = {
        "Runs the probe over a matrix: offload off/on x DPI off/on x active flows, passive mode, traffic generated "
            + "in memory and offered to the emulated SmartNIC paced in wall-clock time (or as fast as possible with "
            + "--max). Writes cells.csv, report.md and PNG charts to --out, and prints a summary.",
        "Per cell: host CPU (worker threads), packets to the host, loss at the NIC, offload requests and learns, "
            + "learn-rate refusals, hardware table peak, memory per flow, and whether records + hardware counters "
            + "account for every packet offered and not lost. Inline mode needs the bridge, which does not exist yet.",
        ""})
public final class AbCommand implements Callable<Integer>
{
    /** What a quiet 2-core machine sustains with offload off, DPI off and 10K flows, with room to spare. */
    static final long DEFAULT_RATE = 500_000;

    @Spec
    private CommandSpec commandSpec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--out", paramLabel = "DIR",
        description = "Directory for cells.csv, report.md and the charts (default: testbed-results/<timestamp>).")
    private Path out;

    @Option(names = "--quick",
        description = "The reduced matrix: 10K and 100K flows (unless --flows), under 5 minutes.")
    private boolean quick;

    @Option(names = "--flows", paramLabel = "LIST", split = ",", converter = DecimalCountConverter.class,
        description = "Active flow counts, e.g. 10K,100K,1M,10M,20M (default: 10K,100K,1M,10M; --quick: 10K,100K). "
            + "A count whose cells need more memory than is available is skipped, with the reason.")
    private List<Long> flows = new ArrayList<>();

    @Option(names = "--rate", paramLabel = "PPS", converter = DecimalCountConverter.class,
        description = "Offered load, packets per second, paced in wall-clock time (default: ${DEFAULT-VALUE}).")
    private long rate = DEFAULT_RATE;

    @Option(names = "--max", description = "Offer packets as fast as the capture thread takes them; the NIC then waits "
        + "for the host instead of dropping, so cells measure cost per packet, not loss.")
    private boolean max;

    @Option(names = "--pacing", paramLabel = "HOW", description = "How the paced replay waits for the next packet: "
        + "busy (spin on the clock, a core spent), burst (the capture thread idles as the probe's threads do and "
        + "what fell due follows in a burst), auto: busy when there are more cores than probe threads, else burst "
        + "(default: ${DEFAULT-VALUE}).")
    private String pacing = "auto";

    @Option(names = "--warmup", paramLabel = "S", description = "Traffic offered first in every cell and left out "
        + "of its headline figures: the cold start, when every active flow is new to the probe at once "
        + "(default: one flow lifetime, so every flow alive after it was born at the steady rate).")
    private double warmup = -1;

    @Option(names = "--seconds", paramLabel = "S", description = "Traffic after the warm-up, whose steady state the "
        + "headline figures describe (default: ${DEFAULT-VALUE}).")
    private double seconds = 10;

    @Option(names = "--queues", paramLabel = "N", description = "Worker threads (default: ${DEFAULT-VALUE}).")
    private int queues = 1;

    @Option(names = "--seed", paramLabel = "K", description = "Generator seed (default: ${DEFAULT-VALUE}).")
    private long seed = 1;

    @Option(names = "--new-flows-per-sec", paramLabel = "R", description = "New flows per second in every cell "
        + "(default: active flows / --flow-lifetime, the paper's 10%% birth rate).")
    private double newFlowsPerSecond;

    @Option(names = "--flow-lifetime", paramLabel = "S", description = "Without --new-flows-per-sec, flows live S "
        + "seconds, so new flows per second = active flows / S (default: ${DEFAULT-VALUE}, as in the paper).")
    private double flowLifetime = 10;

    @Option(names = "--packet-size", paramLabel = "BYTES", description = "Frame bytes (default: ${DEFAULT-VALUE}, "
        + "the paper's Table I).")
    private int packetSize = 60;

    @Option(names = "--udp-share", paramLabel = "F", description = "Share of UDP flows (default: ${DEFAULT-VALUE}).")
    private double udpShare = 0.5;

    @Option(names = "--payload", paramLabel = "KIND", description = "random: nothing for DPI to recognise, every "
        + "flow inspected to its packet budget (the paper's worst case); realistic: HTTP, TLS, DNS and QUIC openings "
        + "that nDPI classifies at a flow's first packet (default: ${DEFAULT-VALUE}).")
    private String payload = "random";

    @Option(names = "--dpi-until", paramLabel = "final|detected", description = "As the probe's: final inspects a "
        + "flow until nDPI has nothing more to learn (default); detected stops once the application is known and "
        + "hands the flow to the offload then (docs/architecture.md, \"Application classification\").")
    private String dpiUntil = DpiUntil.FINAL.optionValue();

    @Option(names = "--no-dpi", description = "Run only the DPI-off cells (no nDPI needed).")
    private boolean noDpi;

    @Option(names = "--nic-learn-rate", paramLabel = "FLOWS", description = "Emulated NIC: learns per second "
        + "(default: ${DEFAULT-VALUE}, the NT200A02 on one stream).")
    private long nicLearnRate = EmulatedNicConfig.DEFAULT_LEARN_RATE;

    @Option(names = "--nic-programming-cost", paramLabel = "US", description = "Emulated NIC: microseconds each "
        + "learn costs the offload thread (default: ${DEFAULT-VALUE}, the card's 'under 10 us').")
    private double nicProgrammingCostUs = EmulatedNicConfig.DEFAULT_PROGRAMMING_COST_NS / 1000.0;

    @Override
    public Integer call()
    {
        final PrintWriter console = commandSpec.commandLine().getOut();
        final PrintWriter err = commandSpec.commandLine().getErr();
        final AbSettings settings = settings();
        final Dpi dpi;
        try
        {
            dpi = noDpi ? null : Dpi.load();
        }
        catch (final DpiUnavailableException ex)
        {
            throw new ParameterException(commandSpec.commandLine(), "DPI is unavailable (" + ex.getMessage() +
                "); install nDPI or run the DPI-off cells only with --no-dpi");
        }
        final Path directory = out != null ? out : Path.of("testbed-results",
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try
        {
            final MatrixOutcome outcome = new Matrix(settings, flowCounts(), dpi, commandLine())
                .run(directory, err, Boolean.getBoolean("spillway.stderr.tty"));
            outcome.printSummary(console);
            return outcome.allExact() ? 0 : 1;
        }
        catch (final IOException ex)
        {
            err.println("testbed ab: cannot write the report to " + directory + ": " + ex.getMessage());
            return 1;
        }
    }

    private AbSettings settings()
    {
        require(rate >= 1 && rate <= GeneratorSpec.MAX_PACKETS_PER_SECOND, "--rate must be in [1, " +
            GeneratorSpec.MAX_PACKETS_PER_SECOND + "]: " + rate);
        require(seconds > 0 && seconds <= 3600, "--seconds must be in (0, 3600]: " + seconds);
        require(warmup == -1 || (warmup >= 0 && warmup <= 3600), "--warmup must be in [0, 3600]: " + warmup);
        require(queues >= 1 && queues <= 64, "--queues must be in [1, 64]: " + queues);
        require(newFlowsPerSecond >= 0, "--new-flows-per-sec must not be negative: " + newFlowsPerSecond);
        require(flowLifetime > 0, "--flow-lifetime must be above 0: " + flowLifetime);
        require(packetSize >= GeneratorSpec.MIN_FRAME_SIZE && packetSize <= GeneratorSpec.MAX_FRAME_SIZE,
            "--packet-size must be in [" + GeneratorSpec.MIN_FRAME_SIZE + ", " + GeneratorSpec.MAX_FRAME_SIZE + "]");
        require(udpShare >= 0 && udpShare <= 1, "--udp-share must be in [0, 1]: " + udpShare);
        require(nicLearnRate >= 1, "--nic-learn-rate must be positive");
        require(nicProgrammingCostUs >= 0, "--nic-programming-cost must not be negative");
        final ReplaySource.Pacing wait = switch (pacing)
        {
            case "auto" -> AbSettings.automaticPacing(queues, Runtime.getRuntime().availableProcessors());
            case "busy" -> ReplaySource.Pacing.BUSY;
            case "burst" -> ReplaySource.Pacing.BURST;
            default -> throw new ParameterException(commandSpec.commandLine(),
                "--pacing must be auto, busy or burst: " + pacing);
        };
        final PayloadKind payloadKind;
        final DpiUntil until;
        try
        {
            payloadKind = PayloadKind.parse(payload);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(commandSpec.commandLine(), "--payload: " + ex.getMessage());
        }
        try
        {
            until = DpiUntil.parse(dpiUntil);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(commandSpec.commandLine(), ex.getMessage());
        }
        return new AbSettings(rate, max, wait, warmup, seconds, queues, seed, packetSize, udpShare, flowLifetime,
            newFlowsPerSecond, nicLearnRate, Math.round(nicProgrammingCostUs * 1000), payloadKind,
            until);
    }

    private List<Integer> flowCounts()
    {
        final List<Long> requested = !flows.isEmpty() ? flows :
            quick ? List.of(10_000L, 100_000L) : List.of(10_000L, 100_000L, 1_000_000L, 10_000_000L);
        final List<Integer> counts = new ArrayList<>();
        for (final long count : requested)
        {
            require(count <= GeneratorSpec.MAX_ACTIVE_FLOWS, "--flows: at most " + GeneratorSpec.MAX_ACTIVE_FLOWS +
                " active flows: " + count);
            counts.add((int)count);
        }
        return counts;
    }

    /** The command as typed, for the report. */
    private String commandLine()
    {
        return "./spillway testbed " + String.join(" ", commandSpec.commandLine().getParseResult().originalArgs());
    }

    private void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new ParameterException(commandSpec.commandLine(), message);
        }
    }
}
