package io.spillway.exporter.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker (KRaft, one combined broker and controller node) in the test's JVM, from Maven Central's
 * Kafka artifacts: start one per test class, it takes a few seconds. Here and in the probe's tests.
 */
public final class KafkaTestBroker implements AutoCloseable
{
    private final KafkaClusterTestKit cluster;
    private boolean closed;

    private KafkaTestBroker(final KafkaClusterTestKit cluster)
    {
        this.cluster = cluster;
    }

    /** Formats and starts the node, and waits until the broker serves. Topics are not auto-created. */
    public static KafkaTestBroker start() throws Exception
    {
        final KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
            .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
            .setConfigProp("auto.create.topics.enable", "false")
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .build();
        try
        {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new KafkaTestBroker(cluster);
        }
        catch (final Exception ex)
        {
            cluster.close();
            throw ex;
        }
    }

    /** HOST:PORT of the broker, as bootstrap.servers and kafka:// take it. */
    public String bootstrapServers()
    {
        return cluster.bootstrapServers();
    }

    /** Creates {@code topic} with {@code partitions} partitions, replication 1. */
    public void createTopic(final String topic, final int partitions) throws Exception
    {
        try (Admin admin = cluster.admin())
        {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short)1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Reads every partition of {@code topic} from the start until {@code expected} records arrived or
     * {@code timeout} passed, and a little longer to catch records beyond the expected ones.
     */
    public List<ConsumerRecord<byte[], byte[]>> consume(final String topic, final int partitions, final long expected,
        final Duration timeout)
    {
        final Map<String, Object> config = Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config))
        {
            // Assigned, not subscribed: no consumer group, no rebalance to wait for.
            final List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++)
            {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            final long deadline = System.nanoTime() + timeout.toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil))
            {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() >= expected && quietUntil == Long.MAX_VALUE)
                {
                    quietUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                }
            }
        }
        return records;
    }

    /** Stops the broker; the node's controller stays up, and {@link #startBrokerAgain} brings it back. */
    public void stopBroker()
    {
        final kafka.server.BrokerServer server = broker();
        server.shutdown();
        server.awaitShutdown();
    }

    /** Starts the broker stopped by {@link #stopBroker} on the same port, with its data. */
    public void startBrokerAgain()
    {
        broker().startup();
    }

    /**
     * Stops the broker now and starts it again after {@code down} on another thread, while the test goes on:
     * clients see the broker gone, then back.
     */
    public Thread restartBrokerAfter(final Duration down)
    {
        stopBroker();
        final Thread restart = new Thread(() ->
        {
            try
            {
                Thread.sleep(down.toMillis());
                startBrokerAgain();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "kafka-test-broker-restart");
        restart.start();
        return restart;
    }

    private kafka.server.BrokerServer broker()
    {
        return cluster.brokers().values().iterator().next();
    }

    /** Stops the broker and controller for good: clients then see connections refused. */
    @Override
    public void close() throws Exception
    {
        if (!closed)
        {
            closed = true;
            cluster.close();
        }
    }
}
