package io.spillway.probe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.spillway.capture.reference.TestCaptures;
import io.spillway.exporter.kafka.KafkaTestBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka export of real captures, end to end against a real KRaft broker in this JVM: the probe command line
 * with DPI on exports {@code --export kafka://BROKER/TOPIC} and JSON lines in one run; every Kafka record, decoded
 * with the generated classes (or read as JSON), equals one JSON line of the run and each line has one record; all
 * records of a flow share a partition, in the order the probe exported them.
 */
class KafkaExportTest
{
    /** IPv4 and IPv6; TCP, UDP, ICMP, ICMPv6, SCTP, IPv6-in-IPv4; VLAN tags; DPI names and server names. */
    private static final List<String> CAPTURES = List.of("1kxun.pcap", "http_ipv6.pcap", "quic.pcap", "ssh.pcap",
        "dns_doh.pcap", "viber.pcap", "nintendo.pcap", "zoom.pcap", "sctp.cap", "6in4tunnel.pcap");
    private static final int PARTITIONS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROTO_ROOT =
        Path.of(System.getProperty("user.dir")).resolveSibling("exporter/src/main/proto");
    private static KafkaTestBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception
    {
        broker = KafkaTestBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception
    {
        broker.close();
    }

    @Test
    void protobufValuesDecodeToTheJsonLinesOfTheSameRun() throws Exception
    {
        broker.createTopic("flows-pb", PARTITIONS);
        final List<JsonNode> lines = run("flows-pb", "protobuf");
        final List<Map<String, String>> expected = new ArrayList<>();
        for (final JsonNode line : lines)
        {
            expected.add(comparable(line));
        }

        final List<ConsumerRecord<byte[], byte[]>> received =
            broker.consume("flows-pb", PARTITIONS, lines.size(), Duration.ofSeconds(60));
        final List<Map<String, String>> decoded = new ArrayList<>();
        for (final ConsumerRecord<byte[], byte[]> record : received)
        {
            decoded.add(comparable(io.spillway.flow.v1.FlowRecord.parseFrom(record.value())));
        }
        assertMatchesInOrderPerPartition(expected, received, decoded);
        assertKcatAndProtocDecode("flows-pb", received);
    }

    @Test
    void jsonValuesAreTheJsonLinesOfTheSameRun() throws Exception
    {
        broker.createTopic("flows-json", PARTITIONS);
        final List<JsonNode> lines = run("flows-json", "json");
        final List<Map<String, String>> expected = new ArrayList<>();
        for (final JsonNode line : lines)
        {
            expected.add(comparable(line));
        }

        final List<ConsumerRecord<byte[], byte[]>> received =
            broker.consume("flows-json", PARTITIONS, lines.size(), Duration.ofSeconds(60));
        final List<Map<String, String>> values = new ArrayList<>();
        for (final ConsumerRecord<byte[], byte[]> record : received)
        {
            values.add(comparable(JSON.readTree(new String(record.value(), StandardCharsets.UTF_8))));
        }
        assertMatchesInOrderPerPartition(expected, received, values);
    }

    /**
     * A paced run (nintendo.pcap, 28 s of traffic, at 4 times its pace, a record per active flow each second) loses
     * its broker after 2 s; the probe goes on without waiting for it, and at the end gives up on what the broker
     * never took, after the close bound. Once the broker is back, the topic holds exactly what the summary counts
     * as delivered, and delivered + dropped = produced = the JSON lines of the run.
     */
    @Test
    void aBrokerLostMidRunEndsAsCountedDropsAndTheTopicHoldsTheDelivered() throws Exception
    {
        broker.createTopic("flows-outage", PARTITIONS);
        final Path json = dir.resolve("outage.jsonl");
        final CommandRun[] run = new CommandRun[1];
        final Thread probe = new Thread(() -> run[0] = CommandRun.of("-r", TestCaptures.file("nintendo.pcap").toString(),
            "--replay-speed", "4", "--active-timeout", "1", "--no-dpi", "--queues", "2", "--export", "json:" + json,
            "--export", "kafka://" + broker.bootstrapServers() + "/flows-outage"));
        probe.start();
        Thread.sleep(2_000);
        broker.stopBroker();
        probe.join(60_000);
        broker.startBrokerAgain();
        assertTrue(null != run[0], "the probe ended");
        assertEquals(ProbeCommand.EXIT_OK, run[0].exit(), run[0].stderr());

        final java.util.regex.Matcher counts = java.util.regex.Pattern
            .compile("produced (\\d+), delivered (\\d+), dropped (\\d+)").matcher(run[0].stderr());
        assertTrue(counts.find(), run[0].stderr());
        final long produced = Long.parseLong(counts.group(1));
        final long delivered = Long.parseLong(counts.group(2));
        final long dropped = Long.parseLong(counts.group(3));
        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : Files.readAllLines(json, StandardCharsets.US_ASCII))
        {
            lines.add(JSON.readTree(line));
        }
        final List<ConsumerRecord<byte[], byte[]>> received =
            broker.consume("flows-outage", PARTITIONS, delivered, Duration.ofSeconds(60));
        System.out.printf("kafka outage: %d records produced, %d delivered, %d dropped, %d in the topic%n",
            produced, delivered, dropped, received.size());
        assertEquals(lines.size(), produced, "every record of the run went to the Kafka exporter");
        assertEquals(produced, delivered + dropped, run[0].stderr());
        assertTrue(delivered > 0 && dropped > 0, "records before and after the broker went: " + run[0].stderr());
        assertEquals(delivered, received.size(), "the topic holds the delivered records");
        assertTrue(run[0].stderr().contains(dropped + " dropped"), "in the export line: " + run[0].stderr());

        final Set<Map<String, String>> expected = new HashSet<>();
        for (final JsonNode line : lines)
        {
            expected.add(comparable(line));
        }
        for (final ConsumerRecord<byte[], byte[]> record : received)
        {
            assertTrue(expected.contains(comparable(io.spillway.flow.v1.FlowRecord.parseFrom(record.value()))),
                "a record of the run");
        }
    }

    @Test
    void aBrokerNotThereAtStartIsAUsageErrorNamingIt() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final CommandRun run = CommandRun.of("-r", TestCaptures.file("ssh.pcap").toString(), "--no-dpi",
            "--export", "kafka://127.0.0.1:" + port + "/flows");
        assertEquals(ProbeCommand.EXIT_USAGE, run.exit(), run.stderr());
        assertTrue(run.stderr().contains("127.0.0.1:" + port), run.stderr());
        assertTrue(run.stderr().contains("no Kafka broker answered"), run.stderr());
    }

    /**
     * The consumer pipeline of docs/kafka.md: kcat prints the first value of partition 0 raw, Debian's protoc decodes
     * it with the schema, and the fields it prints are those of the record decoded here.
     */
    private static void assertKcatAndProtocDecode(final String topic,
        final List<ConsumerRecord<byte[], byte[]>> received) throws Exception
    {
        final ConsumerRecord<byte[], byte[]> first = received.stream().filter((r) -> r.partition() == 0)
            .min((a, b) -> Long.compare(a.offset(), b.offset())).orElseThrow();
        final String command = "kcat -C -b " + broker.bootstrapServers() + " -t " + topic +
            " -p 0 -o beginning -c 1 -e -q -f '%s' | protoc --decode=spillway.flow.v1.FlowRecord --proto_path=" +
            PROTO_ROOT + " spillway/flow/v1/flow.proto";
        final Process shell = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        final String output = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(shell.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "kcat | protoc finished");
        assertEquals(0, shell.exitValue(), command + "\n" + output);

        final io.spillway.flow.v1.FlowRecord message = io.spillway.flow.v1.FlowRecord.parseFrom(first.value());
        final Set<String> printed = new HashSet<>();
        for (final String line : output.strip().split("\n"))
        {
            printed.add(line.substring(0, line.indexOf(':')));
        }
        final Set<String> fields = new HashSet<>();
        message.getAllFields().keySet().forEach((field) -> fields.add(field.getName()));
        assertEquals(fields, printed, output);
        assertTrue(output.contains("packet_delta_count: " + message.getPacketDeltaCount()), output);
    }

    /** Runs the probe on CAPTURES to JSON lines and the topic; returns the lines. */
    private List<JsonNode> run(final String topic, final String value) throws Exception
    {
        final Path json = dir.resolve("flows.jsonl");
        // A 1 s active timeout cuts the longer flows into several records, which must share a partition.
        final List<String> args = new ArrayList<>(List.of("--queues", "2", "--active-timeout", "1"));
        for (final String capture : CAPTURES)
        {
            args.add("-r");
            args.add(TestCaptures.file(capture).toString());
        }
        args.addAll(List.of("--export", "json:" + json, "--export",
            "kafka://" + broker.bootstrapServers() + "/" + topic, "--kafka-value", value));
        final CommandRun run = CommandRun.of(args.toArray(new String[0]));
        assertEquals(ProbeCommand.EXIT_OK, run.exit(), run.stderr());

        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : Files.readAllLines(json, StandardCharsets.US_ASCII))
        {
            lines.add(JSON.readTree(line));
        }
        assertTrue(lines.size() > 100, "records: " + lines.size());
        assertTrue(lines.stream().anyMatch((line) -> line.has("serverName")), "DPI found server names");
        assertTrue(lines.stream().anyMatch((line) -> line.has("sourceIPv6Address")), "IPv6 flows");
        final int n = lines.size();
        assertTrue(run.stderr().contains("produced " + n + ", delivered " + n + ", dropped 0"), run.stderr());
        return lines;
    }

    /**
     * Each received record is one JSON line, each line is received once, and a partition holds its records in the
     * order of the lines (the export thread's order, kept by the idempotent producer). All records of one key share a
     * partition, and the flows use several.
     */
    private static void assertMatchesInOrderPerPartition(final List<Map<String, String>> lines,
        final List<ConsumerRecord<byte[], byte[]>> received, final List<Map<String, String>> decoded)
    {
        assertEquals(lines.size(), received.size(), "records in the topic");
        final Map<Map<String, String>, ArrayDeque<Integer>> lineIndexes = new HashMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            lineIndexes.computeIfAbsent(lines.get(i), (k) -> new ArrayDeque<>()).add(i);
        }
        final Map<Integer, Integer> lastLineOfPartition = new HashMap<>();
        final Map<String, Set<Integer>> partitionsOfKey = new HashMap<>();
        final Map<String, Set<Integer>> partitionsOfFlow = new HashMap<>();
        for (int r = 0; r < received.size(); r++)
        {
            final ArrayDeque<Integer> indexes = lineIndexes.get(decoded.get(r));
            assertTrue(null != indexes && !indexes.isEmpty(), "record " + r + " is a JSON line: " + decoded.get(r));
            final int line = indexes.poll();
            final int partition = received.get(r).partition();
            final Integer before = lastLineOfPartition.put(partition, line);
            assertTrue(null == before || before < line, "partition " + partition + " keeps the export order");
            partitionsOfKey.computeIfAbsent(HexFormat.of().formatHex(received.get(r).key()), (k) -> new HashSet<>())
                .add(partition);
            partitionsOfFlow.computeIfAbsent(flow(lines.get(line)), (k) -> new HashSet<>()).add(partition);
        }
        partitionsOfKey.forEach((key, partitions) -> assertEquals(1, partitions.size(), "flow key " + key));
        partitionsOfFlow.forEach((flow, partitions) -> assertEquals(1, partitions.size(), "flow " + flow));
        System.out.printf("kafka export: %d records of %d flows (%d keys) in %d partitions%n", lines.size(),
            partitionsOfFlow.size(), partitionsOfKey.size(), lastLineOfPartition.size());
        assertTrue(partitionsOfFlow.size() < lines.size() - 100, "flows with several records: " +
            partitionsOfFlow.size() + " flows, " + lines.size() + " records");
        assertEquals(PARTITIONS, lastLineOfPartition.size(), "flows in every partition");
    }

    /** A flow as its JSON line names it, whichever direction: protocol, VLAN, the two endpoints in order. */
    private static String flow(final Map<String, String> line)
    {
        final String source = line.getOrDefault("sourceipv4address", line.get("sourceipv6address")) + " " +
            line.get("sourcetransportport");
        final String destination = line.getOrDefault("destinationipv4address", line.get("destinationipv6address")) +
            " " + line.get("destinationtransportport");
        return line.get("protocolidentifier") + " vlan " + line.get("vlanid") + " icmp " +
            line.getOrDefault("icmptypecodeipv4", line.get("icmptypecodeipv6")) + ": " +
            (source.compareTo(destination) <= 0 ? source + " | " + destination : destination + " | " + source);
    }

    /** A JSON line as lower-case field name → text, without the fields proto3 leaves off the wire (0 and ""). */
    private static Map<String, String> comparable(final JsonNode line) throws Exception
    {
        final Map<String, String> fields = new TreeMap<>();
        final Iterator<Map.Entry<String, JsonNode>> it = line.fields();
        while (it.hasNext())
        {
            final Map.Entry<String, JsonNode> field = it.next();
            final String name = field.getKey().toLowerCase(Locale.ROOT);
            final String text = name.endsWith("ipv6address") ? ipv6Hex(field.getValue().asText()) :
                field.getValue().asText();
            if (!text.equals("0") && !text.isEmpty())
            {
                fields.put(name, text);
            }
        }
        return fields;
    }

    /**
     * A decoded message as the same map: proto field names without '_' are the JSON names in lower case
     * (source_ipv4_address, sourceIPv4Address); docs/protobuf.md gives the value rules.
     */
    private static Map<String, String> comparable(final io.spillway.flow.v1.FlowRecord message)
    {
        final Map<String, String> fields = new TreeMap<>();
        for (final Map.Entry<FieldDescriptor, Object> field : message.getAllFields().entrySet())
        {
            final String name = field.getKey().getName();
            final Object value = field.getValue();
            if (name.equals("ndpi_category"))
            {
                continue;   // the id of the category name; the JSON lines carry the name only
            }
            final String text = switch (value)
            {
                case ByteString bytes when bytes.size() == 4 -> ipv4Text(bytes.toByteArray());
                case ByteString bytes -> HexFormat.of().formatHex(bytes.toByteArray());
                case EnumValueDescriptor e when name.equals("ndpi_detection") ->
                    e.getName().substring("NDPI_DETECTION_".length()).toLowerCase(Locale.ROOT);
                case EnumValueDescriptor e -> String.valueOf(e.getNumber());
                case Integer i -> Integer.toUnsignedString(i);
                case Long l -> Long.toUnsignedString(l);
                default -> value.toString();
            };
            fields.put(name.replace("_", ""), text);
        }
        return fields;
    }

    private static String ipv4Text(final byte[] a)
    {
        return (a[0] & 0xFF) + "." + (a[1] & 0xFF) + "." + (a[2] & 0xFF) + "." + (a[3] & 0xFF);
    }

    /** The 16 bytes of an IPv6 text address as hex, so RFC 5952 text and raw bytes compare. */
    private static String ipv6Hex(final String text) throws Exception
    {
        final InetAddress address = InetAddress.getByName(text);
        if (address instanceof Inet4Address)
        {
            // Java turns ::ffff:a.b.c.d into the IPv4 address.
            final byte[] mapped = new byte[16];
            mapped[10] = (byte)0xFF;
            mapped[11] = (byte)0xFF;
            System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
            return HexFormat.of().formatHex(mapped);
        }
        return HexFormat.of().formatHex(address.getAddress());
    }
}
