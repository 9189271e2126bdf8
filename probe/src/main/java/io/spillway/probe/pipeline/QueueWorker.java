package io.spillway.probe.pipeline;

import io.spillway.exporter.FlowRecord;
import io.spillway.offload.emulated.HostPacketHandler;
import io.spillway.offload.emulated.HostRing;
import io.spillway.probe.dpi.FlowInspection;
import io.spillway.probe.flow.ExpiredFlowHandler;
import io.spillway.probe.flow.FlowCache;
import io.spillway.packet.PacketDescriptor;
import io.spillway.probe.offload.FlowOffloader;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One worker per queue, share-nothing: drains its ring of packet batches into its private
 * {@link FlowCache} and sends the records the cache expires to its export ring.
 * <p>
 * Behind the emulated SmartNIC, packets come from the NIC's host ring for this queue instead (with a flowId for
 * tagged flows), and the capture ring carries only ticks and END; before either, the worker takes every packet the
 * NIC delivered, so time and the end of input never overtake packets. With offload, a {@link FlowOffloader} decides
 * after each packet whether to hand the flow to the device, and the worker applies the device's results and expiry
 * events every loop. At END it unlearns its offloaded flows and waits until the device gave back every one, then
 * flushes the cache and ends the export; it stops once the OffloadAgent has ended, so no event is left unread.
 */
final class QueueWorker implements Agent, MessageHandler, ExpiredFlowHandler, HostPacketHandler
{
    private static final int MESSAGES_PER_WORK = 16;
    private static final int HOST_PACKETS_PER_WORK = 256;
    private static final int RESULTS_PER_WORK = 256;

    private final int queue;
    private final RingBuffer packets;
    private final RingBuffer records;
    private final FlowCache cache;
    private final FlowInspection inspection;
    private final HostRing hostRing;
    private final FlowOffloader offloader;
    private final AtomicBoolean offloadFinished;
    private final IdleStrategy ringFullIdle;
    private final UnsafeBuffer endMessage = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
    private long packetsProcessed;
    private long bytesProcessed;
    private long recordsSent;
    private long ringFullWaits;
    private long cpuNanos;
    private boolean inputEnded;
    private boolean flushed;
    private boolean ended;

    /**
     * @param hostRing        the emulated NIC's host ring of this queue, or null when packets come in batches
     * @param deferrals       offload requests to the OffloadAgent, or null without offload
     * @param results         the OffloadAgent's results and device events for this worker, or null without offload
     * @param offloadFinished set by the OffloadAgent when it has ended, or null without offload
     */
    QueueWorker(
        final int queue, final RingBuffer packets, final RingBuffer records, final ProbeConfig config,
        final IdleStrategy ringFullIdle, final HostRing hostRing, final RingBuffer deferrals, final RingBuffer results,
        final AtomicBoolean offloadFinished)
    {
        this.queue = queue;
        this.packets = packets;
        this.records = records;
        this.ringFullIdle = ringFullIdle;
        this.hostRing = hostRing;
        this.offloadFinished = offloadFinished;
        this.inspection = config.dpi() == null ? null :
            new FlowInspection(config.dpi(), config.maxFlows(), config.dpiMaxPackets(), config.dpiUntil());
        this.cache = new FlowCache(queue, config.maxFlows(), config.timeouts(), this, inspection);
        this.offloader = deferrals == null ? null :
            new FlowOffloader(cache, inspection, deferrals, results, config.offload().afterPackets());
    }

    @Override
    public int doWork()
    {
        if (ended)
        {
            throw new AgentTerminationException();
        }
        int work = 0;
        if (hostRing != null)
        {
            work += hostRing.poll(this, HOST_PACKETS_PER_WORK);
        }
        if (!inputEnded)
        {
            work += packets.read(this, MESSAGES_PER_WORK);
        }
        if (offloader != null)
        {
            work += offloader.pollResults(RESULTS_PER_WORK);
            if (inputEnded)
            {
                work += shutDownOffload();
            }
        }
        return work;
    }

    @Override
    public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (hostRing != null)
        {
            // The NIC delivered these before the capture thread sent this tick or END.
            drainHostRing();
        }
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
                    account(buffer, offset, 0);
                    offset += PacketDescriptor.LENGTH;
                }
            }
            case QueueMessages.END ->
            {
                inputEnded = true;
                if (offloader == null)
                {
                    flushAndEnd();
                    ended = true;
                }
                else
                {
                    offloader.beginShutdown();
                }
            }
            default ->
            {
                // TICK: the time advance above is all it carries.
            }
        }
    }

    /** A packet from the NIC's host ring: a descriptor, with the flow's flowId when the NIC tagged it. */
    @Override
    public void onPacket(final long flowId, final DirectBuffer buffer, final int offset, final int length)
    {
        // Time moves with the packets here, not with batches: expire what went idle before counting this one.
        cache.advanceTime(PacketDescriptor.timestampNanos(buffer, offset) / 1_000_000L);
        account(buffer, offset, flowId);
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

    /** The worker's offload side, null without offload. */
    FlowOffloader offloader()
    {
        return offloader;
    }

    long packetsProcessed()
    {
        return packetsProcessed;
    }

    /** Frame bytes of the packets this worker counted. */
    long bytesProcessed()
    {
        return bytesProcessed;
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

    private void account(final DirectBuffer buffer, final int offset, final long flowId)
    {
        final int slot = cache.onPacket(buffer, offset, flowId);
        if (inspection != null)
        {
            inspection.inspect(slot, buffer, offset);
        }
        if (offloader != null)
        {
            offloader.onPacket(slot);
        }
        packetsProcessed++;
        bytesProcessed += buffer.getInt(offset + PacketDescriptor.WIRE_LENGTH);
    }

    /** After END with offload: unlearn, wait for the device's flows, flush, then wait for the agent to end. */
    private int shutDownOffload()
    {
        if (!flushed)
        {
            final int work = offloader.continueShutdown();
            if (offloader.isShutdownComplete())
            {
                flushAndEnd();
                return work + 1;
            }
            return work;
        }
        if (offloadFinished.get())
        {
            // Nothing can follow; what came after the flush (duplicates) is counted as stale. A read stops at the
            // ring's end, so one more after it.
            offloader.pollResults(Integer.MAX_VALUE);
            offloader.pollResults(Integer.MAX_VALUE);
            ended = true;
            return 1;
        }
        return 0;
    }

    /** Takes every packet in the host ring. A read stops at the ring's end, so only two empty reads mean empty. */
    private void drainHostRing()
    {
        while (hostRing.poll(this, HOST_PACKETS_PER_WORK) > 0 || hostRing.poll(this, HOST_PACKETS_PER_WORK) > 0)
        {
            // Batch after batch.
        }
    }

    private void flushAndEnd()
    {
        cache.flushAll();
        send(QueueMessages.END, endMessage, 0, endMessage.capacity());
        flushed = true;
    }

    /** Waits for room: a record must never be lost between the worker and the exporters. */
    private void send(final int type, final DirectBuffer buffer, final int offset, final int length)
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
