package io.spillway.probe.offload;

import io.spillway.device.Counters;
import io.spillway.exporter.FlowEndReason;
import io.spillway.offload.ExpiryCause;
import io.spillway.offload.LearnResult;
import io.spillway.offload.OffloadFlowKey;
import io.spillway.probe.flow.FlowCache;
import io.spillway.probe.flow.FlowStage;
import io.spillway.probe.flow.HardwareCounts;
import io.spillway.probe.flow.OffloadedActiveTimeout;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

/**
 * One worker's side of hardware offload, on the worker's thread: decides when a flow is handed to the device, puts
 * the request on the worker's deferral ring for the OffloadAgent (the worker never calls the device, whose learns
 * cost microseconds), and applies the results and expiry events the agent sends back on the result ring.
 * <p>
 * A flow is requested once, when it is ready: every earlier stage is done with it (DPI: its inspection concluded)
 * and the host counted {@code afterPackets} of its packets (with DPI on, 1). From then on the flow is PENDING, then OFFLOADED, and its packets
 * still arriving from the NIC's buffer are counted by the host without a second request. When an OFFLOADED flow's
 * record is due (active timeout), it is unlearned; the device's final counters go into that record and the flow
 * starts over, to be requested again at its next packet: one request per flow and active-timeout period. A request
 * that cannot be queued, a refusal and a failure all leave the flow in software, counted. An event whose flowId names
 * no live flow (its slot was recycled, or the flow was renewed) or a flow not in the state the event expects (a
 * duplicate) is counted and ignored.
 * Nothing here allocates per packet or per event.
 */
public final class OffloadStage implements FlowStage, MessageHandler, OffloadedActiveTimeout
{
    private final FlowCache cache;
    private final RingBuffer deferrals;
    private final RingBuffer results;
    private final int afterPackets;
    private final OffloadFlowKey key = new OffloadFlowKey();
    private final HardwareCounts hardware = new HardwareCounts();
    private final OffloadCounters counters;

    private boolean shuttingDown;
    private int unlearnCursor;
    private boolean endingSent;

    /**
     * @param deferrals    the worker's deferral ring, read by the OffloadAgent
     * @param results      the worker's result ring, written by the OffloadAgent
     * @param afterPackets host packets a flow needs before it is offloaded (at least 1)
     * @param counters     where the worker's offload figures are registered, {@code queue} their owner
     */
    public OffloadStage(
        final FlowCache cache, final RingBuffer deferrals, final RingBuffer results, final int afterPackets,
        final Counters counters, final int queue)
    {
        if (afterPackets < 1)
        {
            throw new IllegalArgumentException("afterPackets must be at least 1: " + afterPackets);
        }
        this.cache = cache;
        this.deferrals = deferrals;
        this.results = results;
        this.afterPackets = afterPackets;
        this.counters = new OffloadCounters(counters, queue);
        cache.offloadedActiveTimeout(this);
    }

    /** After the flow cache and the earlier stages took a packet of the flow: requests offload once it is ready. */
    @Override
    public boolean onPacket(final int slot, final DirectBuffer descriptor, final int offset, final boolean earlierDone)
    {
        onPacket(slot, earlierDone);
        return earlierDone;
    }

    /** A packet of the flow in {@code slot} was counted, and no earlier stage needs more of it. */
    public void onPacket(final int slot)
    {
        onPacket(slot, true);
    }

    private void onPacket(final int slot, final boolean ready)
    {
        switch (cache.offloadState(slot))
        {
            case FlowCache.OFFLOAD_NONE ->
            {
                if (ready && cache.hostPackets(slot) >= afterPackets)
                {
                    request(slot);
                }
            }
            case FlowCache.OFFLOAD_PENDING, FlowCache.OFFLOAD_OFFLOADED -> counters.duplicatesPrevented.incrementOpaque();
            default ->
            {
                // SOFTWARE: decided, the host counts it.
            }
        }
    }

    /** The flow's record is due: unlearn it, unless shutting down (all are unlearned then) or the ring is full. */
    @Override
    public boolean onDue(final int slot)
    {
        if (shuttingDown || !send(OffloadMessages.UNLEARN, cache.flowId(slot)))
        {
            return false;
        }
        counters.unlearns.incrementOpaque();
        return true;
    }

    /** Applies up to {@code limit} results and expiry events from the agent; returns how many. */
    public int pollResults(final int limit)
    {
        return results.read(this, limit);
    }

    /** End of input: from now on every OFFLOADED flow is unlearned (see {@link #continueShutdown}). */
    public void beginShutdown()
    {
        shuttingDown = true;
        unlearnCursor = 0;
    }

    /**
     * Sends the unlearns of the OFFLOADED flows, then ENDING, as far as the deferral ring has room (the rest on the
     * next call: the worker never waits for the agent). The agent drains the device once every worker sent ENDING,
     * so a flow whose unlearn takes effect only later (the NIC's buffer delay) still ends.
     *
     * @return messages sent
     */
    public int continueShutdown()
    {
        int sent = 0;
        while (unlearnCursor >= 0)
        {
            final int slot = cache.nextOffloaded(unlearnCursor);
            if (slot < 0)
            {
                unlearnCursor = -1;
            }
            else if (send(OffloadMessages.UNLEARN, cache.flowId(slot)))
            {
                unlearnCursor = slot + 1;
                counters.unlearns.incrementOpaque();
                sent++;
            }
            else
            {
                return sent;
            }
        }
        if (!endingSent && send(OffloadMessages.ENDING, 0))
        {
            endingSent = true;
            sent++;
        }
        return sent;
    }

    /** True once ENDING is sent and the device gave back every flow: the cache may be flushed. */
    public boolean isShutdownComplete()
    {
        return endingSent && cache.deviceOwnedFlows() == 0;
    }

    /** The worker's offload figures so far; read them on the worker's thread or after it ended. */
    public OffloadStats stats()
    {
        return counters.snapshot();
    }

    @Override
    public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final long flowId = buffer.getLong(index + OffloadMessages.FLOW_ID);
        final int slot = cache.slotOf(flowId);
        if (slot < 0)
        {
            counters.staleEvents.incrementOpaque();
            return;
        }
        final int state = cache.offloadState(slot);
        switch (type)
        {
            case OffloadMessages.LEARN_DONE -> onLearnDone(slot, state, flowId);
            case OffloadMessages.LEARN_FAILED ->
                onLearnFailed(slot, state, buffer.getInt(index + OffloadMessages.CAUSE));
            case OffloadMessages.FLOW_EXPIRED -> onFlowExpired(slot, state, buffer, index);
            default -> throw new IllegalStateException("unknown offload result type " + type);
        }
    }

    private void request(final int slot)
    {
        if (!cache.isOffloadable(slot))
        {
            cache.markSoftware(slot);
            counters.notEligible.incrementOpaque();
            return;
        }
        if (!cache.hasOffloadRoom())
        {
            cache.markSoftware(slot);
            counters.noRoom.incrementOpaque();
            return;
        }
        final int index = deferrals.tryClaim(OffloadMessages.LEARN, OffloadMessages.LEARN_LENGTH);
        if (index < 0)
        {
            cache.markSoftware(slot);
            counters.requestsNotQueued.incrementOpaque();
            return;
        }
        cache.offloadKey(slot, key);
        final MutableDirectBuffer buffer = deferrals.buffer();
        buffer.putLong(index + OffloadMessages.FLOW_ID, cache.flowId(slot));
        buffer.putLong(index + OffloadMessages.SRC_HI, key.srcHi());
        buffer.putLong(index + OffloadMessages.SRC_LO, key.srcLo());
        buffer.putLong(index + OffloadMessages.DST_HI, key.dstHi());
        buffer.putLong(index + OffloadMessages.DST_LO, key.dstLo());
        buffer.putInt(index + OffloadMessages.PORTS, key.srcPort() << 16 | key.dstPort());
        buffer.putByte(index + OffloadMessages.PROTOCOL, (byte)key.protocol());
        buffer.putByte(index + OffloadMessages.IP_VERSION, (byte)key.ipVersion());
        buffer.putShort(index + OffloadMessages.VLAN, (short)key.vlanId());
        deferrals.commit(index);
        cache.markPending(slot);
        counters.requests.incrementOpaque();
    }

    private void onLearnDone(final int slot, final int state, final long flowId)
    {
        if (state != FlowCache.OFFLOAD_PENDING)
        {
            counters.outOfStateEvents.incrementOpaque();
            return;
        }
        cache.markOffloaded(slot);
        counters.learned.incrementOpaque();
        // At shutdown, a flow learned after the unlearn sweep passed its slot is unlearned here; if the ring is
        // full, the device's drain ends it instead.
        if (shuttingDown && (unlearnCursor < 0 || slot < unlearnCursor) && send(OffloadMessages.UNLEARN, flowId))
        {
            counters.unlearns.incrementOpaque();
        }
    }

    private void onLearnFailed(final int slot, final int state, final int cause)
    {
        if (state != FlowCache.OFFLOAD_PENDING)
        {
            counters.outOfStateEvents.incrementOpaque();
            return;
        }
        cache.markSoftware(slot);
        counters.failedByCause[cause > 0 && cause < counters.failedByCause.length ? cause : LearnResult.DEVICE_ERROR]
            .incrementOpaque();
    }

    private void onFlowExpired(final int slot, final int state, final MutableDirectBuffer buffer, final int index)
    {
        if (state != FlowCache.OFFLOAD_PENDING && state != FlowCache.OFFLOAD_OFFLOADED)
        {
            counters.outOfStateEvents.incrementOpaque();
            return;
        }
        if (state == FlowCache.OFFLOAD_PENDING)
        {
            // The expiry overtook the learn's result: it implies the learn succeeded.
            counters.learned.incrementOpaque();
        }
        final int cause = buffer.getInt(index + OffloadMessages.CAUSE);
        hardware.set(
            buffer.getLong(index + OffloadMessages.FWD_PACKETS), buffer.getLong(index + OffloadMessages.FWD_BYTES),
            buffer.getLong(index + OffloadMessages.REV_PACKETS), buffer.getLong(index + OffloadMessages.REV_BYTES),
            buffer.getByte(index + OffloadMessages.FWD_TCP_FLAGS) & 0xFF,
            buffer.getByte(index + OffloadMessages.REV_TCP_FLAGS) & 0xFF,
            buffer.getLong(index + OffloadMessages.LAST_SEEN_NS) / 1_000_000L);
        if (cause == ExpiryCause.SOFTWARE_UNLEARN && cache.isRenewing(slot) && !shuttingDown)
        {
            cache.renewOffloaded(slot, hardware);
            counters.renewals.incrementOpaque();
        }
        else
        {
            cache.expireOffloaded(slot, endReason(cause), hardware);
        }
        counters.expiredByCause[cause > 0 && cause < counters.expiredByCause.length ? cause : 0].incrementOpaque();
        counters.hwPackets.getAndAddOpaque(hardware.packets());
        counters.hwBytes.getAndAddOpaque(hardware.bytes());
    }

    /** A message that is only a flowId; false when the deferral ring has no room. */
    private boolean send(final int type, final long flowId)
    {
        final int index = deferrals.tryClaim(type, OffloadMessages.FLOW_ID_LENGTH);
        if (index < 0)
        {
            return false;
        }
        deferrals.buffer().putLong(index + OffloadMessages.FLOW_ID, flowId);
        deferrals.commit(index);
        return true;
    }

    /** The record's flowEndReason for a device expiry cause. */
    static int endReason(final int expiryCause)
    {
        return switch (expiryCause)
        {
            case ExpiryCause.IDLE_TIMEOUT -> FlowEndReason.IDLE_TIMEOUT;
            case ExpiryCause.TCP_END -> FlowEndReason.END_OF_FLOW;
            default -> FlowEndReason.FORCED_END;
        };
    }
}
