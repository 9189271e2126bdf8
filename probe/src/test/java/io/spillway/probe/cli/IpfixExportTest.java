package io.spillway.probe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.exporter.ipfix.ExternalProcess;
import io.spillway.exporter.ipfix.IpfixTshark;
import io.spillway.exporter.ipfix.Nfcapd;
import io.spillway.exporter.ipfix.TcpTestCollector;
import io.spillway.exporter.ipfix.UdpReceiver;
import io.spillway.capture.reference.TestCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IPFIX export of real captures, end to end: the probe command line with DPI on, read back by real collectors
 * (nfcapd and nfdump over UDP; Wireshark's dissector over UDP and TCP captured on loopback, and the RFC 5655 file),
 * each compared with the JSON lines of the same run.
 */
class IpfixExportTest
{
    /** IPv4 and IPv6; TCP, UDP, ICMP, ICMPv6, SCTP and IPv6-in-IPv4 (protocol 41, no ports); VLAN tagged frames. */
    static final List<String> CAPTURES = List.of("1kxun.pcap", "http_ipv6.pcap", "quic.pcap", "ssh.pcap",
        "dns_doh.pcap", "viber.pcap", "nintendo.pcap", "zoom.pcap", "sctp.cap", "6in4tunnel.pcap");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private String stderr;

    /**
     * nfdump 1.7 keeps a biflow record as one flow: the forward packetDeltaCount and octetDeltaCount as its "in"
     * packets and bytes, the RFC 5103 reverse ones (reversePacketDeltaCount, reverseOctetDeltaCount: 29305/2 and
     * 29305/1) as its "out" packets and bytes, the forward TCP flags, the biflow's first and last packet times, and
     * ICMP type and code as destination port. Its own totals (packets, bytes) count in and out.
     */
    @Test
    void nfdumpShowsTheFlowsOfTheJsonLinesOfTheSameRun() throws Exception
    {
        final Path json = dir.resolve("flows.jsonl");
        final Nfcapd.Summary summary;
        final List<Nfcapd.Flow> flows;
        try (Nfcapd nfcapd = Nfcapd.start(dir))
        {
            final int exit = run("--export", "json:" + json, "--export", "ipfix:udp://127.0.0.1:" + nfcapd.port());
            assertEquals(ProbeCommand.EXIT_OK, exit, stderr);
            // nfcapd may not have read the last datagrams yet when the probe returns.
            Thread.sleep(500);
            summary = nfcapd.stop();
            flows = nfcapd.flows();
        }
        final List<JsonNode> records = readJsonLines(json);
        assertCoversTheMix(records);

        // UDP cannot be paced from the command line: the probe's own count says no datagram was refused by the
        // kernel, nfcapd's sequence numbers say none was lost on the way, and the counts say none is missing.
        assertTrue(stderr.contains(exported(records.size())), stderr);
        assertEquals(0, summary.sequenceErrors(), summary.log());
        assertEquals(0, summary.badPackets(), summary.log());
        assertEquals(records.size(), summary.flows(), summary.log());
        assertEquals(sum(records, "packetDeltaCount") + sum(records, "reversePacketDeltaCount"), summary.packets());
        assertEquals(sum(records, "octetDeltaCount") + sum(records, "reverseOctetDeltaCount"), summary.bytes());

        final Map<String, JsonNode> byKey = new HashMap<>();
        for (final JsonNode record : records)
        {
            assertNull(byKey.put(key(record), record), "the key is unique: " + record);
        }
        assertEquals(records.size(), flows.size());
        for (final Nfcapd.Flow flow : flows)
        {
            // Finding the record checks protocol, addresses, ports and start time; the rest is compared here.
            final JsonNode record = byKey.remove(key(flow));
            assertNotNull(record, "nfdump shows a flow the JSON lines do not have: " + flow);
            final String where = flow + " vs " + record;
            assertEquals(number(record, "packetDeltaCount"), flow.inPackets(), where);
            assertEquals(number(record, "octetDeltaCount"), flow.inBytes(), where);
            assertEquals(number(record, "reversePacketDeltaCount"), flow.outPackets(), where);
            assertEquals(number(record, "reverseOctetDeltaCount"), flow.outBytes(), where);
            assertEquals(number(record, "flowEndMilliseconds"), flow.endMillis(), where);
            assertEquals(Nfcapd.flagLetters((int)number(record, "tcpControlBits")), flow.tcpFlags(), where);
            assertEquals(number(record, "ingressInterface"), flow.inputInterface(), where);
            assertEquals(number(record, "vlanId"), flow.sourceVlan(), where);
        }
        assertTrue(byKey.isEmpty(), "nfdump lacks " + byKey.size() + " flows: " + byKey.keySet());
    }

    @Test
    void tsharkDecodesEveryRecordOfTheUdpTcpAndFileExportsOfTheSameRun() throws Exception
    {
        final Path json = dir.resolve("flows.jsonl");
        final Path file = dir.resolve("flows.ipfix");
        final Path capture = dir.resolve("loopback.pcapng");
        final IpfixTshark tshark = new IpfixTshark(dir);
        final int udpPort;
        final int tcpPort;
        final int datagrams;
        final long tcpCollectorRecords;
        try (UdpReceiver udp = new UdpReceiver(); TcpTestCollector tcp = new TcpTestCollector(0))
        {
            udpPort = udp.port();
            tcpPort = tcp.port();
            final String filter = "udp port " + udpPort + " or tcp port " + tcpPort;
            try (ExternalProcess capturing = tshark.startLoopbackCapture(filter, capture))
            {
                final int exit = run("--export", "json:" + json, "--export", "ipfix:udp://127.0.0.1:" + udpPort,
                    "--export", "ipfix:tcp://127.0.0.1:" + tcpPort, "--export", "ipfix:file:" + file);
                assertEquals(ProbeCommand.EXIT_OK, exit, stderr);
                tcp.stop();
                // dumpcap writes what it captured when it is stopped; give it the last packets first.
                Thread.sleep(500);
                assertTrue(capturing.stop(), "tshark stopped on SIGTERM and wrote its capture: " +
                    capturing.stderrText());
            }
            datagrams = udp.datagrams().size();
            tcpCollectorRecords = tcp.flowRecords();
        }
        final List<JsonNode> records = readJsonLines(json);
        assertCoversTheMix(records);
        assertTrue(stderr.contains(exported(records.size())), stderr);
        assertEquals(records.size(), tcpCollectorRecords, "the TCP collector's own count");

        final List<IpfixTshark.Frame> fromFile = tshark.frames(IpfixTshark.readFile(file));
        assertSameRecords(records, fromFile, "file");
        assertEquals("", tshark.problems(IpfixTshark.readFile(file)), "file");

        final List<IpfixTshark.Frame> overUdp = tshark.frames(IpfixTshark.readExport(capture, "udp", udpPort));
        assertEquals(datagrams, overUdp.size(), "every datagram received was captured and is IPFIX");
        assertSameRecords(records, overUdp, "UDP");

        final List<IpfixTshark.Frame> overTcp = tshark.frames(IpfixTshark.readExport(capture, "tcp", tcpPort));
        assertSameRecords(records, overTcp, "TCP");

        // One capture holds both transports: the TCP filter ignores flow control, and is PROBLEMS for UDP frames.
        final List<String> both = List.of("-r", capture.toString(), "-d", "udp.port==" + udpPort + ",cflow",
            "-d", "tcp.port==" + tcpPort + ",cflow");
        assertEquals("", tshark.problems(both, IpfixTshark.TCP_PROBLEMS), "UDP and TCP");
    }

    /** Templates first, every flow record decoded, the same packets and octets as the JSON lines. */
    private static void assertSameRecords(
        final List<JsonNode> records, final List<IpfixTshark.Frame> frames, final String export)
    {
        assertFalse(frames.isEmpty(), export + ": tshark decoded nothing");
        assertEquals(IpfixTshark.ALL_TEMPLATES, frames.get(0).templateIds(), export + ": templates first");
        assertEquals(records.size(), IpfixTshark.flowRecords(frames), export + ": flow records");
        assertEquals(sum(records, "packetDeltaCount") + sum(records, "reversePacketDeltaCount"),
            frames.stream().mapToLong(IpfixTshark.Frame::packets).sum(), export + ": packets");
        assertEquals(sum(records, "octetDeltaCount") + sum(records, "reverseOctetDeltaCount"),
            frames.stream().mapToLong(IpfixTshark.Frame::octets).sum(), export + ": octets");
    }

    /** The captures still give what they were chosen for, so a clean comparison means something. */
    private static void assertCoversTheMix(final List<JsonNode> records)
    {
        final Set<Long> protocols = new TreeSet<>();
        final Set<Long> versions = new TreeSet<>();
        for (final JsonNode record : records)
        {
            protocols.add(number(record, "protocolIdentifier"));
            versions.add(number(record, "ipVersion"));
        }
        assertEquals(Set.of(1L, 6L, 17L, 41L, 58L, 132L), protocols);
        assertEquals(Set.of(4L, 6L), versions);
        assertTrue(records.stream().anyMatch((record) -> record.has("vlanId")), "a VLAN tagged flow");
        assertTrue(records.stream().anyMatch((record) -> record.has("applicationName")), "DPI is on");
    }

    private int run(final String... exports)
    {
        final List<String> args = new ArrayList<>(List.of("--queues", "2"));
        for (final String capture : CAPTURES)
        {
            args.add("-r");
            args.add(TestCaptures.file(capture).toString());
        }
        args.addAll(List.of(exports));

        final CommandRun run = CommandRun.of(args.toArray(new String[0]));
        stderr = run.stderr();
        return run.exit();
    }

    private static String exported(final int records)
    {
        return String.format(Locale.ROOT, "%,d records exported, 0 dropped", records);
    }

    private static List<JsonNode> readJsonLines(final Path json) throws Exception
    {
        final List<JsonNode> records = new ArrayList<>();
        for (final String line : Files.readAllLines(json, StandardCharsets.US_ASCII))
        {
            records.add(JSON.readTree(line));
        }
        assertTrue(records.size() > 100, "records: " + records.size());
        return records;
    }

    /** Protocol, addresses, ports (ICMP: 0 and type * 256 + code), start time: what tells flows apart. */
    private static String key(final JsonNode record) throws Exception
    {
        final boolean ipv6 = 6 == number(record, "ipVersion");
        final String source = record.get(ipv6 ? "sourceIPv6Address" : "sourceIPv4Address").asText();
        final String destination = record.get(ipv6 ? "destinationIPv6Address" : "destinationIPv4Address").asText();
        final long icmpTypeCode = number(record, "icmpTypeCodeIPv4") + number(record, "icmpTypeCodeIPv6");
        final long destinationPort = number(record, "destinationTransportPort") + icmpTypeCode;
        return key(number(record, "protocolIdentifier"), InetAddress.getByName(source),
            number(record, "sourceTransportPort"), InetAddress.getByName(destination), destinationPort,
            number(record, "flowStartMilliseconds"));
    }

    private static String key(final Nfcapd.Flow flow)
    {
        return key(flow.protocol(), flow.source(), flow.sourcePort(), flow.destination(), flow.destinationPort(),
            flow.startMillis());
    }

    private static String key(
        final long protocol,
        final InetAddress source,
        final long sourcePort,
        final InetAddress destination,
        final long destinationPort,
        final long startMillis)
    {
        return protocol + " " + source.getHostAddress() + " " + sourcePort + " " + destination.getHostAddress() +
            " " + destinationPort + " " + startMillis;
    }

    /** A numeric field; 0 when the record omits it (ports, VLAN, TCP flags: see docs/json.md). */
    private static long number(final JsonNode record, final String field)
    {
        final JsonNode value = record.get(field);
        return null == value ? 0 : value.asLong();
    }

    private static long sum(final List<JsonNode> records, final String field)
    {
        return records.stream().mapToLong((record) -> number(record, field)).sum();
    }
}
