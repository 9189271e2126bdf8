package io.spillway.exporter.kafka;

import io.spillway.exporter.ExportTarget;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.TestRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker goes away mid-run and stays away: the export thread never waits for it, the records it no longer takes
 * are counted as dropped (the buffer full at once, the rest when close gives up on them), and what the topic holds
 * plus what was counted as dropped is exactly what was produced. Its own broker, since the test stops it.
 */
class KafkaBrokerOutageTest
{
    private static final String TOPIC = "flows-outage";
    private static final int PARTITIONS = 3;
    private static final int BEFORE = 300;
    private static final int AFTER = 50_000;
    private static KafkaTestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception
    {
        broker = KafkaTestBroker.start();
        broker.createTopic(TOPIC, PARTITIONS);
    }

    @AfterAll
    static void stopBroker() throws Exception
    {
        broker.close();
    }

    @Test
    void receivedPlusCountedDroppedIsProducedWhenTheBrokerStopsMidRun() throws Exception
    {
        final List<String> log = new ArrayList<>();
        final KafkaOptions options = KafkaOptions.DEFAULTS.withBufferBytes(KafkaOptions.MIN_BUFFER_BYTES)
            .withDeliveryTimeout(Duration.ofSeconds(3)).withCloseTimeout(Duration.ofSeconds(2));
        final KafkaExporter exporter = Exporters.openKafka(
            ExportTarget.parse("kafka://" + broker.bootstrapServers() + "/" + TOPIC), options, log::add);

        for (int i = 0; i < BEFORE; i++)
        {
            exporter.onRecord(record(i));
        }
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (exporter.deliveredRecords() + exporter.droppedRecords() < BEFORE && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        assertEquals(BEFORE, exporter.deliveredRecords(), exporter.summary());
        final List<ConsumerRecord<byte[], byte[]>> received =
            broker.consume(TOPIC, PARTITIONS, BEFORE, Duration.ofSeconds(30));
        assertEquals(BEFORE, received.size());

        broker.close();
        long slowestNanos = 0;
        final long sendStart = System.nanoTime();
        for (int i = BEFORE; i < BEFORE + AFTER; i++)
        {
            final long start = System.nanoTime();
            exporter.onRecord(record(i));
            slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
        }
        final long sendNanos = System.nanoTime() - sendStart;
        final long droppedAtOnce = exporter.droppedRecords();

        final long closeStart = System.nanoTime();
        exporter.close();
        final long closeNanos = System.nanoTime() - closeStart;

        System.out.printf("outage: %d records sent in %.0f ms (slowest %.1f ms), %d dropped at once (buffer full), " +
            "close %.0f ms; %s%n", AFTER, sendNanos / 1e6, slowestNanos / 1e6, droppedAtOnce, closeNanos / 1e6,
            exporter.summary());
        assertEquals(BEFORE + AFTER, exporter.producedRecords());
        assertEquals(exporter.producedRecords(), exporter.deliveredRecords() + exporter.droppedRecords(),
            exporter.summary());
        assertEquals(received.size(), exporter.deliveredRecords(), "the topic holds what was delivered");
        assertEquals(AFTER, exporter.droppedRecords(), exporter.summary());
        assertTrue(droppedAtOnce > 0, "a full buffer drops at once rather than block");
        assertTrue(slowestNanos < Duration.ofMillis(500).toNanos(), "onRecord never waits for the broker");
        assertTrue(closeNanos < Duration.ofSeconds(10).toNanos(), "close is bounded");
        assertTrue(log.stream().anyMatch((line) -> line.contains(AFTER + " of " + (BEFORE + AFTER))), log.toString());
    }

    private static FlowRecord record(final int i)
    {
        return TestRecords.ipv4Tcp().srcPort(1024 + i % 50_000).fwdPackets(i + 1);
    }
}
