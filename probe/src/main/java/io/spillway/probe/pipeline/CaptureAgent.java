package io.spillway.probe.pipeline;

import io.spillway.probe.capture.PacketHandler;
import io.spillway.probe.capture.PacketSource;
import io.spillway.probe.flow.FlowHash;
import io.spillway.probe.flow.PacketDescriptor;
import io.spillway.probe.packet.PacketParser;
import io.spillway.probe.packet.ParseStatus;
import io.spillway.probe.packet.ParsedPacket;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.nio.ByteBuffer;

/**
 * The capture thread: polls the packet source, parses each packet once, hashes its flow key
 * symmetrically and appends a {@link PacketDescriptor} to the batch of the queue that owns the
 * flow (software RSS). Batches go to the workers' rings when full and after every poll.
 * Packets that cannot be accounted to a flow are counted here and go no further.
 */
final class CaptureAgent implements Agent, PacketHandler
{
    static final int POLL_LIMIT = 256;
    private static final long TICK_INTERVAL_NS = 100_000_000L;

    private final PacketSource source;
    private final RingBuffer[] queues;
    private final UnsafeBuffer[] batches;
    private final int[] batchCounts;
    private final long[] lastSentNs;
    private final int batchCapacity;
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket packet = new ParsedPacket();
    private final IdleStrategy ringFullIdle;
    private final CaptureStats stats;
    private final ProbeCounters counters;
    private final UnsafeBuffer tick = new UnsafeBuffer(ByteBuffer.allocateDirect(QueueMessages.BATCH_HEADER_LENGTH));
    private long timeNs = Long.MIN_VALUE;
    private boolean ended;

    CaptureAgent(
        final PacketSource source, final RingBuffer[] queues, final int batchCapacity, final IdleStrategy ringFullIdle,
        final ProbeCounters counters)
    {
        this.counters = counters;
        this.source = source;
        this.queues = queues;
        this.batchCapacity = batchCapacity;
        this.ringFullIdle = ringFullIdle;
        this.stats = new CaptureStats(queues.length);
        batches = new UnsafeBuffer[queues.length];
        batchCounts = new int[queues.length];
        lastSentNs = new long[queues.length];
        for (int q = 0; q < queues.length; q++)
        {
            batches[q] = new UnsafeBuffer(ByteBuffer.allocateDirect(
                QueueMessages.BATCH_HEADER_LENGTH + batchCapacity * PacketDescriptor.LENGTH));
        }
    }

    @Override
    public int doWork()
    {
        if (ended)
        {
            throw new AgentTerminationException();
        }
        final int polled = source.poll(this, POLL_LIMIT);
        for (int q = 0; q < queues.length; q++)
        {
            if (batchCounts[q] > 0)
            {
                sendBatch(q);
            }
            else if (timeNs != Long.MIN_VALUE && timeNs - lastSentNs[q] >= TICK_INTERVAL_NS)
            {
                sendTime(q, QueueMessages.TICK);
            }
        }
        counters.packetsRead.setOrdered(stats.packets);
        counters.packetsNotAccounted.setOrdered(stats.packets - stats.accounted());
        if (polled == PacketSource.END)
        {
            for (int q = 0; q < queues.length; q++)
            {
                sendTime(q, QueueMessages.END);
            }
            ended = true;
            return 1;
        }
        return polled;
    }

    @Override
    public void onPacket(
        final long address, final int capturedLength, final int wireLength, final long timestampNanos,
        final int linkType, final int interfaceId)
    {
        final CaptureStats stats = this.stats;
        stats.packets++;
        stats.wireBytes += wireLength;
        if (timestampNanos > timeNs)
        {
            timeNs = timestampNanos;
        }
        if (timestampNanos < stats.firstTimestampNs)
        {
            stats.firstTimestampNs = timestampNanos;
        }
        if (timestampNanos > stats.lastTimestampNs)
        {
            stats.lastTimestampNs = timestampNanos;
        }

        final int status = parser.parse(address, capturedLength, wireLength, linkType, timestampNanos, packet);
        stats.byStatus[status]++;
        stats.malformedByKind[packet.malformed]++;
        if (status != ParseStatus.FLOW && status != ParseStatus.L3_FLOW)
        {
            return;
        }

        final int keyFlags = PacketDescriptor.keyFlags(packet, status == ParseStatus.L3_FLOW, interfaceId);
        final long hash = PacketDescriptor.hash(packet, keyFlags);
        final int q = FlowHash.queue(hash, queues.length);
        final int count = batchCounts[q];
        PacketDescriptor.write(batches[q], QueueMessages.BATCH_HEADER_LENGTH + count * PacketDescriptor.LENGTH,
            packet, hash, keyFlags, address, capturedLength, wireLength, timestampNanos);
        stats.packetsPerQueue[q]++;
        batchCounts[q] = count + 1;
        if (count + 1 == batchCapacity)
        {
            sendBatch(q);
        }
    }

    CaptureStats stats()
    {
        return stats;
    }

    @Override
    public void onClose()
    {
        stats.cpuNanos = ThreadCpu.currentThreadNanos();
    }

    @Override
    public String roleName()
    {
        return "spillway-capture";
    }

    private void sendBatch(final int q)
    {
        final UnsafeBuffer batch = batches[q];
        final int count = batchCounts[q];
        batch.putLong(QueueMessages.BATCH_TIME_NS, timeNs);
        batch.putInt(QueueMessages.BATCH_COUNT, count);
        write(q, QueueMessages.PACKETS, batch,
            QueueMessages.BATCH_HEADER_LENGTH + count * PacketDescriptor.LENGTH);
        batchCounts[q] = 0;
        lastSentNs[q] = timeNs;
    }

    private void sendTime(final int q, final int type)
    {
        tick.putLong(QueueMessages.BATCH_TIME_NS, timeNs == Long.MIN_VALUE ? 0 : timeNs);
        tick.putInt(QueueMessages.BATCH_COUNT, 0);
        write(q, type, tick, QueueMessages.BATCH_HEADER_LENGTH);
        lastSentNs[q] = timeNs;
    }

    /** Back-pressure: reading a file must not lose packets, so wait for the worker to make room. */
    private void write(final int q, final int type, final UnsafeBuffer buffer, final int length)
    {
        if (!queues[q].write(type, buffer, 0, length))
        {
            stats.ringFullWaits++;
            ringFullIdle.reset();
            while (!queues[q].write(type, buffer, 0, length))
            {
                ringFullIdle.idle();
            }
        }
    }
}
