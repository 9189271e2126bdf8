package io.spillway.capture.reference;

import io.spillway.packet.LinkType;

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

    /**
     * Packets and frame bytes per unordered pair of outermost IP addresses ("4 a b" or "6 a b"), for
     * captures whose inner conversations tshark would otherwise count (tunnels).
     */
    public static Map<String, long[]> addressPairTotals(final Path capture)
    {
        final Map<String, long[]> result = new HashMap<>();
        for (final String line : ExternalTool.lines(List.of("tshark", "-n", "-r", capture.toString(),
            "-T", "fields", "-E", "separator=|", "-E", "occurrence=f",
            "-e", "frame.len", "-e", "frame.protocols", "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src",
            "-e", "ipv6.dst")))
        {
            final String[] f = line.split("\\|", -1);
            final String protocols = ":" + f[1] + ":";
            final int v4 = protocols.indexOf(":ip:");
            final int v6 = protocols.indexOf(":ipv6:");
            if (v4 < 0 && v6 < 0)
            {
                continue;
            }
            final boolean outerIsV4 = v4 >= 0 && (v6 < 0 || v4 < v6);
            final String key = outerIsV4 ? addressPair(4, f[2], f[3]) : addressPair(6, f[4], f[5]);
            final long[] totals = result.computeIfAbsent(key, k -> new long[2]);
            totals[0]++;
            totals[1] += Long.parseLong(f[0]);
        }
        return result;
    }

    /** The key {@link #addressPairTotals} uses. */
    public static String addressPair(final int version, final String a, final String b)
    {
        final Conversation c = Conversation.of(0, a, 0, b, 0);
        return version + " " + c.endpointA() + " " + c.endpointB();
    }

    /**
     * TCP and UDP packets and frame bytes per 5-tuple with IP reassembly off: a later fragment goes to the
     * ports of its first fragment (same addresses, protocol and IP id) when that came earlier, otherwise to
     * the layer-3 flow of its addresses and protocol (ports -1). This is the rule docs/architecture.md
     * documents, applied to tshark's reading of the packets.
     */
    public static Map<Conversation, long[]> fragmentAwareConversations(final Path capture)
    {
        final Map<Conversation, long[]> result = new HashMap<>();
        final Map<String, int[]> firstFragmentPorts = new HashMap<>();
        for (final String line : ExternalTool.lines(List.of("tshark", "-n", "-r", capture.toString(),
            "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
            "-T", "fields", "-E", "separator=|", "-E", "occurrence=f",
            "-e", "frame.len", "-e", "ip.src", "-e", "ip.dst", "-e", "ip.proto", "-e", "ip.id", "-e", "ip.flags.mf",
            "-e", "ip.frag_offset", "-e", "ipv6.src", "-e", "ipv6.dst", "-e", "ipv6.nxt", "-e", "ipv6.fraghdr.ident",
            "-e", "ipv6.fraghdr.offset", "-e", "ipv6.fraghdr.more", "-e", "ipv6.fraghdr.nxt",
            "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "udp.srcport", "-e", "udp.dstport")))
        {
            final String[] f = line.split("\\|", -1);
            final boolean v4 = !f[1].isEmpty();
            if (!v4 && f[7].isEmpty())
            {
                continue;
            }
            final String src = v4 ? f[1] : f[7];
            final String dst = v4 ? f[2] : f[8];
            final boolean fragment = v4 ? "1".equals(f[5]) || !"0".equals(f[6]) : !f[10].isEmpty();
            final String id = v4 ? f[4] : f[10];
            final boolean later = fragment && !"0".equals(v4 ? f[6] : f[11]);
            final int protocol = Integer.parseInt(v4 ? f[3] : (fragment ? f[13] : f[9]));
            if (protocol != 6 && protocol != 17)
            {
                continue;
            }
            final String fragmentKey = src + " " + dst + " " + protocol + " " + id;
            int[] ports = null;
            if (later)
            {
                ports = firstFragmentPorts.get(fragmentKey);
            }
            else
            {
                final String srcPort = protocol == 6 ? f[14] : f[16];
                final String dstPort = protocol == 6 ? f[15] : f[17];
                if (!srcPort.isEmpty())
                {
                    ports = new int[] {Integer.parseInt(srcPort), Integer.parseInt(dstPort)};
                    if (fragment)
                    {
                        firstFragmentPorts.put(fragmentKey, ports);
                    }
                }
            }
            final Conversation key = ports == null ? Conversation.of(protocol, src, -1, dst, -1) :
                Conversation.of(protocol, src, ports[0], dst, ports[1]);
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
            case LinkType.IEEE802_11 -> 20;
            case LinkType.IEEE802_11_RADIOTAP -> 23;
            case LinkType.PPI -> 97;
            case LinkType.ERF -> 98;
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
