package io.spillway.probe.pipeline;

import io.spillway.device.Counters;
import io.spillway.device.ReceiveCounters;
import io.spillway.device.ReceiveParser;
import io.spillway.device.RxHandler;
import io.spillway.device.RxQueue;
import io.spillway.device.ThreadCpu;
import io.spillway.exporter.FlowRecord;
import io.spillway.packet.PacketBatch;
import io.spillway.packet.PacketDescriptor;
import io.spillway.probe.dpi.FlowInspection;
import io.spillway.probe.flow.ExpiredFlowHandler;
import io.spillway.probe.flow.FlowCache;
import io.spillway.probe.flow.FlowStage;
import io.spillway.probe.offload.OffloadStage;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One worker per receive queue, share-nothing: polls its queue, parses the packets a raw queue delivers, counts
 * each packet into its private {@link FlowCache}, runs the flow's stages in order (DPI, then offload), and sends the
 * records the cache expires to its export ring.
 * <p>
 * Time: the cache moves to a batch's time before counting it (a quiet queue's empty batches keep its flows
 * expiring), and to each packet's time before counting that packet. With offload, the {@link OffloadStage} hands
 * ready flows to the OffloadAgent and the worker applies the device's results and expiry events every loop. At the
 * queue's end it unlearns its offloaded flows and waits until the device gave back every one, then flushes the cache
 * and ends the export; it stops once the OffloadAgent has ended, so no event is left unread.
 */
final class QueueWorker implements Agent, RxHandler, ExpiredFlowHandler
{
    private static final int RESULTS_PER_WORK = 256;

    private final int queue;
    private final RxQueue rxQueue;
    private final RingBuffer records;
    private final FlowCache cache;
    private final ReceiveParser parser;
    private final FlowInspection inspection;
    private final OffloadStage offloader;
    private final FlowStage[] stages;
    private final AtomicBoolean offloadFinished;
    private final IdleStrategy ringFullIdle;
    private final WorkerCounters counters;
    private final UnsafeBuffer endMessage = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
    private boolean inputEnded;
    private boolean flushed;
    private boolean ended;

    /**
     * @param deferrals       offload requests to the OffloadAgent, or null without offload
     * @param results         the OffloadAgent's results and device events for this worker, or null without offload
     * @param offloadFinished set by the OffloadAgent when it has ended, or null without offload
     */
    QueueWorker(
        final int queue, final RxQueue rxQueue, final RingBuffer records, final ProbeConfig config,
        final IdleStrategy ringFullIdle, final RingBuffer deferrals, final RingBuffer results,
        final AtomicBoolean offloadFinished, final Counters counters)
    {
        this.queue = queue;
        this.rxQueue = rxQueue;
        this.records = records;
        this.ringFullIdle = ringFullIdle;
        this.offloadFinished = offloadFinished;
        this.counters = new WorkerCounters(counters, queue);
        this.parser = new ReceiveParser(new ReceiveCounters(counters, queue));
        this.inspection = config.dpi() == null ? null :
            new FlowInspection(config.dpi(), config.maxFlows(), config.dpiMaxPackets(), config.dpiUntil(), counters,
                queue);
        this.cache = new FlowCache(queue, config.maxFlows(), config.timeouts(), this, inspection, counters);
        // With DPI the flow is ready once inspected; the packet count applies without it.
        this.offloader = deferrals == null ? null : new OffloadStage(cache, deferrals, results,
            inspection == null ? config.offload().afterPackets() : 1, counters, queue);
        final List<FlowStage> inOrder = new ArrayList<>();
        if (inspection != null)
        {
            inOrder.add(inspection);
        }
        if (offloader != null)
        {
            inOrder.add(offloader);
        }
        this.stages = inOrder.toArray(new FlowStage[0]);
    }

    @Override
    public int doWork()
    {
        if (ended)
        {
            throw new AgentTerminationException();
        }
        int work = 0;
        if (!inputEnded)
        {
            final int received = rxQueue.poll(this);
            if (received == RxQueue.END)
            {
                onInputEnd();
                work++;
            }
            else
            {
                work += received;
            }
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
    public void onBatch(final PacketBatch batch)
    {
        // A queue's time is at least every packet's of the batch: one advance covers them all. Without it, time moves
        // with the packets: expire what went idle before each one.
        final boolean timed = batch.timeNs() != PacketBatch.NO_TIME;
        if (timed)
        {
            cache.advanceTime(batch.timeNs() / 1_000_000L);
        }
        if (!batch.isParsed())
        {
            parser.parseInPlace(batch);
        }
        final int count = batch.count();
        if (count == 0)
        {
            return;
        }
        final MutableDirectBuffer buffer = batch.buffer();
        int offset = batch.offset();
        cache.prefetch(buffer, offset, count, PacketDescriptor.LENGTH);
        long bytes = 0;
        for (int i = 0; i < count; i++)
        {
            if (!timed)
            {
                cache.advanceTime(PacketDescriptor.timestampNanos(buffer, offset) / 1_000_000L);
            }
            account(buffer, offset);
            bytes += buffer.getInt(offset + PacketDescriptor.WIRE_LENGTH);
            offset += PacketDescriptor.LENGTH;
        }
        // Once per batch: a counter store per packet costs a cache line of its own.
        counters.packets.getAndAddOpaque(count);
        counters.bytes.getAndAddOpaque(bytes);
    }

    @Override
    public void onExpired(final FlowRecord record)
    {
        send(RecordMessages.RECORD, record.buffer(), record.offset(), record.length());
        counters.records.incrementOpaque();
    }

    @Override
    public void onClose()
    {
        counters.cpuNanos.setRelease(ThreadCpu.currentThreadNanos());
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

    /** The worker's offload stage, null without offload. */
    OffloadStage offloader()
    {
        return offloader;
    }

    WorkerCounters counters()
    {
        return counters;
    }

    private void account(final DirectBuffer buffer, final int offset)
    {
        final int slot = cache.onPacket(buffer, offset, buffer.getLong(offset + PacketDescriptor.FLOW_ID));
        boolean done = true;
        for (final FlowStage stage : stages)
        {
            done = stage.onPacket(slot, buffer, offset, done);
        }
    }

    private void onInputEnd()
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

    /** After the end of input with offload: unlearn, wait for the device's flows, flush, then wait for the agent. */
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

    private void flushAndEnd()
    {
        cache.flushAll();
        send(RecordMessages.END, endMessage, 0, endMessage.capacity());
        flushed = true;
    }

    /** Waits for room: a record must never be lost between the worker and the exporters. */
    private void send(final int type, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!records.write(type, buffer, offset, length))
        {
            counters.recordRingFullWaits.incrementOpaque();
            ringFullIdle.reset();
            while (!records.write(type, buffer, offset, length))
            {
                ringFullIdle.idle();
            }
        }
    }
}
