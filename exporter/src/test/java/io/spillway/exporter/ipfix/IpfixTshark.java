package io.spillway.exporter.ipfix;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Wireshark's IPFIX dissector (tshark 4.0) as an independent reader of an export: captures on loopback, the IPFIX
 * frames of a capture or an RFC 5655 file, and its malformed-packet and expert findings. Output goes to files in
 * the test's directory.
 */
public final class IpfixTshark
{
    /** Every template Spillway defines, in the order of its template message. */
    public static final String ALL_TEMPLATES = "256,257,258,259,260,261,262,263,264";
    /** Malformed packets, and expert findings of severity warning or error (sequence number analysis included). */
    public static final String PROBLEMS = "_ws.malformed || _ws.expert.severity >= 0x00600000";
    /**
     * The same, less what the kernel's TCP does on its own: flow control, retransmissions and the duplicate SACKs
     * they cause on a loaded machine. The exporter writes a byte stream; how the stack carries it is not its fault,
     * and the records themselves are checked against the collector.
     */
    public static final String TCP_PROBLEMS = "_ws.malformed || (_ws.expert.severity >= 0x00600000 && " +
        "!tcp.analysis.flags && !tcp.options.sack.dsack)";

    /**
     * One frame with IPFIX in it, as tshark decoded it.
     *
     * @param number      frame number.
     * @param flowRecords flow records decoded (each has a source address; the statistics record has none).
     * @param templateIds IDs of the templates the frame defines, comma separated; empty when none.
     * @param packets     sum of packetDeltaCount over its records, forward and reverse (tshark names both alike).
     * @param octets      sum of octetDeltaCount over its records, forward and reverse.
     */
    public record Frame(long number, int flowRecords, String templateIds, long packets, long octets)
    {
    }

    private final Path dir;

    /**
     * @param dir where tshark's output and captures go.
     */
    public IpfixTshark(final Path dir)
    {
        this.dir = dir;
    }

    /** tshark arguments that read {@code capture}, decoding {@code transport} ("udp", "tcp") {@code port} as IPFIX. */
    public static List<String> readExport(final Path capture, final String transport, final int port)
    {
        return List.of("-r", capture.toString(), "-d", transport + ".port==" + port + ",cflow");
    }

    /** tshark arguments that read an RFC 5655 file, which tshark recognises by itself. */
    public static List<String> readFile(final Path file)
    {
        return List.of("-r", file.toString());
    }

    /**
     * Starts capturing on loopback what {@code filter} selects into {@code file}; returns once packets are being
     * captured. Stop it with {@link ExternalProcess#stop()}, which must return true for the capture to be whole.
     */
    public ExternalProcess startLoopbackCapture(final String filter, final Path file) throws Exception
    {
        final ExternalProcess tshark = ExternalProcess.start(dir, "tshark-capture",
            List.of("tshark", "-i", "lo", "-f", filter, "-w", file.toString()));
        // "Capturing on" comes before dumpcap really captures; this line comes after.
        tshark.awaitStderr("Capture started", 30);
        return tshark;
    }

    /** Every frame of {@code input} with IPFIX in it, in order. */
    public List<Frame> frames(final List<String> input) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("tshark"));
        command.addAll(input);
        command.addAll(List.of("-Y", "cflow", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
            "-e", "frame.number", "-e", "cflow.srcaddr", "-e", "cflow.srcaddrv6", "-e", "cflow.template_id",
            "-e", "cflow.packets", "-e", "cflow.octets"));
        final List<Frame> frames = new ArrayList<>();
        for (final String line : ExternalProcess.run(dir, "tshark-fields", command).split("\n"))
        {
            if (!line.isEmpty())
            {
                final String[] column = line.split("\t", -1);
                frames.add(new Frame(Long.parseLong(column[0]), values(column[1]).size() + values(column[2]).size(),
                    column[3], sum(column[4]), sum(column[5])));
            }
        }
        return frames;
    }

    public static long flowRecords(final List<Frame> frames)
    {
        return frames.stream().mapToLong(Frame::flowRecords).sum();
    }

    /** Frame numbers and messages of every malformed packet, warning or error; empty when there is none. */
    public String problems(final List<String> input) throws Exception
    {
        return problems(input, PROBLEMS);
    }

    /** As {@link #problems(List)}, with another display filter, e.g. {@link #TCP_PROBLEMS}. */
    public String problems(final List<String> input, final String filter) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("tshark"));
        command.addAll(input);
        command.addAll(List.of("-Y", filter, "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message"));
        return ExternalProcess.run(dir, "tshark-problems", command).trim();
    }

    private static List<String> values(final String column)
    {
        return column.isEmpty() ? List.of() : List.of(column.split(","));
    }

    private static long sum(final String column)
    {
        long sum = 0;
        for (final String value : values(column))
        {
            sum += Long.parseLong(value);
        }
        return sum;
    }
}
