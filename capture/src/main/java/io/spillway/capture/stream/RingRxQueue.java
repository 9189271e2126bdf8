package io.spillway.capture.stream;

import io.spillway.device.RxHandler;
import io.spillway.device.RxQueue;
import io.spillway.packet.PacketBatch;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * A receive queue fed by a dispatcher through one of {@link QueueRings}' rings: batches of parsed descriptors
 * handed over in place (no copy), ticks as batches of no packet, END as the queue's end.
 */
public final class RingRxQueue implements RxQueue, MessageHandler
{
    private static final int MESSAGES_PER_POLL = 16;

    private final RingBuffer ring;
    private final PacketBatch batch = new PacketBatch();
    private RxHandler handler;
    private int delivered;
    private boolean ended;

    public RingRxQueue(final RingBuffer ring)
    {
        this.ring = ring;
    }

    @Override
    public int poll(final RxHandler handler)
    {
        if (ended)
        {
            return END;
        }
        this.handler = handler;
        delivered = 0;
        ring.read(this, MESSAGES_PER_POLL);
        return ended && delivered == 0 ? END : delivered;
    }

    /**
     * Whether a message waits, without taking it: a queue that merges this ring of ticks and END with another (a
     * device's host ring) first takes everything that other ring holds.
     */
    public boolean hasMessage()
    {
        return ring.size() > 0;
    }

    @Override
    public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final long timeNs = buffer.getLong(index + StreamMessages.BATCH_TIME_NS);
        switch (type)
        {
            case StreamMessages.PACKETS ->
            {
                final int count = buffer.getInt(index + StreamMessages.BATCH_COUNT);
                handler.onBatch(batch.wrapParsed(buffer, index + StreamMessages.BATCH_HEADER_LENGTH, count, timeNs));
                delivered += count;
            }
            case StreamMessages.TICK -> handler.onBatch(batch.wrapTime(timeNs));
            case StreamMessages.END ->
            {
                handler.onBatch(batch.wrapTime(timeNs));
                ended = true;
            }
            default -> throw new IllegalStateException("unknown stream message type " + type);
        }
    }
}
