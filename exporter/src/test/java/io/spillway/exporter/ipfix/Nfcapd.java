package io.spillway.exporter.ipfix;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * nfcapd 1.7, a real IPFIX collector, listening on a free UDP port of 127.0.0.1, and nfdump to read back the flows
 * it stored. Files go to the test's directory.
 * <p>
 * What nfdump 1.7 keeps of a Spillway record: addresses, ports, protocol, forward packets and octets as "in",
 * the RFC 5103 reverse packets and octets (29305/2, 29305/1) as "out", forward TCP flags, the biflow's first and
 * last time, ingress interface and VLAN. For ICMP it shows type and code as the destination port.
 */
public final class Nfcapd implements AutoCloseable
{
    /** One flow as nfdump shows it; an ICMP flow's destination port is type * 256 + code. */
    public record Flow(
        long startMillis,
        long endMillis,
        int protocol,
        InetAddress source,
        InetAddress destination,
        int sourcePort,
        int destinationPort,
        long inPackets,
        long inBytes,
        long outPackets,
        long outBytes,
        String tcpFlags,
        long inputInterface,
        int sourceVlan)
    {
    }

    /** nfcapd's totals; {@code log} is all it printed. */
    public record Summary(long flows, long packets, long bytes, long sequenceErrors, long badPackets, String log)
    {
    }

    /** Socket buffer nfcapd asks for, so a burst on loopback does not overflow it. */
    private static final int SOCKET_BUFFER_BYTES = 8_000_000;
    private static final String FORMAT = "fmt:%ts|%te|%pr|%sa|%da|%sp|%dp|%ipkt|%ibyt|%opkt|%obyt|%flg|%in|%svln";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final String FLAG_LETTERS = "CEUAPRSF";
    /** nfcapd prints one such line per flow file it closes: at each rotation (every 5 minutes) and at exit. */
    private static final Pattern SUMMARY = Pattern.compile("Ident: .* Flows: (\\d+), Packets: (\\d+), " +
        "Bytes: (\\d+), Sequence Errors: (\\d+), Bad Packets: (\\d+)");

    private final Path dir;
    private final Path flowDir;
    private final int port;
    private final ExternalProcess process;

    private Nfcapd(final Path dir, final Path flowDir, final int port, final ExternalProcess process)
    {
        this.dir = dir;
        this.flowDir = flowDir;
        this.port = port;
        this.process = process;
    }

    /** Starts nfcapd and returns once it listens. */
    public static Nfcapd start(final Path dir) throws Exception
    {
        final Path flowDir = Files.createDirectories(dir.resolve("flows"));
        final int port = freeUdpPort();
        final ExternalProcess process = ExternalProcess.start(dir, "nfcapd", List.of("nfcapd", "-b", "127.0.0.1",
            "-p", Integer.toString(port), "-w", flowDir.toString(), "-B", Integer.toString(SOCKET_BUFFER_BYTES)));
        try
        {
            process.awaitStderr("Startup nfcapd", 20);
        }
        catch (final Throwable ex)
        {
            process.stop();
            throw ex;
        }
        return new Nfcapd(dir, flowDir, port, process);
    }

    public int port()
    {
        return port;
    }

    /**
     * Stops nfcapd, which closes its flow file.
     *
     * @return its own totals over every file it wrote: flows, packets, bytes, sequence errors, bad packets.
     */
    public Summary stop() throws Exception
    {
        process.stop();
        final String stderr = process.stderrText();
        long flows = 0;
        long packets = 0;
        long bytes = 0;
        long sequenceErrors = 0;
        long badPackets = 0;
        int files = 0;
        final Matcher matcher = SUMMARY.matcher(stderr);
        while (matcher.find())
        {
            flows += Long.parseLong(matcher.group(1));
            packets += Long.parseLong(matcher.group(2));
            bytes += Long.parseLong(matcher.group(3));
            sequenceErrors += Long.parseLong(matcher.group(4));
            badPackets += Long.parseLong(matcher.group(5));
            files++;
        }
        if (0 == files)
        {
            throw new AssertionError("nfcapd printed no summary: " + stderr);
        }
        return new Summary(flows, packets, bytes, sequenceErrors, badPackets, stderr);
    }

    /** Every flow nfcapd stored, read with nfdump, after {@link #stop()}. */
    public List<Flow> flows() throws Exception
    {
        final List<Path> files;
        try (Stream<Path> list = Files.list(flowDir))
        {
            files = list.filter((path) -> path.getFileName().toString().matches("nfcapd\\.\\d{12}")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "nfcapd wrote no flow file in " + flowDir);

        final List<Flow> flows = new ArrayList<>();
        for (final Path file : files)
        {
            // -6: IPv6 addresses in full; -N: numbers unscaled; -q: no header or summary.
            final String output = ExternalProcess.run(dir, "nfdump", List.of("nfdump", "-r", file.toString(), "-6",
                "-N", "-q", "-o", FORMAT));
            for (final String line : output.split("\n"))
            {
                if (!line.isBlank())
                {
                    flows.add(parse(line));
                }
            }
        }
        return flows;
    }

    /** TCP flag bits as nfdump writes them: "CEUAPRSF", a dot for each flag not set. */
    public static String flagLetters(final int bits)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < FLAG_LETTERS.length(); i++)
        {
            text.append(0 != (bits & (0x80 >> i)) ? FLAG_LETTERS.charAt(i) : '.');
        }
        return text.toString();
    }

    @Override
    public void close() throws Exception
    {
        process.stop();
    }

    private static Flow parse(final String line) throws Exception
    {
        final String[] column = line.split("\\|", -1);
        if (14 != column.length)
        {
            throw new AssertionError("unexpected nfdump line: " + line);
        }
        return new Flow(
            millis(column[0]),
            millis(column[1]),
            Integer.parseInt(column[2].trim()),
            InetAddress.getByName(column[3].trim()),
            InetAddress.getByName(column[4].trim()),
            Integer.parseInt(column[5].trim()),
            port(column[6].trim()),
            Long.parseLong(column[7].trim()),
            Long.parseLong(column[8].trim()),
            Long.parseLong(column[9].trim()),
            Long.parseLong(column[10].trim()),
            column[11].trim(),
            Long.parseLong(column[12].trim()),
            Integer.parseInt(column[13].trim()));
    }

    /** nfdump writes an ICMP flow's destination port as "type.code". */
    private static int port(final String text)
    {
        final int dot = text.indexOf('.');
        if (dot < 0)
        {
            return Integer.parseInt(text);
        }
        return Integer.parseInt(text.substring(0, dot)) << 8 | Integer.parseInt(text.substring(dot + 1));
    }

    /** nfdump prints local time; ExternalProcess runs it with TZ=UTC. */
    private static long millis(final String text)
    {
        return LocalDateTime.parse(text.trim(), TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static int freeUdpPort() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)))
        {
            return socket.getLocalPort();
        }
    }
}
