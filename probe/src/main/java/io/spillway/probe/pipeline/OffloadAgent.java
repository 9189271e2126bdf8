package io.spillway.probe.pipeline;

import io.spillway.offload.FlowOffload;
import io.spillway.offload.LearnRequest;
import io.spillway.offload.LearnResult;
import io.spillway.offload.OffloadAction;
import io.spillway.offload.OffloadEventHandler;
import io.spillway.probe.flow.FlowId;
import io.spillway.probe.offload.OffloadMessages;
import io.spillway.device.Counters;
import io.spillway.device.ThreadCpu;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one thread that talks to the offload device (paper, III: "a software queue which defers the flow creation to
 * a separate thread"): drains every worker's deferral ring into learns and unlearns, polls the device's events and
 * routes each to the result ring of the worker that owns its flowId (the flowId's queue bits). A learn the device
 * refuses at once goes back as LEARN_FAILED with its cause. Mostly idle: the runner's back-off idle strategy parks
 * it when there is nothing to do.
 * <p>
 * Workers never wait for this thread; this thread waits when a result ring is full (the worker drains it every
 * loop). Once every worker has sent ENDING (its unlearns are ahead of it in its ring), the agent drains the device,
 * which ends every flow still on it and makes every pending event deliverable, polls until no event is left, and
 * closes the device. Draining after the unlearns rather than waiting for their events matters: the device's clock
 * is packet time, which stops with the input, so an unlearn that takes effect after the NIC's buffer delay, or an
 * event delayed by the device, would otherwise never come.
 */
final class OffloadAgent implements Agent, MessageHandler, OffloadEventHandler
{
    private static final int MESSAGES_PER_RING = 64;
    private static final int EVENTS_PER_WORK = 256;

    private final FlowOffload device;
    private final RingBuffer[] deferrals;
    private final RingBuffer[] results;
    private final IdleStrategy resultFullIdle;
    private final AtomicBoolean finished;
    private final LearnRequest request = new LearnRequest();
    private final boolean[] ending;
    private int endingCount;
    private int currentQueue;
    private boolean drained;
    private final AtomicCounter learnCalls;
    private final AtomicCounter learnsAccepted;
    private final AtomicCounter unlearnCalls;
    private final AtomicCounter unlearnsOfLiveFlows;
    private final AtomicCounter eventsRouted;
    private final AtomicCounter eventsNotRouted;
    private final AtomicCounter resultRingFullWaits;
    private final AtomicCounter cpuNanos;

    /**
     * @param idleTimeoutNs the device expires a learned flow after this long without a packet (the probe's)
     * @param finished      set when the agent has ended, so workers know no event can follow
     */
    OffloadAgent(
        final FlowOffload device, final RingBuffer[] deferrals, final RingBuffer[] results, final OffloadAction action,
        final long idleTimeoutNs, final IdleStrategy resultFullIdle, final AtomicBoolean finished,
        final Counters counters)
    {
        learnCalls = counters.add(200, Counters.NO_OWNER, "learns asked of the device");
        learnsAccepted = counters.add(201, Counters.NO_OWNER, "learns the device accepted");
        unlearnCalls = counters.add(202, Counters.NO_OWNER, "unlearns asked of the device");
        unlearnsOfLiveFlows = counters.add(203, Counters.NO_OWNER, "unlearns of flows live on the device");
        eventsRouted = counters.add(204, Counters.NO_OWNER, "device events routed to workers");
        eventsNotRouted = counters.add(205, Counters.NO_OWNER, "device events naming no worker");
        resultRingFullWaits = counters.add(206, Counters.NO_OWNER,
            "times the offload thread waited for room in a result ring");
        cpuNanos = counters.add(207, Counters.NO_OWNER, "offload thread CPU, ns");
        this.device = device;
        this.deferrals = deferrals;
        this.results = results;
        this.resultFullIdle = resultFullIdle;
        this.finished = finished;
        this.ending = new boolean[deferrals.length];
        request.action(action).idleTimeoutNs(idleTimeoutNs).tcpAutoUnlearn(true);
    }

    @Override
    public int doWork()
    {
        int work = 0;
        for (int queue = 0; queue < deferrals.length; queue++)
        {
            currentQueue = queue;
            work += deferrals[queue].read(this, MESSAGES_PER_RING);
        }
        if (!drained && endingCount == deferrals.length)
        {
            device.drain();
            drained = true;
            work++;
        }
        final int events = device.poll(this, EVENTS_PER_WORK);
        if (drained && events == 0)
        {
            // Every event has been delivered: nothing more can come from the device.
            device.close();
            finished.set(true);
            throw new AgentTerminationException();
        }
        return work + events;
    }

    @Override
    public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final long flowId = buffer.getLong(index + OffloadMessages.FLOW_ID);
        switch (type)
        {
            case OffloadMessages.LEARN -> learn(flowId, buffer, index);
            case OffloadMessages.UNLEARN ->
            {
                unlearnCalls.incrementOpaque();
                if (device.unlearn(flowId))
                {
                    unlearnsOfLiveFlows.incrementOpaque();
                }
            }
            case OffloadMessages.ENDING ->
            {
                if (!ending[currentQueue])
                {
                    ending[currentQueue] = true;
                    endingCount++;
                }
            }
            default -> throw new IllegalStateException("unknown offload request type " + type);
        }
    }

    @Override
    public void onLearnDone(final long flowId)
    {
        final int index = claim(flowId, OffloadMessages.LEARN_DONE, OffloadMessages.FLOW_ID_LENGTH);
        if (index >= 0)
        {
            commit(flowId, index);
        }
    }

    @Override
    public void onLearnFailed(final long flowId, final int cause)
    {
        learnFailed(flowId, cause);
    }

    @Override
    public void onFlowExpired(
        final long flowId, final int cause, final long forwardPackets, final long forwardBytes,
        final long reversePackets, final long reverseBytes, final int forwardTcpFlags, final int reverseTcpFlags,
        final long lastSeenNs)
    {
        final int index = claim(flowId, OffloadMessages.FLOW_EXPIRED, OffloadMessages.FLOW_EXPIRED_LENGTH);
        if (index >= 0)
        {
            final MutableDirectBuffer buffer = results[FlowId.queue(flowId)].buffer();
            buffer.putInt(index + OffloadMessages.CAUSE, cause);
            buffer.putByte(index + OffloadMessages.FWD_TCP_FLAGS, (byte)forwardTcpFlags);
            buffer.putByte(index + OffloadMessages.REV_TCP_FLAGS, (byte)reverseTcpFlags);
            buffer.putLong(index + OffloadMessages.FWD_PACKETS, forwardPackets);
            buffer.putLong(index + OffloadMessages.FWD_BYTES, forwardBytes);
            buffer.putLong(index + OffloadMessages.REV_PACKETS, reversePackets);
            buffer.putLong(index + OffloadMessages.REV_BYTES, reverseBytes);
            buffer.putLong(index + OffloadMessages.LAST_SEEN_NS, lastSeenNs);
            commit(flowId, index);
        }
    }

    @Override
    public void onClose()
    {
        cpuNanos.setRelease(ThreadCpu.currentThreadNanos());
        device.close();
        finished.set(true);
    }

    @Override
    public String roleName()
    {
        return "spillway-offload";
    }

    OffloadAgentStats stats()
    {
        return new OffloadAgentStats(learnCalls.get(), learnsAccepted.get(), unlearnCalls.get(),
            unlearnsOfLiveFlows.get(), eventsRouted.get(), eventsNotRouted.get(), resultRingFullWaits.get(),
            cpuNanos.get());
    }

    private void learn(final long flowId, final MutableDirectBuffer buffer, final int index)
    {
        final int ports = buffer.getInt(index + OffloadMessages.PORTS);
        request.flowId(flowId).key().set(
            buffer.getByte(index + OffloadMessages.IP_VERSION),
            buffer.getLong(index + OffloadMessages.SRC_HI), buffer.getLong(index + OffloadMessages.SRC_LO),
            ports >>> 16,
            buffer.getLong(index + OffloadMessages.DST_HI), buffer.getLong(index + OffloadMessages.DST_LO),
            ports & 0xFFFF, buffer.getByte(index + OffloadMessages.PROTOCOL) & 0xFF,
            buffer.getShort(index + OffloadMessages.VLAN) & 0xFFFF);
        learnCalls.incrementOpaque();
        final int result = device.learn(request);
        if (result == LearnResult.ACCEPTED)
        {
            learnsAccepted.incrementOpaque();
        }
        else
        {
            // Refused at once: no event follows, so the worker hears it from here.
            learnFailed(flowId, result);
        }
    }

    private void learnFailed(final long flowId, final int cause)
    {
        final int index = claim(flowId, OffloadMessages.LEARN_FAILED, OffloadMessages.LEARN_FAILED_LENGTH);
        if (index >= 0)
        {
            results[FlowId.queue(flowId)].buffer().putInt(index + OffloadMessages.CAUSE, cause);
            commit(flowId, index);
        }
    }

    /** Room in the owning worker's result ring, waiting for it; -1 when the flowId names no worker. */
    private int claim(final long flowId, final int type, final int length)
    {
        final int queue = FlowId.queue(flowId);
        if (queue >= results.length)
        {
            eventsNotRouted.incrementOpaque();
            return -1;
        }
        final RingBuffer ring = results[queue];
        int index = ring.tryClaim(type, length);
        if (index < 0)
        {
            resultRingFullWaits.incrementOpaque();
            resultFullIdle.reset();
            while ((index = ring.tryClaim(type, length)) < 0)
            {
                if (Thread.currentThread().isInterrupted())
                {
                    throw new AgentTerminationException("interrupted while waiting for worker " + queue);
                }
                resultFullIdle.idle();
            }
        }
        results[queue].buffer().putLong(index + OffloadMessages.FLOW_ID, flowId);
        return index;
    }

    private void commit(final long flowId, final int index)
    {
        results[FlowId.queue(flowId)].commit(index);
        eventsRouted.incrementOpaque();
    }
}
