package io.spillway.capture.stream;

import io.spillway.device.Counters;
import io.spillway.device.DeviceCounters;
import io.spillway.device.ReceiveParser;
import io.spillway.packet.PacketDescriptor;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;

/**
 * The dispatcher's side of the rings to its queues, one bounded SPSC ring each: packets are appended to their
 * queue's batch, which goes out when full and after every poll of the stream; a queue without traffic gets a tick
 * every {@value #TICK_INTERVAL_NS} ns of packet time, so its flows still expire; at the end every queue gets END.
 * A full ring is waited for (counted): reading a file must lose nothing.
 */
public final class QueueRings
{
    private static final long TICK_INTERVAL_NS = 100_000_000L;

    private final RingBuffer[] rings;
    private final UnsafeBuffer[] batches;
    private final int[] batchCounts;
    private final long[] lastSentNs;
    private final int batchCapacity;
    private final IdleStrategy ringFullIdle;
    private final UnsafeBuffer tick = new UnsafeBuffer(ByteBuffer.allocateDirect(StreamMessages.BATCH_HEADER_LENGTH));
    private final AtomicCounter ringFullWaits;

    /**
     * @param ringBytes    capacity of each ring, a power of two
     * @param batchPackets descriptors per batch
     */
    public QueueRings(
        final int queues, final int ringBytes, final int batchPackets, final IdleStrategy ringFullIdle,
        final Counters counters)
    {
        this.batchCapacity = batchPackets;
        this.ringFullIdle = ringFullIdle;
        rings = new RingBuffer[queues];
        batches = new UnsafeBuffer[queues];
        batchCounts = new int[queues];
        lastSentNs = new long[queues];
        for (int q = 0; q < queues; q++)
        {
            rings[q] = new OneToOneRingBuffer(new UnsafeBuffer(
                ByteBuffer.allocateDirect(ringBytes + RingBufferDescriptor.TRAILER_LENGTH)));
            batches[q] = new UnsafeBuffer(ByteBuffer.allocateDirect(
                StreamMessages.BATCH_HEADER_LENGTH + batchPackets * PacketDescriptor.LENGTH));
        }
        ringFullWaits = counters.add(DeviceCounters.TYPE_QUEUE_FULL_WAITS, Counters.NO_OWNER,
            "times the dispatcher waited for room in a queue's ring");
    }

    /** The ring of queue {@code q}, read by that queue's {@link RingRxQueue}. */
    public RingBuffer ring(final int q)
    {
        return rings[q];
    }

    public int queues()
    {
        return rings.length;
    }

    /** Appends the packet {@code parsed} just parsed to queue {@code q}'s batch; sends the batch when it is full. */
    public void append(
        final int q, final ReceiveParser parsed, final long address, final int capturedLength, final long timestampNs,
        final long timeNs)
    {
        final int count = batchCounts[q];
        parsed.write(batches[q], StreamMessages.BATCH_HEADER_LENGTH + count * PacketDescriptor.LENGTH, address,
            capturedLength, timestampNs, 0L);
        batchCounts[q] = count + 1;
        if (count + 1 == batchCapacity)
        {
            sendBatch(q, timeNs);
        }
    }

    /** After a poll: sends every batch begun, and a tick to every queue quiet for a tick interval. */
    public void flush(final long timeNs)
    {
        for (int q = 0; q < rings.length; q++)
        {
            if (batchCounts[q] > 0)
            {
                sendBatch(q, timeNs);
            }
            else if (timeNs != Long.MIN_VALUE && timeNs - lastSentNs[q] >= TICK_INTERVAL_NS)
            {
                sendTime(q, StreamMessages.TICK, timeNs);
            }
        }
    }

    /** The stream ended: the batches begun, then END, to every queue. */
    public void end(final long timeNs)
    {
        for (int q = 0; q < rings.length; q++)
        {
            if (batchCounts[q] > 0)
            {
                sendBatch(q, timeNs);
            }
            sendTime(q, StreamMessages.END, timeNs);
        }
    }

    public long ringFullWaits()
    {
        return ringFullWaits.get();
    }

    private void sendBatch(final int q, final long timeNs)
    {
        final UnsafeBuffer batch = batches[q];
        final int count = batchCounts[q];
        batch.putLong(StreamMessages.BATCH_TIME_NS, timeNs);
        batch.putInt(StreamMessages.BATCH_COUNT, count);
        write(q, StreamMessages.PACKETS, batch, StreamMessages.BATCH_HEADER_LENGTH + count * PacketDescriptor.LENGTH);
        batchCounts[q] = 0;
        lastSentNs[q] = timeNs;
    }

    private void sendTime(final int q, final int type, final long timeNs)
    {
        tick.putLong(StreamMessages.BATCH_TIME_NS, timeNs == Long.MIN_VALUE ? 0 : timeNs);
        tick.putInt(StreamMessages.BATCH_COUNT, 0);
        write(q, type, tick, StreamMessages.BATCH_HEADER_LENGTH);
        lastSentNs[q] = timeNs;
    }

    /** Back-pressure: reading a file must not lose packets, so wait for the worker to make room. */
    private void write(final int q, final int type, final UnsafeBuffer buffer, final int length)
    {
        if (!rings[q].write(type, buffer, 0, length))
        {
            ringFullWaits.incrementOpaque();
            ringFullIdle.reset();
            while (!rings[q].write(type, buffer, 0, length))
            {
                ringFullIdle.idle();
            }
        }
    }
}
