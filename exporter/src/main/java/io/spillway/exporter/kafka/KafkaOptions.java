package io.spillway.exporter.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How records go to Kafka: the value encoding, the producer's buffer and the bounds on waiting for a broker.
 *
 * @param value           the encoding of each record's value.
 * @param bufferBytes     the producer's {@code buffer.memory}: records waiting for a broker; when full, a record is
 *                        dropped and counted instead of blocking the export thread.
 * @param compression     the producer's {@code compression.type} (none, gzip, snappy, lz4, zstd).
 * @param deliveryTimeout the producer's {@code delivery.timeout.ms}: a record not acknowledged by then is dropped.
 * @param startTimeout    how long the check at start waits for the brokers and the topic's partitions.
 * @param closeTimeout    how long closing waits for records still in flight; those left are dropped.
 */
public record KafkaOptions(
    Value value, long bufferBytes, String compression, Duration deliveryTimeout, Duration startTimeout,
    Duration closeTimeout)
{
    /** The producer's compression.type values; all their codecs come with kafka-clients. */
    public static final List<String> COMPRESSIONS = List.of("none", "gzip", "snappy", "lz4", "zstd");

    /** lz4: fast on the probe's side and shipped with kafka-clients (lz4-java), as zstd-jni is. */
    public static final String DEFAULT_COMPRESSION = "lz4";
    public static final long DEFAULT_BUFFER_BYTES = 32L * 1024 * 1024;
    /** Room for 64 of the producer's 16 KiB batches (batch.size): a few partitions' open and in-flight batches. */
    public static final long MIN_BUFFER_BYTES = 1024 * 1024;
    public static final KafkaOptions DEFAULTS = new KafkaOptions(Value.PROTOBUF, DEFAULT_BUFFER_BYTES,
        DEFAULT_COMPRESSION, Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(10));

    /** The encoding of a record's value. */
    public enum Value
    {
        /** One {@code spillway.flow.v1.FlowRecord} message, not length-prefixed: a Kafka record is its frame. */
        PROTOBUF,
        /** The JSON line of {@code --export json:}, without its '\n'. */
        JSON;

        /** protobuf or json, as the command line spells them. */
        public static Value parse(final String text)
        {
            for (final Value value : values())
            {
                if (value.name().equalsIgnoreCase(text))
                {
                    return value;
                }
            }
            throw new IllegalArgumentException("--kafka-value must be protobuf or json, not '" + text + "'");
        }

        @Override
        public String toString()
        {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public KafkaOptions
    {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(compression, "compression");
        if (!COMPRESSIONS.contains(compression))
        {
            throw new IllegalArgumentException("--kafka-compression must be one of " + String.join(", ", COMPRESSIONS) +
                ", not '" + compression + "'");
        }
        if (bufferBytes < MIN_BUFFER_BYTES)
        {
            throw new IllegalArgumentException("--kafka-buffer must be at least " + MIN_BUFFER_BYTES + " bytes, not " +
                bufferBytes);
        }
        if (deliveryTimeout.isNegative() || deliveryTimeout.isZero() || startTimeout.isNegative() ||
            closeTimeout.isNegative())
        {
            throw new IllegalArgumentException("Kafka timeouts must be positive");
        }
    }

    public KafkaOptions withValue(final Value value)
    {
        return new KafkaOptions(value, bufferBytes, compression, deliveryTimeout, startTimeout, closeTimeout);
    }

    public KafkaOptions withBufferBytes(final long bufferBytes)
    {
        return new KafkaOptions(value, bufferBytes, compression, deliveryTimeout, startTimeout, closeTimeout);
    }

    public KafkaOptions withCompression(final String compression)
    {
        return new KafkaOptions(value, bufferBytes, compression, deliveryTimeout, startTimeout, closeTimeout);
    }

    public KafkaOptions withDeliveryTimeout(final Duration deliveryTimeout)
    {
        return new KafkaOptions(value, bufferBytes, compression, deliveryTimeout, startTimeout, closeTimeout);
    }

    public KafkaOptions withStartTimeout(final Duration startTimeout)
    {
        return new KafkaOptions(value, bufferBytes, compression, deliveryTimeout, startTimeout, closeTimeout);
    }

    public KafkaOptions withCloseTimeout(final Duration closeTimeout)
    {
        return new KafkaOptions(value, bufferBytes, compression, deliveryTimeout, startTimeout, closeTimeout);
    }
}
