package io.spillway.exporter.kafka;

import io.spillway.exporter.ExportTarget;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Builds the producer of a {@code kafka://} target and checks, before the run starts, that its brokers answer and
 * its topic has partitions: a broker that is not there is a usage error naming it, as a TCP collector is.
 */
public final class KafkaProducers
{
    private static final long RETRY_MILLIS = 50;

    private KafkaProducers()
    {
    }

    /** The producer settings of {@code docs/kafka.md}. */
    static Properties producerConfig(final ExportTarget target, final KafkaOptions options)
    {
        final Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, target.host());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "spillway-probe");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // Idempotent: retries after a lost acknowledgement do not duplicate a record or reorder a partition.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, options.compression());
        config.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(options.bufferBytes()));
        // Never wait in send(): a full buffer drops the record rather than stalling the export thread.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "0");
        final long delivery = options.deliveryTimeout().toMillis();
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(delivery));
        // The producer requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1, Math.min(10_000, delivery - 5))));
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        // send() finds the topic's partitions in the metadata or fails at once (max.block.ms=0). Keep them: forget
        // neither a topic idle for a while (a quiet link) nor the cluster when every broker is briefly down, so that
        // records wait in buffer.memory for delivery.timeout.ms instead of being dropped on the spot.
        config.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, Integer.toString(Integer.MAX_VALUE));
        config.put(CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG, "none");
        return config;
    }

    /**
     * Asks the brokers for the cluster and waits for the topic's partitions (creating the topic when the brokers
     * auto-create), both within {@link KafkaOptions#startTimeout()}.
     *
     * @throws IllegalArgumentException naming the brokers when none answers, or the topic when it has no partitions.
     */
    public static Producer<byte[], byte[]> open(final ExportTarget target, final KafkaOptions options,
        final Consumer<String> log)
    {
        final long timeoutMillis = options.startTimeout().toMillis();
        checkBrokers(target, timeoutMillis);
        final KafkaProducer<byte[], byte[]> producer;
        try
        {
            producer = new KafkaProducer<>(producerConfig(target, options));
        }
        catch (final KafkaException ex)
        {
            throw new IllegalArgumentException("cannot create a Kafka producer for brokers " + target.host() + ": " +
                ex.getMessage(), ex);
        }

        try
        {
            final List<PartitionInfo> partitions = awaitPartitions(producer, target.host(), target.topic(), timeoutMillis);
            log.accept("Kafka export to topic '" + target.topic() + "' (" + partitions.size() + " partitions) at " +
                target.host());
            return producer;
        }
        catch (final RuntimeException ex)
        {
            producer.close(java.time.Duration.ZERO);
            throw ex;
        }
    }

    private static void checkBrokers(final ExportTarget target, final long timeoutMillis)
    {
        final Map<String, Object> config = Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, target.host(),
            AdminClientConfig.CLIENT_ID_CONFIG, "spillway-probe-check",
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int)timeoutMillis,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)timeoutMillis,
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(config))
        {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int)timeoutMillis)).nodes()
                .get(timeoutMillis + 1_000, TimeUnit.MILLISECONDS);
        }
        catch (final KafkaException ex)
        {
            throw new IllegalArgumentException("Kafka brokers " + target.host() + ": " + ex.getMessage(), ex);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new IllegalArgumentException("no Kafka broker answered at " + target.host() + " within " +
                timeoutMillis + " ms", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("interrupted while checking the Kafka brokers " + target.host(), ex);
        }
    }

    /** With max.block.ms=0 partitionsFor() does not wait, but it asks for the metadata: ask until it is there. */
    private static List<PartitionInfo> awaitPartitions(
        final Producer<byte[], byte[]> producer, final String brokers, final String topic, final long timeoutMillis)
    {
        final long deadline = System.currentTimeMillis() + timeoutMillis;
        KafkaException last = null;
        while (System.currentTimeMillis() < deadline)
        {
            try
            {
                final List<PartitionInfo> partitions = producer.partitionsFor(topic);
                if (null != partitions && !partitions.isEmpty())
                {
                    return partitions;
                }
            }
            catch (final KafkaException ex)
            {
                last = ex;
            }
            try
            {
                Thread.sleep(RETRY_MILLIS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalArgumentException("Kafka topic '" + topic + "' at brokers " + brokers +
            " has no partitions after " + timeoutMillis + " ms (does it exist, or do the brokers auto-create " +
            "topics?)" + (null != last ? ": " + last.getMessage() : ""));
    }
}
