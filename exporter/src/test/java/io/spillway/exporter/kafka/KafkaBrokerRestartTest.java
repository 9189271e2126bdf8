package io.spillway.exporter.kafka;

import io.spillway.exporter.ExportTarget;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.TestRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker stops mid-run and comes back within the delivery timeout: the records produced meanwhile wait in the
 * producer's buffer and are delivered, none lost and none twice. Its own broker, since the test restarts it.
 */
class KafkaBrokerRestartTest
{
    private static final String TOPIC = "flows-restart";
    private static final int PARTITIONS = 3;
    private static final int BEFORE = 500;
    private static final int DURING = 2_000;
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
    void recordsProducedWhileTheBrokerIsDownAreDeliveredWhenItReturns() throws Exception
    {
        final KafkaOptions options = KafkaOptions.DEFAULTS.withCloseTimeout(Duration.ofSeconds(30));
        final KafkaExporter exporter = Exporters.openKafka(
            ExportTarget.parse("kafka://" + broker.bootstrapServers() + "/" + TOPIC), options, (line) -> { });
        for (int i = 0; i < BEFORE; i++)
        {
            exporter.onRecord(TestRecords.ipv4Tcp().srcPort(1024 + i).fwdPackets(i + 1));
        }

        final Thread restart = broker.restartBrokerAfter(Duration.ofSeconds(2));
        for (int i = BEFORE; i < BEFORE + DURING; i++)
        {
            exporter.onRecord(TestRecords.ipv4Tcp().srcPort(1024 + i).fwdPackets(i + 1));
        }
        final long deliveredWhileDown = exporter.deliveredRecords();
        restart.join();
        exporter.close();
        System.out.println("restart: " + exporter.summary());

        final List<ConsumerRecord<byte[], byte[]>> received =
            broker.consume(TOPIC, PARTITIONS, BEFORE + DURING, Duration.ofSeconds(30));
        assertEquals(BEFORE + DURING, exporter.producedRecords());
        assertEquals(exporter.producedRecords(), exporter.deliveredRecords() + exporter.droppedRecords());
        assertEquals(0, exporter.droppedRecords(), exporter.summary());
        assertTrue(deliveredWhileDown <= BEFORE, "nothing delivered while the broker was down: " + deliveredWhileDown);
        assertEquals(exporter.deliveredRecords(), received.size(), "each delivered record once in the topic");
    }
}
