package io.spillway.probe.cli;

import io.spillway.dpi.Dpi;
import io.spillway.dpi.DpiUnavailableException;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.ipfix.IpfixOptions;
import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.offload.emulated.EmulatedSmartNic;
import io.spillway.capture.file.CaptureFileException;
import io.spillway.capture.file.CaptureFiles;
import io.spillway.capture.file.PacedSource;
import io.spillway.device.PacketSource;
import io.spillway.probe.dpi.DpiUntil;
import io.spillway.probe.flow.FlowTimeouts;
import io.spillway.probe.pipeline.OffloadConfig;
import io.spillway.probe.pipeline.Probe;
import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeCounters;
import io.spillway.probe.pipeline.ProbeResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code spillway probe}: capture files in, flow records out. */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Reads packets, tracks flows per queue and exports a record per biflow.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every input read and every flow exported",
        "1:the probe failed while running",
        "2:bad usage: arguments, unreadable input, unusable export target",
        "3:an input file is damaged: every packet before the damage was processed and exported"})
public final class ProbeCommand implements Callable<Integer>
{
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_DAMAGED_INPUT = 3;

    @Option(names = {"-r", "--read"}, paramLabel = "FILE", required = true,
        description = "Capture file (pcap or pcapng). Repeat to read several files in order.")
    private List<Path> files = new ArrayList<>();

    @Option(names = "--replay-speed", paramLabel = "X",
        description = "Replay the capture at the pace of its timestamps, X times as fast (1: as captured), as a " +
            "link delivers it; with --nic emulated the offload then keeps pace with the traffic. Default: as " +
            "fast as the probe reads.")
    private Double replaySpeed;

    @Option(names = "--queues", paramLabel = "N",
        description = "Worker queues, one thread each (default: the number of cores, ${DEFAULT-VALUE}).")
    private int queues = Runtime.getRuntime().availableProcessors();

    @Option(names = "--max-flows", paramLabel = "N", converter = CountConverter.class,
        description = "Flow cache capacity per queue, e.g. 1M (default: 1M). When full, the least recently " +
            "active flow is exported early (reason: lack of resources).")
    private int maxFlows = ProbeConfig.DEFAULT_MAX_FLOWS;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "30",
        description = "Export a flow after this long without a packet (default: ${DEFAULT-VALUE}).")
    private double idleTimeout;

    @Option(names = "--active-timeout", paramLabel = "SECONDS", defaultValue = "120",
        description = "Export long flows this often; counting continues (default: ${DEFAULT-VALUE}).")
    private double activeTimeout;

    @Option(names = "--export", paramLabel = "TARGET",
        description = "Where records go: json:- (stdout, the default), json:PATH, ipfix:udp://HOST:PORT, " +
            "ipfix:tcp://HOST:PORT or ipfix:file:PATH. Repeat for several.")
    private List<String> exports = new ArrayList<>();

    @Option(names = "--ipfix-mtu", paramLabel = "BYTES",
        description = "Largest IPFIX datagram over UDP, IP and UDP headers included (default: ${DEFAULT-VALUE}).")
    private int ipfixMtu = IpfixOptions.DEFAULT_MTU;

    @Option(names = "--template-refresh", paramLabel = "SECONDS",
        description = "Resend IPFIX templates over UDP this often (default: ${DEFAULT-VALUE}).")
    private int templateRefresh = IpfixOptions.DEFAULT_TEMPLATE_REFRESH_SECONDS;

    @Option(names = "--observation-domain", paramLabel = "ID",
        description = "IPFIX observation domain id in every message header (default: ${DEFAULT-VALUE}).")
    private long observationDomain = IpfixOptions.DEFAULT_OBSERVATION_DOMAIN_ID;

    @Option(names = "--ipfix-enterprise", paramLabel = "PEN",
        description = "Private enterprise number of Spillway's own IPFIX elements (default: ${DEFAULT-VALUE}, " +
            "RFC 5612's documentation number: set your own).")
    private long ipfixEnterprise = IpfixOptions.DOCUMENTATION_ENTERPRISE_NUMBER;

    @Option(names = "--no-dpi", description = "Do not classify applications (DPI is on by default).")
    private boolean noDpi;

    @Option(names = "--dpi-max-packets", paramLabel = "N",
        description = "Packets of a flow to inspect before giving up with nDPI's best guess (default: as " +
            "ndpiReader 4.2: 81 for TCP, 25 for others).")
    private int dpiMaxPackets;

    @Option(names = "--dpi-until", paramLabel = "final|detected",
        description = "final: inspect a flow until nDPI has nothing more to learn, as ndpiReader does (default); " +
            "detected: stop as soon as the application is known, which offloads flows sooner and spends less DPI " +
            "time, but skips later metadata (the TLS certificate, the DNS answer) that can refine the application.")
    private String dpiUntil = DpiUntil.FINAL.optionValue();

    @Option(names = "--nic", paramLabel = "MODEL",
        description = "Receive through a SmartNIC: 'emulated', the model of the NT200A02 flow manager " +
            "(docs/offload.md). Default: packets go straight to the workers.")
    private String nic;

    @Option(names = "--offload", paramLabel = "BACKEND",
        description = "Hand flows to the NIC's hardware flow table, which counts their later packets: 'emulated' " +
            "(with --nic emulated). A flow is offloaded once classified (see --dpi-until), or with --no-dpi after " +
            "--offload-after-packets of its packets.")
    private String offload;

    @Option(names = "--offload-after-packets", paramLabel = "N",
        description = "With --no-dpi, offload a flow once the host counted N of its packets (default: " +
            "${DEFAULT-VALUE}).")
    private int offloadAfterPackets = OffloadConfig.DEFAULT_AFTER_PACKETS;

    @Option(names = "--nic-flows", paramLabel = "N", converter = CountConverter.class,
        description = "Emulated NIC: flows its hardware table holds, e.g. 1M (default: ${DEFAULT-VALUE}).")
    private int nicFlows = EmulatedNicConfig.DEFAULT_FLOW_TABLE_CAPACITY;

    @Option(names = "--nic-buffer-delay", paramLabel = "MS",
        description = "Emulated NIC: its receive buffer in milliseconds of traffic; a learn or unlearn takes " +
            "effect that much later (default: ${DEFAULT-VALUE}; the NT200A02 buffers about 130 at 100 Gbit/s).")
    private double nicBufferDelayMs;

    @Option(names = "--nic-learn-rate", paramLabel = "FLOWS",
        description = "Emulated NIC: flows learned per second at most, less above 90%% fill (default: " +
            "${DEFAULT-VALUE}).")
    private long nicLearnRate = EmulatedNicConfig.DEFAULT_LEARN_RATE;

    @Option(names = "--nic-programming-cost", paramLabel = "US",
        description = "Emulated NIC: microseconds each learn or unlearn costs the offload thread (default: " +
            "${DEFAULT-VALUE}).")
    private double nicProgrammingCostUs = EmulatedNicConfig.DEFAULT_PROGRAMMING_COST_NS / 1000.0;

    @Option(names = {"-q", "--quiet"}, description = "No progress line.")
    private boolean quiet;

    private final PrintStream err = System.err;

    @Override
    public Integer call()
    {
        final ProbeConfig config;
        try
        {
            if (idleTimeout <= 0 || activeTimeout <= 0)
            {
                throw new IllegalArgumentException("--idle-timeout and --active-timeout must be positive");
            }
            if (replaySpeed != null)
            {
                PacedSource.validSpeed(replaySpeed);
            }
            config = ProbeConfig.defaults(queues).withMaxFlows(maxFlows)
                .withTimeouts(FlowTimeouts.ofSeconds(idleTimeout, activeTimeout))
                .withOffload(offloadConfig())
                .withDpiUntil(DpiUntil.parse(dpiUntil))
                .withDpi(noDpi ? null : Dpi.load(), dpiMaxPackets);
        }
        catch (final IllegalArgumentException ex)
        {
            return usageError(ex.getMessage());
        }
        catch (final DpiUnavailableException ex)
        {
            return usageError("application classification is unavailable: " + ex.getMessage());
        }

        final List<FlowExporter> exporters = new ArrayList<>();
        final ProbeCounters counters = new ProbeCounters();
        try (PacketSource source = replaySpeed == null ? CaptureFiles.open(files) :
            new PacedSource(CaptureFiles.open(files), replaySpeed))
        {
            final IpfixOptions ipfix = IpfixOptions.DEFAULTS.withMtu(ipfixMtu)
                .withTemplateRefreshSeconds(templateRefresh)
                .withObservationDomainId(observationDomain)
                .withEnterpriseNumber(ipfixEnterprise)
                .withIgnoredPackets(counters::packetsNotAccounted);
            for (final String target : exports.isEmpty() ? List.of("json:-") : exports)
            {
                exporters.add(Exporters.open(target, ipfix));
            }
            final ProgressLine progress = !quiet && Boolean.getBoolean("spillway.stderr.tty") ?
                new ProgressLine(err) : null;
            final ProbeResult result = Probe.run(config, source, exporters, progress, counters);
            if (progress != null)
            {
                progress.clear();
            }
            RunSummary.print(err, result);
            if (!result.damages().isEmpty())
            {
                return EXIT_DAMAGED_INPUT;
            }
            return EXIT_OK;
        }
        catch (final CaptureFileException | IllegalArgumentException | UncheckedIOException ex)
        {
            exporters.forEach(FlowExporter::close);
            return usageError(ex.getMessage());
        }
        catch (final Probe.ProbeFailure ex)
        {
            // Flush what the exporters hold: records already produced must not be lost.
            exporters.forEach(FlowExporter::close);
            err.println("spillway: the probe failed: " + ex.getMessage());
            if (ex.getCause() != null && Boolean.getBoolean("spillway.debug"))
            {
                ex.getCause().printStackTrace(err);
            }
            return EXIT_FAILURE;
        }
    }

    /** The emulated NIC and offload options, or null when packets go straight to the workers. */
    private OffloadConfig offloadConfig()
    {
        if (nic != null && !EmulatedSmartNic.NAME.equals(nic))
        {
            throw new IllegalArgumentException("unknown --nic '" + nic + "': the one model is 'emulated'");
        }
        if (offload != null && !EmulatedSmartNic.NAME.equals(offload))
        {
            throw new IllegalArgumentException("unknown --offload '" + offload + "': the one backend is 'emulated'");
        }
        if (offload != null && nic == null)
        {
            throw new IllegalArgumentException("--offload emulated needs --nic emulated: the emulated SmartNIC is " +
                "both the receive path and the flow table");
        }
        if (nic == null)
        {
            return null;
        }
        if (nicBufferDelayMs < 0 || nicProgrammingCostUs < 0 || nicLearnRate < 1)
        {
            throw new IllegalArgumentException("--nic-buffer-delay and --nic-programming-cost must not be negative, " +
                "--nic-learn-rate must be positive");
        }
        final EmulatedNicConfig model = new EmulatedNicConfig()
            .flowTableCapacity(nicFlows)
            .learnRateFlowsPerSecond(nicLearnRate)
            .programmingCostNs(Math.round(nicProgrammingCostUs * 1_000))
            .bufferDelayNs(Math.round(nicBufferDelayMs * 1_000_000));
        return (offload != null ? OffloadConfig.offload(model) : OffloadConfig.nicOnly(model))
            .withAfterPackets(offloadAfterPackets);
    }

    private int usageError(final String message)
    {
        err.println("spillway: " + message);
        return EXIT_USAGE;
    }

    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /** The command with Spillway's error conventions: usage errors exit with 2 and a one-line message. */
    public static CommandLine commandLine()
    {
        return new CommandLine(new ProbeCommand())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setParameterExceptionHandler((ex, args) ->
            {
                final CommandLine cmd = ex.getCommandLine();
                cmd.getErr().println("spillway: " + ex.getMessage());
                cmd.getErr().println("Try 'spillway probe --help'.");
                return EXIT_USAGE;
            });
    }
}
