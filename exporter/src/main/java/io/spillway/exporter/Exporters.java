package io.spillway.exporter;

import io.spillway.exporter.ipfix.FileTransport;
import io.spillway.exporter.ipfix.IpfixExporter;
import io.spillway.exporter.ipfix.IpfixOptions;
import io.spillway.exporter.ipfix.IpfixTemplates;
import io.spillway.exporter.ipfix.IpfixTransport;
import io.spillway.exporter.ipfix.TcpTransport;
import io.spillway.exporter.ipfix.UdpTransport;
import io.spillway.exporter.json.JsonLinesExporter;
import io.spillway.exporter.kafka.KafkaExporter;
import io.spillway.exporter.kafka.KafkaOptions;
import io.spillway.exporter.kafka.KafkaProducers;
import io.spillway.exporter.protobuf.ProtobufExporter;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;

import java.io.FileDescriptor;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Opens the {@link FlowExporter} an export target names.
 */
public final class Exporters
{
    private static final String STDOUT_NAME = "standard output";
    private static final Consumer<String> STDERR_LOG = (line) -> System.err.println("spillway: " + line);

    private Exporters()
    {
    }

    /**
     * Parses {@code spec} (see {@link ExportTarget}) and opens its exporter, IPFIX with {@link IpfixOptions#DEFAULTS}.
     *
     * @throws IllegalArgumentException when the spec is invalid or names something this build cannot use.
     * @throws UncheckedIOException     when the output cannot be opened (file permission denied, TCP collector down).
     */
    public static FlowExporter open(final String spec)
    {
        return open(ExportTarget.parse(spec), IpfixOptions.DEFAULTS);
    }

    /**
     * Parses {@code spec} (see {@link ExportTarget}) and opens its exporter; {@code ipfixOptions} apply to IPFIX.
     *
     * @throws IllegalArgumentException when the spec is invalid, its host does not resolve, or the MTU is too small.
     * @throws UncheckedIOException     when the output cannot be opened (file permission denied, TCP collector down).
     */
    public static FlowExporter open(final String spec, final IpfixOptions ipfixOptions)
    {
        return open(ExportTarget.parse(spec), ipfixOptions);
    }

    /**
     * Opens the exporter for {@code target} with {@link IpfixOptions#DEFAULTS}. A file is created, or truncated when
     * it exists.
     *
     * @throws IllegalArgumentException when the target names something this build cannot use.
     * @throws UncheckedIOException     when the output cannot be opened.
     */
    public static FlowExporter open(final ExportTarget target)
    {
        return open(target, IpfixOptions.DEFAULTS);
    }

    /**
     * Opens the exporter for {@code target}. A file is created, or truncated when it exists. An IPFIX collector is
     * resolved at once; a TCP collector must accept the first connection (later outages are survived, see
     * {@link TcpTransport}).
     *
     * @throws IllegalArgumentException when the target names something this build cannot use, its host does not
     *                                  resolve, or the MTU is too small for the largest record.
     * @throws UncheckedIOException     when the output cannot be opened (file permission denied, TCP collector down).
     */
    public static FlowExporter open(final ExportTarget target, final IpfixOptions ipfixOptions)
    {
        return open(target, ipfixOptions, KafkaOptions.DEFAULTS);
    }

    /**
     * Parses {@code spec} and opens its exporter; {@code ipfixOptions} apply to IPFIX, {@code kafkaOptions} to Kafka.
     *
     * @throws IllegalArgumentException when the spec is invalid or its collector or brokers cannot be reached.
     * @throws UncheckedIOException     when the output cannot be opened.
     */
    public static FlowExporter open(final String spec, final IpfixOptions ipfixOptions,
        final KafkaOptions kafkaOptions)
    {
        return open(ExportTarget.parse(spec), ipfixOptions, kafkaOptions);
    }

    /**
     * Opens the exporter for {@code target}; a Kafka target's brokers must answer and its topic have partitions
     * within {@link KafkaOptions#startTimeout()}.
     */
    public static FlowExporter open(final ExportTarget target, final IpfixOptions ipfixOptions,
        final KafkaOptions kafkaOptions)
    {
        return switch (target.format())
        {
            case JSON -> openJson(target);
            case IPFIX -> openIpfix(target, ipfixOptions, SystemEpochClock.INSTANCE, STDERR_LOG);
            case PROTOBUF -> openProtobuf(target, STDERR_LOG);
            case KAFKA -> openKafka(target, kafkaOptions, STDERR_LOG);
        };
    }

    /** Opens a Kafka exporter with a given sink for its log lines (tests use it). */
    public static KafkaExporter openKafka(final ExportTarget target, final KafkaOptions options,
        final Consumer<String> log)
    {
        if (ExportTarget.Format.KAFKA != target.format())
        {
            throw new IllegalArgumentException("export target '" + target + "' is not Kafka");
        }

        try
        {
            return new KafkaExporter(KafkaProducers.open(target, options, log), target.topic(), target.toString(),
                options, log);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("export target '" + target + "': " + ex.getMessage(), ex);
        }
    }

    /**
     * Opens a Protobuf exporter with a given sink for its log lines (tests use it). A TCP collector must accept the
     * connection at once.
     */
    public static ProtobufExporter openProtobuf(final ExportTarget target, final Consumer<String> log)
    {
        if (ExportTarget.Format.PROTOBUF != target.format())
        {
            throw new IllegalArgumentException("export target '" + target + "' is not Protobuf");
        }

        if (ExportTarget.Transport.FILE == target.transport())
        {
            checkWritableLocation(target, target.path());
        }

        try
        {
            return switch (target.transport())
            {
                case FILE -> ProtobufExporter.openFile(target.path(), log);
                case TCP -> ProtobufExporter.openTcp(
                    target.host(), target.port(), ProtobufExporter.DEFAULT_BUFFER_CAPACITY, log);
                case UDP, STDOUT, KAFKA -> throw new IllegalArgumentException("Protobuf has no " + target.transport() +
                    " transport");
            };
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("export target '" + target + "': " + ex.getMessage(), ex);
        }
        catch (final UncheckedIOException ex)
        {
            throw new UncheckedIOException("export target '" + target + "': " + ex.getMessage(), ex.getCause());
        }
    }

    /**
     * Opens an IPFIX exporter with a given clock and a given sink for its log lines (tests use both).
     */
    public static IpfixExporter openIpfix(
        final ExportTarget target, final IpfixOptions options, final EpochClock clock, final Consumer<String> log)
    {
        if (ExportTarget.Format.IPFIX != target.format())
        {
            throw new IllegalArgumentException("export target '" + target + "' is not IPFIX");
        }
        if (ExportTarget.Transport.FILE == target.transport())
        {
            checkWritableLocation(target, target.path());
        }

        final IpfixTransport transport;
        try
        {
            transport = switch (target.transport())
            {
                case UDP -> UdpTransport.open(target.host(), target.port(), options, IpfixExporter.minMessageLength(
                    new IpfixTemplates(options.enterpriseNumber(), options.flows())), clock, log);
                case TCP -> TcpTransport.open(target.host(), target.port(), options, clock, log);
                case FILE -> FileTransport.open(target.path(), clock, log);
                case STDOUT, KAFKA -> throw new IllegalArgumentException("IPFIX has no " + target.transport() +
                    " transport");
            };
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("export target '" + target + "': " + ex.getMessage(), ex);
        }
        catch (final UncheckedIOException ex)
        {
            throw new UncheckedIOException("export target '" + target + "': " + ex.getMessage(), ex.getCause());
        }

        try
        {
            return new IpfixExporter(transport, options, clock);
        }
        catch (final RuntimeException ex)
        {
            transport.close();
            throw ex;
        }
    }

    private static FlowExporter openJson(final ExportTarget target)
    {
        if (ExportTarget.Transport.STDOUT == target.transport())
        {
            // Straight to file descriptor 1: System.out is a PrintStream, which hides write errors such as EPIPE.
            return new JsonLinesExporter(new FileOutputStream(FileDescriptor.out), STDOUT_NAME, false);
        }

        final Path path = target.path();
        checkWritableLocation(target, path);
        try
        {
            return new JsonLinesExporter(new FileOutputStream(path.toFile()), path.toString(), true);
        }
        catch (final FileNotFoundException ex)
        {
            throw new UncheckedIOException("cannot open '" + path + "' for export target '" + target + "': " +
                ex.getMessage(), ex);
        }
    }

    private static void checkWritableLocation(final ExportTarget target, final Path path)
    {
        final Path parent = path.toAbsolutePath().getParent();
        if (null != parent && !Files.isDirectory(parent))
        {
            final String problem = Files.exists(parent) ?
                "'" + parent + "' is not a directory" : "directory '" + parent + "' does not exist";
            throw new IllegalArgumentException("export target '" + target + "': " + problem);
        }

        if (Files.isDirectory(path))
        {
            throw new IllegalArgumentException("export target '" + target + "': '" + path + "' is a directory");
        }
    }
}
