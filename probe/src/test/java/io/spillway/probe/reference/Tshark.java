package io.spillway.probe.reference;

import io.spillway.probe.capture.LinkType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tshark as the independent reference: per-frame facts for the capture readers, and per-conversation packets
 * and bytes for the flow cache.
 * <p>
 * Frames come from its conversation table ({@code -q -z conv,tcp -z conv,udp}). tshark 4.0 rounds
 * the bytes column above 10 kB ("178 kB"), so exact bytes come from its per-packet fields (frame
 * length and the first, outermost, addresses and ports of each packet) summed per conversation;
 * the test also checks that sum against every unrounded bytes column.
 */
public final class Tshark
{
    /** Frames and bytes of one conversation; {@code tableBytes} is -1 when the table rounded it. */
    public record Totals(long frames, long tableBytes)
    {
    }

    /** A frame as tshark sees it; {@code encapsulation} is Wireshark's number, see {@link #encapsulationOf}. */
    public record Frame(int capturedLength, int wireLength, long timestampNanos, int encapsulation, int interfaceId)
    {
    }

    private static final Pattern ROW = Pattern.compile(
        "^(\\S+):(\\d+)\\s+<->\\s+(\\S+):(\\d+)\\s+(\\d+)\\s+\\S+ \\S+\\s+(\\d+)\\s+\\S+ \\S+\\s+(\\d+)\\s+(\\d+) (\\S+)\\s.*");

    private Tshark()
    {
    }

    /** tshark's TCP and UDP conversation table. */
    public static Map<Conversation, Totals> conversations(final Path capture)
    {
        final Map<Conversation, Totals> result = new HashMap<>();
        int protocol = 0;
        for (final String line : ExternalTool.lines(List.of("tshark", "-n", "-r", capture.toString(), "-q",
            "-z", "conv,tcp", "-z", "conv,udp")))
        {
            if (line.startsWith("TCP Conversations"))
            {
                protocol = 6;
                continue;
            }
            if (line.startsWith("UDP Conversations"))
            {
                protocol = 17;
                continue;
            }
            final Matcher m = ROW.matcher(line.trim());
            if (protocol != 0 && m.matches())
            {
                final Conversation key = Conversation.of(protocol, m.group(1), Integer.parseInt(m.group(2)),
                    m.group(3), Integer.parseInt(m.group(4)));
                final long frames = Long.parseLong(m.group(7));
                final long bytes = m.group(9).equals("bytes") ? Long.parseLong(m.group(8)) : -1;
                result.merge(key, new Totals(frames, bytes),
                    (x, y) -> new Totals(x.frames() + y.frames(), x.tableBytes() < 0 || y.tableBytes() < 0 ? -1 :
                        x.tableBytes() + y.tableBytes()));
            }
        }
        return result;
    }

    /**
     * Exact bytes per conversation: tshark's frame lengths summed over the packets whose first
     * (outermost) transport header is TCP or UDP.
     */
    public static Map<Conversation, long[]> packetTotals(final Path capture)
    {
        final Map<Conversation, long[]> result = new HashMap<>();
        for (final String line : ExternalTool.lines(List.of("tshark", "-n", "-r", capture.toString(),
            "-T", "fields", "-E", "separator=|", "-E", "occurrence=f",
            "-e", "frame.len", "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src", "-e", "ipv6.dst",
            "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport")))
        {
            final String[] f = line.split("\\|", -1);
            final boolean v4 = !f[1].isEmpty();
            final String src = v4 ? f[1] : f[3];
            final String dst = v4 ? f[2] : f[4];
            final boolean tcp = !f[5].isEmpty();
            final boolean udp = !f[7].isEmpty();
            if (src.isEmpty() || (!tcp && !udp))
            {
                continue;
            }
            final Conversation key = tcp ?
                Conversation.of(6, src, Integer.parseInt(f[5]), dst, Integer.parseInt(f[6])) :
                Conversation.of(17, src, Integer.parseInt(f[7]), dst, Integer.parseInt(f[8]));
            final long[] totals = result.computeIfAbsent(key, k -> new long[2]);
            totals[0]++;
            totals[1] += Long.parseLong(f[0]);
        }
        return result;
    }

    /** What tshark reports for every frame of a capture: lengths, exact timestamp, encapsulation, interface. */
    public static List<Frame> frames(final Path file)
    {
        final List<Frame> frames = new ArrayList<>();
        for (final String line : ExternalTool.lines(List.of("tshark", "-n", "-r", file.toString(), "-T", "fields",
            "-e", "frame.cap_len", "-e", "frame.len", "-e", "frame.time_epoch", "-e", "frame.interface_id",
            "-e", "frame.encap_type")))
        {
            frames.add(parse(file, line));
        }
        return frames;
    }

    /** Parses tshark's frame.time_epoch, e.g. "1559207465.138576000", into nanoseconds without rounding. */
    public static long epochNanos(final String text)
    {
        final boolean negative = text.startsWith("-");
        final String unsigned = negative ? text.substring(1) : text;
        final int dot = unsigned.indexOf('.');
        final String seconds = dot < 0 ? unsigned : unsigned.substring(0, dot);
        final String fraction = dot < 0 ? "" : unsigned.substring(dot + 1);
        if (fraction.length() > 9)
        {
            throw new IllegalArgumentException("finer than a nanosecond: " + text);
        }
        final long nanos = Long.parseLong(seconds) * 1_000_000_000L +
            (fraction.isEmpty() ? 0 : Long.parseLong(fraction + "0".repeat(9 - fraction.length())));
        return negative ? -nanos : nanos;
    }

    /**
     * The Wireshark encapsulation number (wiretap WTAP_ENCAP_*) tshark reports for a LINKTYPE_* value. The map
     * goes this way because several link types share one encapsulation (all three RAW values, both PPP values).
     */
    public static int encapsulationOf(final int linkType)
    {
        return switch (linkType)
        {
            case LinkType.NULL -> 15;
            case LinkType.ETHERNET -> 1;
            case LinkType.PPP, LinkType.PPP_HDLC -> 4;
            case LinkType.RAW_OPENBSD, LinkType.RAW_BSD, LinkType.RAW -> 7;
            case LinkType.C_HDLC -> 28;
            case LinkType.LOOP -> 174;
            case LinkType.LINUX_SLL -> 25;
            case LinkType.IPV4 -> 129;
            case LinkType.IPV6 -> 130;
            case LinkType.LINUX_SLL2 -> 210;
            default -> throw new IllegalArgumentException("Wireshark encapsulation of link type " + linkType +
                " not known; add it to Tshark.encapsulationOf");
        };
    }

    private static Frame parse(final Path file, final String line)
    {
        final String[] fields = line.split("\t", -1);
        if (fields.length != 5)
        {
            throw new AssertionError("unexpected tshark line for " + file + ": " + line);
        }
        return new Frame(
            Integer.parseInt(fields[0]),
            Integer.parseInt(fields[1]),
            epochNanos(fields[2]),
            Integer.parseInt(fields[4]),
            fields[3].isEmpty() ? 0 : Integer.parseInt(fields[3]));
    }
}
