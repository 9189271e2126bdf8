package io.spillway.probe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.capture.reference.TestCaptures;
import io.spillway.exporter.ipfix.Nfacctd;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * pmacct's nfacctd, a collector that ignores RFC 5103, reads the probe's IPFIX export of real captures: in uniflow
 * mode it counts every direction of every flow as the JSON lines of the same run do; in biflow mode it loses the
 * reverse directions, which is why uniflow mode exists.
 */
class NfacctdExportTest
{
    /** nfacctd purges every second; a few purges are enough on a slow machine. */
    private static final int FLUSH_SECONDS = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private String stderr;

    @BeforeEach
    void needsNfacctd()
    {
        assumeTrue(Nfacctd.isInstalled(), Nfacctd.BINARY + " is not installed: the nfacctd interoperability tests " +
            "need pmacct (apt-get install pmacct; ./spillway test installs it)");
    }

    @Test
    void nfacctdCountsBothDirectionsOfEveryFlowInUniflowMode() throws Exception
    {
        final Path json = dir.resolve("flows.jsonl");
        final Map<String, Counts> expected;
        final Map<String, Counts> collected;
        try (Nfacctd nfacctd = Nfacctd.start(dir))
        {
            final int exit = run("--ipfix-flows", "uni", "--export", "json:" + json,
                "--export", "ipfix:udp://127.0.0.1:" + nfacctd.port());
            assertEquals(ProbeCommand.EXIT_OK, exit, stderr);
            expected = directions(readJsonLines(json), true);
            nfacctd.awaitFlows((flows) -> expected.equals(byDirection(flows)), FLUSH_SECONDS);
            nfacctd.stop();
            collected = byDirection(nfacctd.flows());
            assertTrue(nfacctd.logText().contains("OK, Exiting"), nfacctd.logText());
        }

        assertTrue(expected.values().stream().anyMatch((counts) -> counts.packets() > 0), "flows were exported");
        // Whole maps compared: a direction missing, extra or miscounted shows with its 5-tuple.
        assertEquals(expected, collected);
    }

    @Test
    void nfacctdLosesTheReverseDirectionOfBiflows() throws Exception
    {
        final Path json = dir.resolve("flows.jsonl");
        final List<JsonNode> records;
        final Map<String, Counts> forward;
        final Map<String, Counts> collected;
        try (Nfacctd nfacctd = Nfacctd.start(dir))
        {
            final int exit = run("--ipfix-flows", "bi", "--export", "json:" + json,
                "--export", "ipfix:udp://127.0.0.1:" + nfacctd.port());
            assertEquals(ProbeCommand.EXIT_OK, exit, stderr);
            records = readJsonLines(json);
            forward = directions(records, false);
            nfacctd.awaitFlows((flows) -> forward.equals(byDirection(flows)), FLUSH_SECONDS);
            nfacctd.stop();
            collected = byDirection(nfacctd.flows());
        }

        final long jsonPackets = sum(records, "packetDeltaCount") + sum(records, "reversePacketDeltaCount");
        final long nfacctdPackets = collected.values().stream().mapToLong(Counts::packets).sum();
        assertTrue(nfacctdPackets < jsonPackets,
            "nfacctd counted " + nfacctdPackets + " packets of the " + jsonPackets + " the JSON lines have");
        // What it has is exactly the forward directions: the reverse elements were skipped, not misread.
        assertEquals(forward, collected);
    }

    /** Packets and octets of one direction of a 5-tuple. */
    private record Counts(long packets, long octets)
    {
        Counts plus(final long morePackets, final long moreOctets)
        {
            return new Counts(packets + morePackets, octets + moreOctets);
        }
    }

    /**
     * Per direction: the 5-tuple as the direction's packets carry it, to the sum of that direction's counts over
     * every record (an active timeout splits a flow; nfacctd adds them up too). Directions without packets are left
     * out: uniflow mode exports none for them, and nfacctd shows none.
     */
    private static Map<String, Counts> directions(final List<JsonNode> records, final boolean withReverse)
        throws Exception
    {
        final Map<String, Counts> directions = new TreeMap<>();
        for (final JsonNode record : records)
        {
            final boolean ipv6 = 6 == number(record, "ipVersion");
            final InetAddress source = InetAddress.getByName(
                record.get(ipv6 ? "sourceIPv6Address" : "sourceIPv4Address").asText());
            final InetAddress destination = InetAddress.getByName(
                record.get(ipv6 ? "destinationIPv6Address" : "destinationIPv4Address").asText());
            final long protocol = number(record, "protocolIdentifier");
            final long sourcePort = number(record, "sourceTransportPort");
            final long destinationPort = number(record, "destinationTransportPort");
            add(directions, key(source, sourcePort, destination, destinationPort, protocol),
                number(record, "packetDeltaCount"), number(record, "octetDeltaCount"));
            if (withReverse)
            {
                add(directions, key(destination, destinationPort, source, sourcePort, protocol),
                    number(record, "reversePacketDeltaCount"), number(record, "reverseOctetDeltaCount"));
            }
        }
        return directions;
    }

    private static Map<String, Counts> byDirection(final List<Nfacctd.Flow> flows)
    {
        final Map<String, Counts> directions = new TreeMap<>();
        for (final Nfacctd.Flow flow : flows)
        {
            add(directions, key(flow.source(), flow.sourcePort(), flow.destination(), flow.destinationPort(),
                flow.protocol()), flow.packets(), flow.bytes());
        }
        return directions;
    }

    private static void add(final Map<String, Counts> directions, final String key, final long packets,
        final long octets)
    {
        if (packets > 0)
        {
            directions.merge(key, new Counts(packets, octets), (a, b) -> a.plus(b.packets(), b.octets()));
        }
    }

    private static String key(
        final InetAddress source,
        final long sourcePort,
        final InetAddress destination,
        final long destinationPort,
        final long protocol)
    {
        return protocol + " " + source.getHostAddress() + " " + sourcePort + " > " + destination.getHostAddress() +
            " " + destinationPort;
    }

    private int run(final String... options)
    {
        final List<String> args = new ArrayList<>(List.of("--queues", "2"));
        for (final String capture : IpfixExportTest.CAPTURES)
        {
            args.add("-r");
            args.add(TestCaptures.file(capture).toString());
        }
        args.addAll(List.of(options));

        final CommandRun run = CommandRun.of(args.toArray(new String[0]));
        stderr = run.stderr();
        return run.exit();
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
