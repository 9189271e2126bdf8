package io.spillway.exporter.ipfix;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * pmacct's nfacctd 1.7, a real IPFIX collector that ignores RFC 5103, listening on a free UDP port of 127.0.0.1
 * with its print plugin writing JSON lines to a file. Configuration, log and output go to the test's directory.
 * <p>
 * What nfacctd keeps of a record: addresses, ports, protocol, packetDeltaCount and octetDeltaCount, aggregated per
 * 5-tuple over every record with that 5-tuple. The reverse elements (29305/n) of a biflow record are skipped, so
 * the responder's direction of a biflow is lost.
 * <p>
 * Stopping sends SIGINT, on which nfacctd writes what its cache holds and exits; it did not act on SIGTERM. If it
 * will not stop, it is killed with its plugin process, a child of its own.
 */
public final class Nfacctd implements AutoCloseable
{
    /** Where Debian installs it: /usr/sbin, often not in a test's PATH. */
    public static final Path BINARY = Path.of("/usr/sbin/nfacctd");

    /** One line of the print plugin: the totals of one 5-tuple over the records of one cache purge. */
    public record Flow(
        InetAddress source, InetAddress destination, int sourcePort, int destinationPort, int protocol, long packets,
        long bytes)
    {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_MILLIS = 100;

    private final Path output;
    private final Path log;
    private final int port;
    private final Process process;

    private Nfacctd(final Path output, final Path log, final int port, final Process process)
    {
        this.output = output;
        this.log = log;
        this.port = port;
        this.process = process;
    }

    /** Whether nfacctd is installed (Debian package pmacct). */
    public static boolean isInstalled()
    {
        return Files.isExecutable(BINARY);
    }

    /** Starts nfacctd and returns once its collector and its print plugin are up. */
    public static Nfacctd start(final Path dir) throws Exception
    {
        final Path output = dir.resolve("nfacctd-flows.json");
        final Path log = dir.resolve("nfacctd.log");
        final Path config = dir.resolve("nfacctd.conf");
        final int port = freeUdpPort();
        // No print_history: without time bins a flow counts wherever its (years old) capture times fall. A purge
        // every second; appending, so no purge overwrites the lines of an earlier one.
        Files.writeString(config, String.join("\n",
            "daemonize: false",
            "nfacctd_ip: 127.0.0.1",
            "nfacctd_port: " + port,
            "nfacctd_pipe_size: 8000000",
            "logfile: " + log,
            "plugins: print",
            "aggregate: src_host, dst_host, src_port, dst_port, proto",
            "print_output: json",
            "print_output_file: " + output,
            "print_output_file_append: true",
            "print_refresh_time: 1",
            "print_num_protos: true",
            ""), StandardCharsets.US_ASCII);

        final Process process = new ProcessBuilder(BINARY.toString(), "-f", config.toString())
            .redirectOutput(dir.resolve("nfacctd.out").toFile())
            .redirectError(dir.resolve("nfacctd.err").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
        final Nfacctd nfacctd = new Nfacctd(output, log, port, process);
        try
        {
            nfacctd.awaitLog("waiting for NetFlow/IPFIX data on 127.0.0.1:" + port, 20);
            nfacctd.awaitLog("JSON: setting object handlers", 20);
        }
        catch (final Throwable ex)
        {
            nfacctd.close();
            throw ex;
        }
        return nfacctd;
    }

    public int port()
    {
        return port;
    }

    /**
     * Polls the output until {@code complete} accepts the lines written so far, or {@code seconds} have passed:
     * nfacctd writes at its next purge, up to a second after the records arrived. At the timeout it returns all
     * the same, so the caller's own comparison shows what is missing.
     */
    public void awaitFlows(final Predicate<List<Flow>> complete, final int seconds) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!complete.test(flows()))
        {
            if (!process.isAlive())
            {
                fail("nfacctd exited early: " + logText());
            }
            if (System.nanoTime() > deadline)
            {
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Every complete line of the output so far; after {@link #stop()}, all of it. */
    public List<Flow> flows() throws IOException
    {
        final List<Flow> flows = new ArrayList<>();
        if (!Files.exists(output))
        {
            return flows;
        }
        final String text = Files.readString(output, StandardCharsets.US_ASCII);
        // A purge may be under way: its last line is used once its newline is written.
        for (final String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n"))
        {
            if (!line.isBlank())
            {
                flows.add(parse(JSON.readTree(line)));
            }
        }
        return flows;
    }

    public String logText() throws IOException
    {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
    }

    /** SIGINT, which makes nfacctd write its cache and exit; killed with its plugin after 10 s. */
    public void stop() throws Exception
    {
        if (!process.isAlive())
        {
            return;
        }
        final List<ProcessHandle> children = process.descendants().toList();
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            children.forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // The plugin exits after the core; it must not outlive the test either.
        for (final ProcessHandle child : children)
        {
            try
            {
                child.onExit().get(5, TimeUnit.SECONDS);
            }
            catch (final TimeoutException ex)
            {
                child.destroyForcibly();
            }
        }
    }

    @Override
    public void close() throws Exception
    {
        stop();
    }

    private void awaitLog(final String text, final int seconds) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!logText().contains(text))
        {
            if (!process.isAlive())
            {
                fail("nfacctd exited early: " + logText());
            }
            if (System.nanoTime() > deadline)
            {
                fail("nfacctd did not log '" + text + "' in " + seconds + " s: " + logText());
            }
            Thread.sleep(20);
        }
    }

    private static Flow parse(final JsonNode line) throws IOException
    {
        return new Flow(
            InetAddress.getByName(line.get("ip_src").asText()),
            InetAddress.getByName(line.get("ip_dst").asText()),
            line.get("port_src").asInt(),
            line.get("port_dst").asInt(),
            Integer.parseInt(line.get("ip_proto").asText()),
            line.get("packets").asLong(),
            line.get("bytes").asLong());
    }

    private static int freeUdpPort() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)))
        {
            return socket.getLocalPort();
        }
    }
}
