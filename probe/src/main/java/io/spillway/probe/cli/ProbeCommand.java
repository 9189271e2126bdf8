package io.spillway.probe.cli;

import io.spillway.device.Counters;
import io.spillway.device.DeviceProvider;
import io.spillway.device.DeviceSpec;
import io.spillway.device.DeviceUnavailableException;
import io.spillway.device.Devices;
import io.spillway.dpi.Dpi;
import io.spillway.dpi.DpiUnavailableException;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.ipfix.IpfixFlows;
import io.spillway.exporter.ipfix.IpfixOptions;
import io.spillway.exporter.kafka.KafkaOptions;
import io.spillway.offload.OffloadAction;
import io.spillway.probe.dpi.DpiUntil;
import io.spillway.probe.flow.FlowTimeouts;
import io.spillway.probe.metrics.CountersCollector;
import io.spillway.probe.metrics.MetricsEndpoint;
import io.spillway.probe.pipeline.OffloadPolicy;
import io.spillway.probe.pipeline.Probe;
import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeCounters;
import io.spillway.probe.pipeline.ProbeResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code spillway probe}: capture files or live interfaces in, flow records out. */
@Command(
    name = "probe",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Reads packets, tracks flows per queue and exports a record per biflow.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every input read (or stopped by SIGINT or SIGTERM) and every flow exported",
        "1:the probe failed while running",
        "2:bad usage: arguments, unreadable input, missing interface or permission, unusable export target",
        "3:an input ended early (a damaged file, an interface removed): every packet before was processed and " +
            "exported"})
public final class ProbeCommand implements Callable<Integer>
{
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_DAMAGED_INPUT = 3;

    @Option(names = {"-r", "--read"}, paramLabel = "FILE",
        description = "Capture file (pcap or pcapng). Repeat to read several files in order.")
    private List<Path> files = new ArrayList<>();

    @Option(names = {"-i", "--interface"}, paramLabel = "IFACE",
        description = "Capture live on this interface (needs root or CAP_NET_RAW). Repeat for several ports.")
    private List<String> interfaces = new ArrayList<>();

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
            "ipfix:tcp://HOST:PORT, ipfix:file:PATH, protobuf:PATH, protobuf:tcp://HOST:PORT or " +
            "kafka://BROKER[,BROKER]/TOPIC (docs/kafka.md). Repeat for several.")
    private List<String> exports = new ArrayList<>();

    @Option(names = "--ipfix-flows", paramLabel = "bi|uni",
        description = "bi: one IPFIX biflow record per flow, the reverse direction in RFC 5103 elements, as nfdump " +
            "and Wireshark read them (default); uni: one record per direction, for collectors that ignore RFC 5103 " +
            "and would drop the reverse direction (pmacct nfacctd, goflow2, many SIEMs).")
    private IpfixFlows ipfixFlows = IpfixFlows.BI;

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

    @Option(names = "--kafka-value", paramLabel = "protobuf|json",
        description = "Kafka record values: one spillway.flow.v1.FlowRecord message (default) or one JSON line.")
    private String kafkaValue = KafkaOptions.Value.PROTOBUF.toString();

    @Option(names = "--kafka-buffer", paramLabel = "BYTES", converter = CountConverter.class,
        description = "Kafka producer buffer (buffer.memory), e.g. 32M (default), at least 1M. Records that find it " +
            "full, while the brokers are slow or down, are dropped and counted, never waited for.")
    private int kafkaBuffer = (int)KafkaOptions.DEFAULT_BUFFER_BYTES;

    @Option(names = "--kafka-compression", paramLabel = "CODEC",
        description = "Kafka compression.type: none, gzip, snappy, lz4 or zstd (default: ${DEFAULT-VALUE}).")
    private String kafkaCompression = KafkaOptions.DEFAULT_COMPRESSION;

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

    @Option(names = {"--device", "--nic"}, paramLabel = "NAME",
        description = "The device packets come through, by name: files (the default with -r), afpacket (the " +
            "default with -i), emulated (the emulated SmartNIC, a model of the NT200A02 flow manager, with -r; " +
            "docs/offload.md). Each device's own options are listed below.")
    private String device;

    @Option(names = "--offload", paramLabel = "DEVICE",
        description = "Hand flows to the device's flow table, which counts their later packets: the device's name " +
            "(emulated, with --nic emulated). A flow is offloaded once classified (see --dpi-until), or with " +
            "--no-dpi after --offload-after-packets of its packets.")
    private String offload;

    @Option(names = "--offload-after-packets", paramLabel = "N",
        description = "With --no-dpi, offload a flow once the host counted N of its packets (default: " +
            "${DEFAULT-VALUE}).")
    private int offloadAfterPackets = OffloadPolicy.DEFAULT_AFTER_PACKETS;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
        description = "Serve the run's counters to Prometheus at http://HOST:PORT/metrics from before the run until " +
            "its end (docs/metrics.md), e.g. 127.0.0.1:9464.")
    private String metrics;

    @Option(names = {"-q", "--quiet"}, description = "No progress line.")
    private boolean quiet;

    @Spec
    private CommandLine.Model.CommandSpec spec;

    private final DeviceOptions deviceOptions;
    private final PrintStream err = System.err;

    private ProbeCommand(final DeviceOptions deviceOptions)
    {
        this.deviceOptions = deviceOptions;
    }

    @Override
    public Integer call()
    {
        final ProbeConfig config;
        final DeviceProvider provider;
        final DeviceSpec deviceSpec;
        final ProbeCounters counters;
        try
        {
            if (idleTimeout <= 0 || activeTimeout <= 0)
            {
                throw new IllegalArgumentException("--idle-timeout and --active-timeout must be positive");
            }
            provider = provider();
            counters = new ProbeCounters(Counters.forQueues(queues));
            deviceSpec = deviceSpec(provider, counters.registry());
            config = ProbeConfig.defaults(queues).withMaxFlows(maxFlows)
                .withTimeouts(FlowTimeouts.ofSeconds(idleTimeout, activeTimeout))
                .withOffload(offload == null ? null :
                    new OffloadPolicy(offloadAfterPackets, OffloadAction.COUNT_AND_DROP))
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
        try
        {
            final IpfixOptions ipfix = IpfixOptions.DEFAULTS.withMtu(ipfixMtu)
                .withTemplateRefreshSeconds(templateRefresh)
                .withObservationDomainId(observationDomain)
                .withEnterpriseNumber(ipfixEnterprise)
                .withFlows(ipfixFlows)
                .withIgnoredPackets(counters::packetsNotAccounted);
            final KafkaOptions kafka = KafkaOptions.DEFAULTS.withValue(KafkaOptions.Value.parse(kafkaValue))
                .withBufferBytes(kafkaBuffer).withCompression(kafkaCompression);
            final List<String> targets = exports.isEmpty() ? List.of("json:-") : exports;
            for (final String target : targets)
            {
                exporters.add(Exporters.open(target, ipfix, kafka));
            }
            final ProbeResult result;
            // The endpoint is up before the device opens: a scrape sees every counter from 0, as registered.
            try (MetricsEndpoint endpoint = metrics == null ? null : MetricsEndpoint.start(metrics,
                    new CountersCollector(counters.registry(), targets));
                Probe probe = Probe.open(config, provider, deviceSpec, exporters, counters);
                StopOnSignal signals = StopOnSignal.install(probe, err))
            {
                if (!provider.readsStream())
                {
                    // As tcpdump says "listening on": the sockets are open, traffic from now on is seen.
                    err.printf("spillway: capturing on %s (device %s, %d queues); SIGINT or SIGTERM stops and " +
                        "exports every flow%n", String.join(", ", interfaces), provider.name(), queues);
                }
                final ProgressLine progress = !quiet && Boolean.getBoolean("spillway.stderr.tty") ?
                    new ProgressLine(err, counters) : null;
                result = probe.run(progress);
                if (progress != null)
                {
                    progress.clear();
                }
            }
            RunSummary.print(err, result, exporters);
            return result.problems().isEmpty() ? EXIT_OK : EXIT_DAMAGED_INPUT;
        }
        catch (final DeviceUnavailableException ex)
        {
            exporters.forEach(FlowExporter::close);
            return usageError(ex.getMessage());
        }
        catch (final IllegalArgumentException | UncheckedIOException ex)
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

    /** The device named by --device, else the one the inputs call for; --offload must name the same. */
    private DeviceProvider provider()
    {
        if (files.isEmpty() == interfaces.isEmpty())
        {
            throw new IllegalArgumentException(files.isEmpty() ?
                "nothing to read: give capture files (-r/--read FILE) or interfaces (-i IFACE)" :
                "read capture files (-r) or live interfaces (-i), not both in one run");
        }
        final String optionName = spec.commandLine().getParseResult().hasMatchedOption("--nic") ? "--nic" : "--device";
        final String name = device != null ? device : files.isEmpty() ? "afpacket" : "files";
        final DeviceProvider provider;
        try
        {
            provider = Devices.provider(name);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(ex.getMessage().replace("unknown device", "unknown " + optionName));
        }
        if (offload != null && !offload.equals(provider.name()))
        {
            throw new IllegalArgumentException("--offload " + offload + " needs --nic " + offload + " (--device " +
                offload + "): the device is both the receive path and the flow table");
        }
        if (offload != null && !provider.hasFlowTable())
        {
            throw new IllegalArgumentException("device '" + provider.name() + "' has no flow table to offload to");
        }
        if (provider.readsStream() == files.isEmpty())
        {
            throw new IllegalArgumentException("device '" + provider.name() + "' reads " +
                (provider.readsStream() ? "capture files (-r)" : "live interfaces (-i)"));
        }
        return provider;
    }

    private DeviceSpec deviceSpec(final DeviceProvider provider, final Counters registry)
    {
        final Map<String, String> options = deviceOptions.valuesFor(provider);
        DeviceSpec deviceSpec = DeviceSpec.of(queues, registry).withFiles(files).withInterfaces(interfaces);
        if (replaySpeed != null)
        {
            if (!provider.readsStream())
            {
                throw new IllegalArgumentException("--replay-speed paces capture files, not live interfaces");
            }
            deviceSpec = deviceSpec.withReplaySpeed(validSpeed(replaySpeed));
        }
        for (final Map.Entry<String, String> option : options.entrySet())
        {
            deviceSpec = deviceSpec.withOption(option.getKey(), option.getValue());
        }
        return deviceSpec;
    }

    private static double validSpeed(final double speed)
    {
        if (!(speed > 0) || Double.isInfinite(speed))
        {
            throw new IllegalArgumentException("--replay-speed must be a positive number, not " + speed);
        }
        return speed;
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

    /**
     * The command with Spillway's error conventions (usage errors exit with 2 and a one-line message) and the
     * options of every device backend on the class path.
     */
    public static CommandLine commandLine()
    {
        final DeviceOptions deviceOptions = new DeviceOptions(Devices.providers());
        final CommandLine commandLine = new CommandLine(new ProbeCommand(deviceOptions))
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setParameterExceptionHandler((ex, args) ->
            {
                final CommandLine cmd = ex.getCommandLine();
                cmd.getErr().println("spillway: " + ex.getMessage());
                cmd.getErr().println("Try 'spillway probe --help'.");
                return EXIT_USAGE;
            });
        deviceOptions.addTo(commandLine.getCommandSpec());
        return commandLine;
    }
}
