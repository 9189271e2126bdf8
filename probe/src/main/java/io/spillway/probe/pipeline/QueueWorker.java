package io.spillway.probe.pipeline;

import io.spillway.exporter.FlowRecord;
import io.spillway.probe.dpi.FlowInspection;
import io.spillway.probe.flow.ExpiredFlowHandler;
import io.spillway.probe.flow.FlowCache;
import io.spillway.probe.flow.PacketDescriptor;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.nio.ByteBuffer;

/**
 * One worker per queue, share-nothing: drains its ring of packet batches into its private
 * {@link FlowCache} and sends the records the cache expires to its export ring.
 */
final class QueueWorker implements Agent, MessageHandler, ExpiredFlowHandler
{
    private static final int MESSAGES_PER_WORK = 16;

    private final int queue;
    private final RingBuffer packets;
    private final RingBuffer records;
    private final FlowCache cache;
    private final FlowInspection inspection;
    private final IdleStrategy ringFullIdle;
    private final UnsafeBuffer endMessage = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
    private long packetsProcessed;
    private long recordsSent;
    private long ringFullWaits;
    private long cpuNanos;
    private boolean ended;

    QueueWorker(
        final int queue, final RingBuffer packets, final RingBuffer records, final ProbeConfig config,
        final IdleStrategy ringFullIdle)
    {
        this.queue = queue;
        this.packets = packets;
        this.records = records;
        this.ringFullIdle = ringFullIdle;
        this.inspection = config.dpi() == null ? null :
            new FlowInspection(config.dpi(), config.maxFlows(), config.dpiMaxPackets());
        this.cache = new FlowCache(queue, config.maxFlows(), config.timeouts(), this, inspection);
    }

    @Override
    public int doWork()
    {
        if (ended)
        {
            throw new AgentTerminationException();
        }
        return packets.read(this, MESSAGES_PER_WORK);
    }

    @Override
    public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        cache.advanceTime(buffer.getLong(index + QueueMessages.BATCH_TIME_NS) / 1_000_000L);
        switch (type)
        {
            case QueueMessages.PACKETS ->
            {
                final int count = buffer.getInt(index + QueueMessages.BATCH_COUNT);
                int offset = index + QueueMessages.BATCH_HEADER_LENGTH;
                cache.prefetch(buffer, offset, count, PacketDescriptor.LENGTH);
                for (int i = 0; i < count; i++)
                {
                    final int slot = cache.onPacket(buffer, offset);
                    if (inspection != null)
                    {
                        inspection.inspect(slot, buffer, offset);
                    }
                    offset += PacketDescriptor.LENGTH;
                }
                packetsProcessed += count;
            }
            case QueueMessages.END ->
            {
                cache.flushAll();
                send(QueueMessages.END, endMessage, 0, endMessage.capacity());
                ended = true;
            }
            default ->
            {
                // TICK: the time advance above is all it carries.
            }
        }
    }

    @Override
    public void onExpired(final FlowRecord record)
    {
        send(QueueMessages.RECORD, record.buffer(), record.offset(), record.length());
        recordsSent++;
    }

    @Override
    public void onClose()
    {
        cpuNanos = ThreadCpu.currentThreadNanos();
        cache.close();
        if (inspection != null)
        {
            inspection.close();
        }
    }

    @Override
    public String roleName()
    {
        return "spillway-worker-" + queue;
    }

    int queueIndex()
    {
        return queue;
    }

    FlowCache cache()
    {
        return cache;
    }

    /** The worker's DPI, null when DPI is off. */
    FlowInspection inspection()
    {
        return inspection;
    }

    long packetsProcessed()
    {
        return packetsProcessed;
    }

    long recordsSent()
    {
        return recordsSent;
    }

    long ringFullWaits()
    {
        return ringFullWaits;
    }

    /** CPU time of the worker's thread, known once it has closed. */
    long cpuNanos()
    {
        return cpuNanos;
    }

    /** Waits for room: a record must never be lost between the worker and the exporters. */
    private void send(final int type, final org.agrona.DirectBuffer buffer, final int offset, final int length)
    {
        if (!records.write(type, buffer, offset, length))
        {
            ringFullWaits++;
            ringFullIdle.reset();
            while (!records.write(type, buffer, offset, length))
            {
                ringFullIdle.idle();
            }
        }
    }
}
