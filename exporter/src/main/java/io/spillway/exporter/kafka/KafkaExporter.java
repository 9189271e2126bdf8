package io.spillway.exporter.kafka;

import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.json.JsonRecordEncoder;
import io.spillway.exporter.protobuf.ProtobufRecordEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Sends each flow record to a Kafka topic through an idempotent producer ({@link KafkaProducers}), keyed by its
 * flow ({@link FlowKey}), valued as one Protobuf message or one JSON line.
 * <p>
 * The export thread never waits for a broker: the producer is built with {@code max.block.ms=0}, so a record that
 * finds its {@code buffer.memory} full, or the topic's metadata missing, fails at once instead of blocking, and is
 * counted as dropped. Records the producer took are counted when their send callback runs, on the producer's own
 * I/O thread: delivered when the broker acknowledged them, dropped when {@code delivery.timeout.ms} passed or the
 * broker refused them. {@link #close()} waits a bounded time, then aborts what is left, whose callbacks count it as
 * dropped, so after close {@code produced == delivered + dropped} and nothing is lost unseen.
 * <p>
 * Unlike the other exporters this one allocates per record: the producer keeps each key and value array until the
 * broker acknowledged it, so they cannot be reused.
 */
public final class KafkaExporter implements FlowExporter
{
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final String name;
    private final KafkaOptions options;
    private final Consumer<String> log;
    private final UnsafeBuffer protobufScratch = new UnsafeBuffer(new byte[ProtobufRecordEncoder.MAX_MESSAGE_LENGTH]);
    private final byte[] jsonScratch = new byte[JsonRecordEncoder.MAX_LINE_LENGTH];
    private final Callback callback = this::onCompletion;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile String firstFailure;
    private long produced;
    private boolean closed;

    /**
     * Takes a producer already checked against its brokers ({@link KafkaProducers#open}); tests pass their own.
     *
     * @param name for messages, e.g. "kafka://127.0.0.1:9092/flows".
     */
    public KafkaExporter(
        final Producer<byte[], byte[]> producer, final String topic, final String name, final KafkaOptions options,
        final Consumer<String> log)
    {
        this.producer = producer;
        this.topic = topic;
        this.name = name;
        this.options = options;
        this.log = log;
    }

    @Override
    public void onRecord(final FlowRecord record)
    {
        produced++;
        if (closed)
        {
            refused.incrementAndGet();
            return;
        }

        final ProducerRecord<byte[], byte[]> message = new ProducerRecord<>(topic, FlowKey.of(record), value(record));
        try
        {
            // With max.block.ms=0 a full buffer or missing metadata comes back through the callback at once.
            producer.send(message, callback);
        }
        catch (final RuntimeException ex)
        {
            // Errors that are not the broker's (the producer closed or failed); the callback does not run.
            refused.incrementAndGet();
            noteFailure(ex);
        }
    }

    /** Nothing to do: the producer sends on its own thread after linger.ms, and its flush() would block. */
    @Override
    public void flush()
    {
    }

    /** Records handed to this exporter. */
    public long producedRecords()
    {
        return produced;
    }

    /** Records a broker acknowledged (acks=all: every in-sync replica has them). */
    public long deliveredRecords()
    {
        return delivered.get();
    }

    /** Records that will never reach the topic: buffer full, delivery failed or timed out, refused after close. */
    @Override
    public long droppedRecords()
    {
        return failed.get() + refused.get();
    }

    @Override
    public String summary()
    {
        final long waiting = produced - delivered.get() - droppedRecords();
        return name + ": " + options.value() + " values, produced " + produced + ", delivered " + delivered.get() +
            ", dropped " + droppedRecords() + (waiting != 0 ? ", unaccounted " + waiting : "") +
            (null != firstFailure ? " (first failure: " + firstFailure + ")" : "");
    }

    /** Waits up to the close timeout for the records in flight, then aborts the rest, which count as dropped. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }

        closed = true;
        producer.close(options.closeTimeout());
        final long waiting = produced - delivered.get() - droppedRecords();
        if (waiting > 0)
        {
            // A closed producer has run every callback; should one be missing, the record still counts.
            failed.addAndGet(waiting);
        }
        if (droppedRecords() > 0)
        {
            log.accept("Kafka export to " + name + ": " + droppedRecords() + " of " + produced +
                " records dropped, first because: " + firstFailure);
        }
    }

    private byte[] value(final FlowRecord record)
    {
        return switch (options.value())
        {
            case PROTOBUF -> Arrays.copyOf(protobufScratch.byteArray(),
                ProtobufRecordEncoder.encode(record, protobufScratch, 0));
            // The line without its '\n': a Kafka record is already one message.
            case JSON -> Arrays.copyOf(jsonScratch, JsonRecordEncoder.encode(record, jsonScratch, 0) - 1);
        };
    }

    /** On the producer's I/O thread (or at once in send when the buffer is full). */
    private void onCompletion(final RecordMetadata metadata, final Exception exception)
    {
        if (null == exception)
        {
            delivered.incrementAndGet();
        }
        else
        {
            failed.incrementAndGet();
            noteFailure(exception);
        }
    }

    private void noteFailure(final Exception ex)
    {
        if (null == firstFailure)
        {
            firstFailure = ex.getClass().getSimpleName() + ": " + ex.getMessage();
        }
    }
}
