package io.spillway.probe.live;

import io.spillway.capture.live.NetNs;
import io.spillway.capture.live.Tcpreplay;
import io.spillway.capture.reference.Conversation;
import io.spillway.capture.reference.ExternalTool;
import io.spillway.capture.reference.TestCaptures;
import io.spillway.capture.reference.Tshark;
import io.spillway.probe.flow.FlowTimeouts;
import io.spillway.probe.flow.RecordedFlow;
import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeRuns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared captures replayed by tcpreplay into one end of a veth while the probe captures the other: what the probe
 * counts live, flow by flow, is what it counts reading the same file and what tshark counts. The files cover TCP
 * (TLS, HTTP, SSH), UDP (QUIC, STUN, SNMP, RTP, DNS), IPv6 (with and without flow labels, both directions
 * differing), VLAN tags (which the kernel takes off and the device puts back), pcapng, and frames above 1,514 bytes;
 * none has IP fragments or tunnels (see {@link #aFragmentedFlowMayBeTwoRecordsWithTwoWorkersYetItsTotalsStay}).
 * Timeouts are far longer than a run, so no flow expires on either clock: live timestamps are the replay's, not
 * the file's, and only packet order decides the records.
 */
@Tag("live")
class LiveReplayTest
{
    private static final String CAPTURE = "cap0";
    private static final String PEER = "peer0";
    /**
     * Replay rate. Each file fits in the kernel's ring several times over, so the rate tests delivery, not the
     * workers' speed; it is high enough that all the files together take about a second.
     */
    private static final int PACKETS_PER_SECOND = 10_000;
    /** Room for the captures' frames above 1,514 bytes (up to 3,633 here): tcpreplay cannot send them otherwise. */
    private static final String MTU = "9000";
    private static final FlowTimeouts NEVER = new FlowTimeouts(3_600_000, 3_600_000, 3_600_000, 1_000);
    private static final int MAX_FLOWS = 64 * 1024;
    private static final Duration ARRIVAL_TIMEOUT = Duration.ofSeconds(30);
    private static final String FRAGMENTED = "dns_fragmented.pcap";
    /** tcpreplay's own count of what it sent, e.g. "Actual: 109 packets (73982 bytes) sent in ...". */
    private static final Pattern SENT = Pattern.compile("Actual: (\\d+) packets");
    private static final Pattern FAILED = Pattern.compile("Failed packets:\\s+(\\d+)");
    /** Offline runs and tshark's tables by file, each computed once for both worker counts. */
    private static final Map<String, Offline> OFFLINE = new ConcurrentHashMap<>();

    private record Offline(ProbeRuns.Run run, Map<Conversation, Tshark.Totals> table, Map<Conversation, long[]> exact)
    {
        long packets()
        {
            return run.result().capture().packets();
        }
    }

    /** Packets, IP octets and layer-2 octets of one flow (its 5-tuple and VLAN), summed over its records. */
    private record Totals(long packets, long octets, long l2Octets)
    {
        Totals minus(final Totals other)
        {
            return new Totals(packets - other.packets, octets - other.octets, l2Octets - other.l2Octets);
        }
    }

    @AfterEach
    void nothingLeftBehind()
    {
        LiveChecks.assertNothingLeftBehind();
    }

    static Stream<Arguments> captures()
    {
        final List<String> files = List.of("443-curl.pcap", "http.pcapng", "ssh.pcap", "http_ipv6.pcap",
            "reddit.pcap", "quic-29.pcap", "youtube_quic.pcap", "snmp.pcap", "stun.pcap", "rtp.pcapng",
            "telegram.pcap", "dns.pcap");
        return files.stream().flatMap(file -> Stream.of(Arguments.of(file, 1), Arguments.of(file, 2)));
    }

    @ParameterizedTest(name = "{0}, {1} worker(s)")
    @MethodSource("captures")
    void perFlowTotalsEqualTheOfflineRunAndTsharkWithoutKernelDrops(final String name, final int workers)
    {
        final Offline offline = offline(name);
        final ProbeRuns.Run live = replay(name, workers, Map.of(), offline.packets());

        assertEquals(0, live.result().device().drops(), "kernel drops at " + PACKETS_PER_SECOND + " packets/s: " +
            live.result().device().summary());
        assertTrue(live.result().device().summary().contains(String.format(java.util.Locale.ROOT,
            "%s %,d packets received, 0 dropped by the kernel", CAPTURE, offline.packets())),
            live.result().device().summary());
        assertEquals(offline.packets(), live.result().capture().packets(), "packets the workers read");
        assertEquals(totals(offline.run().records()), totals(live.records()), name + ": per-flow totals, offline " +
            "(left) and live");
        assertAgreesWithTshark(name, live, offline);
        assertEquals(live.result().capture().accounted(), live.recordPackets(), "every accounted packet in a record");
        if (workers == 2)
        {
            final Map<String, Integer> records = recordsPerFlow(live.records());
            records.forEach((flow, count) -> assertEquals(1, count, name + ": " + flow + " has " + count +
                " records: its packets went to both workers"));
            if (records.size() >= 20)
            {
                assertTrue(live.result().queues().stream().allMatch(q -> q.flowsCreated() > 0),
                    "both workers have flows: " + live.result().queues());
            }
        }
    }

    /**
     * The kernel's fanout hash reads no ports from an IP fragment, not even from the first one, so it hashes a
     * fragment by its addresses and protocol only, while it hashes the flow's unfragmented packets by their ports
     * too: with two workers the fragments of a datagram can land on the other worker than the rest of their flow,
     * which then has two records, each counting part of it. The worker that gets the first fragment keys the later
     * ones by its ports, so no packet is lost or counted twice: the totals of every flow stay those of the file.
     * Which flows split depends on the kernel's hash seed, so the test says only that a flow with two records is one
     * with fragments.
     */
    @Test
    void aFragmentedFlowMayBeTwoRecordsWithTwoWorkersYetItsTotalsStay()
    {
        final Offline offline = offline(FRAGMENTED);
        final Map<String, Totals> fragments = laterFragments(TestCaptures.file(FRAGMENTED), 4);
        fragments.putAll(laterFragments(TestCaptures.file(FRAGMENTED), 6));
        assertEquals(7, fragments.size(), "flows with fragments in " + FRAGMENTED + ": " + fragments.keySet());

        final ProbeRuns.Run live = replay(FRAGMENTED, 2, Map.of(), offline.packets());

        assertEquals(0, live.result().device().drops());
        assertEquals(totals(offline.run().records()), totals(live.records()), "per-flow totals, offline and live");
        recordsPerFlow(live.records()).forEach((flow, count) ->
        {
            assertTrue(count <= 2, flow + ": " + count + " records");
            assertTrue(count == 1 || fragments.containsKey(flow), flow + " has no fragment, yet " + count +
                " records");
        });
    }

    /**
     * With {@code --fanout-defrag} the kernel reassembles IPv4 datagrams before it picks a worker: a reassembled
     * datagram reaches the workers as one packet, hashed with its ports, so every IPv4 flow is one record. It counts
     * one packet where the file has one per fragment, and its frame has one link header and one IP header where the
     * file's fragments have one each: the flow is short of the later fragments, their IP headers, and their link
     * headers. The kernel does not reassemble IPv6, so IPv6 flows count as without the option.
     */
    @Test
    void withFanoutDefragAReassembledIpv4DatagramIsOnePacketAndItsFlowOneRecord()
    {
        final Offline offline = offline(FRAGMENTED);
        final Map<String, Totals> v4 = laterFragments(TestCaptures.file(FRAGMENTED), 4);
        final long laterFragments = v4.values().stream().mapToLong(Totals::packets).sum();
        assertEquals(4, laterFragments, "IPv4 later fragments in " + FRAGMENTED + ": " + v4);

        final ProbeRuns.Run live = replay(FRAGMENTED, 2, Map.of("fanout-defrag", "true"),
            offline.packets() - laterFragments);

        assertEquals(0, live.result().device().drops());
        final Map<String, Totals> expected = new TreeMap<>();
        totals(offline.run().records()).forEach((flow, totals) ->
            expected.put(flow, v4.containsKey(flow) ? totals.minus(v4.get(flow)) : totals));
        assertEquals(expected, totals(live.records()), "offline totals less the later IPv4 fragments (left), live");
        final Map<String, Integer> records = recordsPerFlow(live.records());
        v4.keySet().forEach(flow -> assertEquals(1, records.get(flow), flow + ": reassembled, one worker"));
        records.forEach((flow, count) -> assertTrue(count <= 2, flow + ": " + count + " records"));
    }

    /** Replays {@code name} into the peer end while the probe captures the other, and stops once all arrived. */
    private static ProbeRuns.Run replay(final String name, final int workers, final Map<String, String> options,
        final long expectedPackets)
    {
        Tcpreplay.requireInstalled();
        final Path capture = TestCaptures.file(name);
        final ProbeConfig config = ProbeConfig.defaults(workers).withTimeouts(NEVER).withMaxFlows(MAX_FLOWS);
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER))
        {
            ns.ip("link", "set", "dev", CAPTURE, "mtu", MTU);
            ns.ip("link", "set", "dev", PEER, "mtu", MTU);
            try (LiveProbe probe = LiveProbe.start(ns, config, List.of(CAPTURE), options))
            {
                final String report = ns.exec("tcpreplay", "-q", "-i", PEER, "--pps=" + PACKETS_PER_SECOND,
                    capture.toAbsolutePath().toString());
                assertEquals(0, number(FAILED, report), "tcpreplay could not send some frames:\n" + report);
                assertEquals(offline(name).packets(), number(SENT, report), "frames tcpreplay sent:\n" + report);
                probe.awaitPackets(expectedPackets, ARRIVAL_TIMEOUT);
                final ProbeRuns.Run run = probe.stop();
                assertEquals(expectedPackets, run.result().capture().packets(), "packets the workers read");
                return run;
            }
        }
    }

    private static Offline offline(final String name)
    {
        return OFFLINE.computeIfAbsent(name, file ->
        {
            final Path capture = TestCaptures.file(file);
            final ProbeRuns.Run run = ProbeRuns.run(ProbeConfig.defaults(1).withTimeouts(NEVER)
                .withMaxFlows(MAX_FLOWS), capture);
            return new Offline(run, Tshark.conversations(capture), Tshark.packetTotals(capture));
        });
    }

    /** Per-conversation packets equal tshark's table, and bytes its per-frame sums, as for the offline run. */
    private static void assertAgreesWithTshark(final String name, final ProbeRuns.Run live, final Offline offline)
    {
        final Map<Conversation, long[]> ours = live.conversations();
        final TreeSet<Conversation> all = new TreeSet<>(Comparator.comparing(Conversation::toString));
        all.addAll(offline.table().keySet());
        all.addAll(ours.keySet());
        final List<String> differences = new ArrayList<>();
        for (final Conversation c : all)
        {
            final Tshark.Totals reference = offline.table().get(c);
            final long[] mine = ours.get(c);
            final long[] bytes = offline.exact().get(c);
            if (reference == null || mine == null || bytes == null)
            {
                differences.add(c + ": " + (reference == null ? "not in tshark's table" : "no live record"));
            }
            else if (reference.frames() != mine[0] || bytes[1] != mine[1])
            {
                differences.add(c + ": tshark " + reference.frames() + " packets " + bytes[1] + " bytes, live " +
                    mine[0] + " packets " + mine[1] + " bytes");
            }
        }
        assertTrue(differences.isEmpty(), name + ":\n  " + String.join("\n  ", differences));
        assertFalse(all.isEmpty(), name + " has conversations");
    }

    private static Map<String, Totals> totals(final List<RecordedFlow> records)
    {
        final Map<String, Totals> totals = new TreeMap<>();
        for (final RecordedFlow r : records)
        {
            totals.merge(flow(r.protocol(), r.src(), r.srcPort(), r.dst(), r.dstPort(), r.vlanId()),
                new Totals(r.packets(), r.fwdOctets() + r.revOctets(), r.l2Octets()),
                (a, b) -> new Totals(a.packets + b.packets, a.octets + b.octets, a.l2Octets + b.l2Octets));
        }
        return totals;
    }

    private static Map<String, Integer> recordsPerFlow(final List<RecordedFlow> records)
    {
        final Map<String, Integer> counts = new TreeMap<>();
        for (final RecordedFlow r : records)
        {
            counts.merge(flow(r.protocol(), r.src(), r.srcPort(), r.dst(), r.dstPort(), r.vlanId()), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * The later fragments (offset above 0) of IP version {@code version} in {@code capture}, as tshark reads them
     * without reassembly, per flow of their first fragment: how many, their IP headers, and their link overhead plus
     * IP header (frame length less IP payload), which is what a reassembled datagram no longer carries.
     */
    private static Map<String, Totals> laterFragments(final Path capture, final int version)
    {
        final boolean v4 = version == 4;
        final List<String> fields = v4 ?
            List.of("frame.len", "ip.src", "ip.dst", "ip.proto", "ip.id", "ip.frag_offset", "ip.len", "ip.hdr_len",
                "udp.srcport", "udp.dstport") :
            List.of("frame.len", "ipv6.src", "ipv6.dst", "ipv6.fraghdr.nxt", "ipv6.fraghdr.ident",
                "ipv6.fraghdr.offset", "ipv6.plen", "ipv6.plen", "udp.srcport", "udp.dstport");
        final List<String> command = new ArrayList<>(List.of("tshark", "-n", "-r", capture.toString(),
            "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE", "-Y", v4 ?
                "ip.flags.mf == 1 || ip.frag_offset > 0" : "ipv6.fraghdr", "-T", "fields", "-E", "separator=|",
            "-E", "occurrence=f"));
        for (final String field : fields)
        {
            command.addAll(List.of("-e", field));
        }
        final Map<String, String> flowOfDatagram = new HashMap<>();
        final Map<String, Totals> later = new TreeMap<>();
        for (final String line : ExternalTool.lines(command))
        {
            final String[] f = line.split("\\|", -1);
            final String datagram = f[1] + " " + f[2] + " " + f[3] + " " + f[4];
            if (Integer.parseInt(f[5]) == 0)
            {
                flowOfDatagram.put(datagram, flow(Integer.parseInt(f[3]), f[1], Integer.parseInt(f[8]), f[2],
                    Integer.parseInt(f[9]), 0));
                continue;
            }
            final String flow = flowOfDatagram.get(datagram);
            assertTrue(flow != null, "a later fragment before its first: " + line);
            final long frame = Long.parseLong(f[0]);
            final long header = v4 ? Long.parseLong(f[7]) : 0;
            final long ipLength = v4 ? Long.parseLong(f[6]) : 0;
            later.merge(flow, new Totals(1, header, frame - ipLength + header),
                (a, b) -> new Totals(a.packets + b.packets, a.octets + b.octets, a.l2Octets + b.l2Octets));
        }
        return later;
    }

    /** A flow as the probe keys it: protocol, both endpoints in a canonical order, VLAN. */
    private static String flow(final int protocol, final String src, final int srcPort, final String dst,
        final int dstPort, final int vlan)
    {
        final String a = canonical(src) + "/" + srcPort;
        final String b = canonical(dst) + "/" + dstPort;
        return protocol + " " + (a.compareTo(b) <= 0 ? a + " " + b : b + " " + a) + " vlan " + vlan;
    }

    private static String canonical(final String address)
    {
        try
        {
            return InetAddress.getByName(address).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("not an address: " + address, ex);
        }
    }

    private static long number(final Pattern pattern, final String text)
    {
        final Matcher m = pattern.matcher(text);
        assertTrue(m.find(), pattern + " in:\n" + text);
        return Long.parseLong(m.group(1));
    }
}
