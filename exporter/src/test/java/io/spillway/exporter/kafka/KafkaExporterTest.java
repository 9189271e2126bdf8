package io.spillway.exporter.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.exporter.ExportTarget;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.TestRecords;
import io.spillway.exporter.json.JsonRecordEncoder;
import io.spillway.exporter.protobuf.OfficialRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka exporter against a real KRaft broker in this JVM: every record arrives once, decodes with the generated
 * classes (or Jackson) to the record given, and all records of one flow share one partition of a topic of several.
 */
class KafkaExporterTest
{
    private static final int PARTITIONS = 4;
    private static final int FLOWS = 60;
    private static final int RECORDS_PER_FLOW = 3;
    private static KafkaTestBroker broker;

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
    void protobufValuesDecodeToTheRecordsAndOneFlowKeepsOnePartition() throws Exception
    {
        broker.createTopic("flows-pb", PARTITIONS);
        final List<FlowRecord> sent = records();
        final KafkaExporter exporter = open("flows-pb", KafkaOptions.DEFAULTS);
        sent.forEach(exporter::onRecord);
        exporter.close();
        assertEquals(sent.size(), exporter.producedRecords());
        assertEquals(sent.size(), exporter.deliveredRecords(), exporter.summary());
        assertEquals(0, exporter.droppedRecords(), exporter.summary());

        final List<ConsumerRecord<byte[], byte[]>> received =
            broker.consume("flows-pb", PARTITIONS, sent.size(), Duration.ofSeconds(30));
        assertEquals(sent.size(), received.size(), "records in the topic");
        final Map<String, io.spillway.flow.v1.FlowRecord> expected = new HashMap<>();
        for (final FlowRecord record : sent)
        {
            final io.spillway.flow.v1.FlowRecord official = OfficialRecords.of(record);
            expected.put(official.toString(), official);
        }
        final Set<String> seen = new HashSet<>();
        for (final ConsumerRecord<byte[], byte[]> record : received)
        {
            final io.spillway.flow.v1.FlowRecord decoded = io.spillway.flow.v1.FlowRecord.parseFrom(record.value());
            assertEquals(expected.get(decoded.toString()), decoded, "a record that was sent");
            assertTrue(seen.add(decoded.toString()), "each record once: " + decoded);
        }
        assertOneFlowOnePartition(received);
    }

    @Test
    void jsonValuesAreTheJsonLinesWithoutNewline() throws Exception
    {
        broker.createTopic("flows-json", PARTITIONS);
        final List<FlowRecord> sent = records();
        final KafkaExporter exporter = open("flows-json", KafkaOptions.DEFAULTS.withValue(KafkaOptions.Value.JSON)
            .withCompression("zstd"));
        sent.forEach(exporter::onRecord);
        exporter.close();
        assertEquals(sent.size(), exporter.deliveredRecords(), exporter.summary());

        final Set<String> expected = new HashSet<>();
        final byte[] line = new byte[JsonRecordEncoder.MAX_LINE_LENGTH];
        for (final FlowRecord record : sent)
        {
            expected.add(new String(line, 0, JsonRecordEncoder.encode(record, line, 0) - 1, StandardCharsets.UTF_8));
        }
        final List<ConsumerRecord<byte[], byte[]>> received =
            broker.consume("flows-json", PARTITIONS, sent.size(), Duration.ofSeconds(30));
        assertEquals(sent.size(), received.size());
        final ObjectMapper json = new ObjectMapper();
        final Set<String> values = new HashSet<>();
        for (final ConsumerRecord<byte[], byte[]> record : received)
        {
            final String value = new String(record.value(), StandardCharsets.UTF_8);
            assertTrue(json.readTree(value).isObject(), value);
            values.add(value);
        }
        assertEquals(expected, values);
        assertOneFlowOnePartition(received);
    }

    @Test
    void theKeyIsTheSameForBothDirectionsOfAFlow()
    {
        final FlowRecord forward = TestRecords.ipv4Tcp();
        final FlowRecord reverse = TestRecords.ipv4Tcp().srcIPv4(forward.dstIPv4()).dstIPv4(forward.srcIPv4())
            .srcPort(forward.dstPort()).dstPort(forward.srcPort());
        assertArrayEquals(FlowKey.of(forward), FlowKey.of(reverse));
        assertEquals(FlowKey.LENGTH, FlowKey.of(TestRecords.ipv6UdpOneWay()).length);
        assertTrue(!Arrays.equals(FlowKey.of(forward), FlowKey.of(TestRecords.ipv4Tcp().srcPort(40001))));

        // Bytes past an IPv4 address are not part of it, whatever a buffer holds there.
        final FlowRecord dirty = TestRecords.ipv4Tcp();
        ((org.agrona.MutableDirectBuffer)dirty.buffer()).putByte(dirty.srcAddressOffset() + 9, (byte)0x5A);
        assertArrayEquals(FlowKey.of(forward), FlowKey.of(dirty));
    }

    @Test
    void aBrokerNotThereAtStartIsAnErrorNamingIt() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0))
        {
            port = socket.getLocalPort();
        }
        final long start = System.nanoTime();
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Exporters.openKafka(
            ExportTarget.parse("kafka://127.0.0.1:" + port + "/flows"),
            KafkaOptions.DEFAULTS.withStartTimeout(Duration.ofSeconds(2)), (line) -> { }));
        assertTrue(ex.getMessage().contains("127.0.0.1:" + port), ex.getMessage());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "bounded wait");
    }

    @Test
    void aTopicThatDoesNotExistIsAnErrorNamingIt()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> open("no-such-topic",
            KafkaOptions.DEFAULTS.withStartTimeout(Duration.ofSeconds(2))));
        assertTrue(ex.getMessage().contains("'no-such-topic'"), ex.getMessage());
    }

    private static KafkaExporter open(final String topic, final KafkaOptions options)
    {
        return Exporters.openKafka(ExportTarget.parse("kafka://" + broker.bootstrapServers() + "/" + topic), options,
            (line) -> { });
    }

    /** FLOWS flows of RECORDS_PER_FLOW records each (active-timeout records, then the end), every other one reversed. */
    static List<FlowRecord> records()
    {
        final List<FlowRecord> records = new ArrayList<>();
        for (int flow = 0; flow < FLOWS; flow++)
        {
            for (int r = 0; r < RECORDS_PER_FLOW; r++)
            {
                final FlowRecord record = (flow % 2 == 0 ? TestRecords.ipv4Tcp() : TestRecords.ipv6UdpOneWay())
                    .srcPort(10_000 + flow).fwdPackets(r + 1).endReason(r + 1 < RECORDS_PER_FLOW ? 2 : 3);
                records.add(record);
            }
        }
        return records;
    }

    static void assertOneFlowOnePartition(final List<ConsumerRecord<byte[], byte[]>> received)
    {
        final Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
        final Set<Integer> used = new HashSet<>();
        for (final ConsumerRecord<byte[], byte[]> record : received)
        {
            partitionsByKey.computeIfAbsent(HexFormat.of().formatHex(record.key()), (k) -> new HashSet<>())
                .add(record.partition());
            used.add(record.partition());
        }
        partitionsByKey.forEach((key, partitions) -> assertEquals(1, partitions.size(), "flow " + key));
        assertTrue(used.size() > 1, "flows spread over partitions: " + used);
    }
}
