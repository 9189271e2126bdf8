package io.spillway.offload.emulated;

import io.spillway.device.Counters;
import io.spillway.offload.ExpiryCause;
import io.spillway.offload.FlowOffload;
import io.spillway.offload.LearnRequest;
import io.spillway.offload.LearnResult;
import io.spillway.offload.OffloadAction;
import io.spillway.offload.OffloadCapabilities;
import io.spillway.offload.OffloadEventHandler;
import io.spillway.offload.OffloadFlowKey;
import org.agrona.DirectBuffer;

import java.lang.foreign.Arena;
import java.util.EnumSet;
import java.util.SplittableRandom;

/**
 * A software model of the Napatech NT200A02 flow manager (backend {@value #NAME}): the {@link FlowOffload} device
 * and the receive path that feeds the host.
 *
 * <h2>Threads</h2>
 * The {@link FlowOffload} methods run on the OffloadAgent thread; {@link #receive} and {@link #advanceTime} on one
 * receive thread (the probe's capture thread); each {@link HostRing} is read by one worker; {@link #counters()} by
 * anyone. The table, the rate limiter, the clock and the event queue are guarded by one lock, held for one
 * packet's lookup or one learn's insertion; the programming cost is paid outside it, and host rings are written
 * outside it.
 *
 * <h2>Time</h2>
 * Device time is the largest packet timestamp seen (or given to {@link #advanceTime}); it never goes back, and a
 * packet older than it is handled at device time. The learning rate, the buffer delay, idle expiry and delayed
 * events all run on device time, so a capture replayed at file speed behaves as on the wire, and a test driving the
 * device from one thread is deterministic. Set the time before the first learn: the clock starts at 0.
 *
 * <h2>Receive buffer delay</h2>
 * A learn called at device time T takes effect for packets from T + delay on; packets before that were already in
 * the NIC's buffer and still reach the host, untagged. An unlearn at T stops matching at T + delay: packets until
 * then are still counted in hardware, and the FLOW_EXPIRED (with final counters) is produced when device time
 * reaches T + delay. The same key may be learned again meanwhile (the two entries' windows do not overlap).
 *
 * <h2>Expiry</h2>
 * A sweep visits every table slot once per {@link EmulatedNicConfig#expirySweepPeriodNs sweep period} of device
 * time, a share per time advance, and expires flows idle for their timeout (so up to one period late). TCP
 * auto-unlearn removes a flow at the packet that completes FIN in both directions, or at a RST; that packet is
 * counted in hardware, and later ones (the last ACK) go to the host.
 */
public final class EmulatedSmartNic implements FlowOffload
{
    public static final String NAME = "emulated";

    private static final int POLL_BATCH = 256;
    private static final int PROTOCOL_TCP = 6;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_RST = 0x04;
    private static final OffloadAction[] ACTIONS = OffloadAction.values();

    private final Object lock = new Object();
    private final Arena arena = Arena.ofShared();
    private final int capacity;
    private final long programmingCostNs;
    private final long bufferDelayNs;
    private final long sweepPeriodNs;
    private final int queues;
    private final int ports;
    private final FaultInjection faults;
    private final SplittableRandom random;
    private final CuckooFlowTable table;
    private final FlowIdIndex flowIds;
    private final SlotFifo unlearning;
    private final LearnRateLimiter rateLimiter;
    private final EventQueue events;
    private final HostRing[] hostRings;
    private final NicCounters counters;
    private final OffloadCapabilities capabilities;
    private final long[] taken = new long[POLL_BATCH * EventQueue.RECORD_LONGS];

    // Guarded by lock.
    private long nowNs;
    private long sweepElapsedNs;
    private int sweptInPeriod;
    private int sweepCursor;
    private boolean drained;
    private boolean closed;

    /** A device with counters of its own (tests that drive it alone). */
    public EmulatedSmartNic(final EmulatedNicConfig config)
    {
        this(config, new Counters());
    }

    /** A device whose counters are registered in the run's {@code registry}. */
    public EmulatedSmartNic(final EmulatedNicConfig config, final Counters registry)
    {
        capacity = config.flowTableCapacity();
        programmingCostNs = config.programmingCostNs();
        bufferDelayNs = config.bufferDelayNs();
        sweepPeriodNs = config.expirySweepPeriodNs();
        queues = config.queues();
        ports = config.ports();
        faults = config.faults();
        if (programmingCostNs < 0 || bufferDelayNs < 0 || sweepPeriodNs <= 0 || queues < 1 || ports < 1 ||
            ports > 0xFFFF)
        {
            throw new IllegalArgumentException("invalid emulated NIC configuration: " + config);
        }
        random = new SplittableRandom(faults.seed());
        counters = new NicCounters(ports, registry);
        rateLimiter = new LearnRateLimiter(config.learnRateFlowsPerSecond(), config.learnBurst());
        events = new EventQueue(Math.min(capacity, 1 << 16), faults, random, counters);
        hostRings = new HostRing[queues];
        for (int queue = 0; queue < queues; queue++)
        {
            hostRings[queue] = new HostRing(config.hostRingBytes());
        }
        try
        {
            table = new CuckooFlowTable(capacity, arena);
            flowIds = new FlowIdIndex(capacity, arena);
            unlearning = new SlotFifo(capacity, arena);
        }
        catch (final RuntimeException ex)
        {
            arena.close();
            throw ex;
        }
        capabilities = new OffloadCapabilities(
            capacity, config.learnRateFlowsPerSecond(), EnumSet.allOf(OffloadAction.class), ports, true);
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public OffloadCapabilities capabilities()
    {
        return capabilities;
    }

    /**
     * {@inheritDoc}
     * <p>
     * Emulated: a request that passes the argument checks first costs the caller the programming time (a busy
     * wait), then is decided at once against the table and the learning rate at the current device time; its
     * LEARN_DONE or LEARN_FAILED (TABLE_FULL, KEY_EXISTS, or an injected fault) is queued for the next poll.
     */
    @Override
    public int learn(final LearnRequest request)
    {
        if (!isWellFormed(request))
        {
            counters.increment(NicCounter.LEARNS_REFUSED_INVALID);
            return LearnResult.INVALID;
        }
        if (closed || drained)
        {
            counters.increment(NicCounter.LEARNS_REFUSED_CLOSED);
            return LearnResult.DEVICE_ERROR;
        }
        spin(programmingCostNs);
        synchronized (lock)
        {
            if (closed || drained)
            {
                counters.increment(NicCounter.LEARNS_REFUSED_CLOSED);
                return LearnResult.DEVICE_ERROR;
            }
            final long flowId = request.flowId();
            if (flowIds.get(flowId) >= 0)
            {
                counters.increment(NicCounter.LEARNS_REFUSED_INVALID);
                return LearnResult.INVALID;
            }
            rateLimiter.advance(nowNs, fill());
            if (!rateLimiter.tryAcquire())
            {
                counters.increment(NicCounter.LEARNS_REFUSED_RATE);
                return LearnResult.RATE_EXCEEDED;
            }
            counters.increment(NicCounter.LEARNS_ACCEPTED);
            final int result = install(request);
            switch (result)
            {
                case LearnResult.ACCEPTED ->
                {
                    counters.increment(NicCounter.LEARNS_DONE);
                    events.learnDone(flowId, nowNs);
                }
                case LearnResult.TABLE_FULL -> failed(flowId, result, NicCounter.LEARNS_FAILED_TABLE_FULL);
                case LearnResult.KEY_EXISTS -> failed(flowId, result, NicCounter.LEARNS_FAILED_KEY_EXISTS);
                default -> failed(flowId, result, NicCounter.LEARNS_FAILED_DEVICE_ERROR);
            }
            return LearnResult.ACCEPTED;
        }
    }

    /** {@inheritDoc} Emulated: costs the caller the programming time when the flowId is not 0. */
    @Override
    public boolean unlearn(final long flowId)
    {
        if (flowId == 0 || closed)
        {
            return false;
        }
        spin(programmingCostNs);
        synchronized (lock)
        {
            if (closed)
            {
                return false;
            }
            final int slot = flowIds.get(flowId);
            if (slot < 0 || table.removeAt(slot) != CuckooFlowTable.NEVER)
            {
                return false;
            }
            counters.increment(NicCounter.UNLEARNS);
            table.removeAt(slot, nowNs + bufferDelayNs);
            unlearning.add(slot);
            finishUnlearns();
            return true;
        }
    }

    /** {@inheritDoc} The handler must not throw: events taken for the batch in progress would be lost. */
    @Override
    public int poll(final OffloadEventHandler handler, final int limit)
    {
        int delivered = 0;
        while (delivered < limit)
        {
            final int batch;
            synchronized (lock)
            {
                if (closed)
                {
                    break;
                }
                batch = events.take(taken, Math.min(POLL_BATCH, limit - delivered), nowNs);
            }
            if (batch == 0)
            {
                break;
            }
            for (int event = 0; event < batch; event++)
            {
                EventQueue.dispatch(taken, event, handler);
            }
            delivered += batch;
        }
        return delivered;
    }

    @Override
    public void drain()
    {
        synchronized (lock)
        {
            if (closed || drained)
            {
                return;
            }
            drained = true;
            while (!unlearning.isEmpty())
            {
                expire(unlearning.poll(), ExpiryCause.SOFTWARE_UNLEARN);
            }
            for (int slot = 0; slot < capacity; slot++)
            {
                if (table.inUse(slot))
                {
                    expire(slot, ExpiryCause.DRAIN);
                }
            }
            events.makeAllVisible();
        }
    }

    /** {@inheritDoc} Host rings stay readable, so workers can take what is left in them. */
    @Override
    public void close()
    {
        synchronized (lock)
        {
            if (!closed)
            {
                closed = true;
                arena.close();
            }
        }
    }

    /**
     * The receive path, for one packet whose key the caller parsed: advances device time to its timestamp, looks
     * the key up, and either handles the packet in hardware (counted per direction, then dropped or transmitted)
     * or writes it to the host ring of its queue with the flowId when the device may tag it.
     *
     * @param key         the packet's key as the hardware sees it (source and destination as on the wire)
     * @param rssHash     the caller's symmetric hash of the key (equal for both directions): its high 32 bits pick
     *                    the queue, {@code ((rssHash >>> 32) * queues) >>> 32}, as the probe's software RSS does
     * @param timestampNs the packet's time
     * @param frameLength the frame's bytes, as hardware counters count them
     * @param tcpFlags    the TCP flags byte, 0 for other protocols
     * @param packet      bytes to give the host with the packet (e.g. the probe's packet descriptor), copied into
     *                    the ring; at most an eighth of the ring's size
     * @return a {@link ReceiveOutcome}
     * @throws IllegalStateException once the device is closed
     */
    public int receive(
        final OffloadFlowKey key, final long rssHash, final long timestampNs, final int frameLength,
        final int tcpFlags, final DirectBuffer packet, final int offset, final int length)
    {
        long flowIdTag = 0;
        final int outcome;
        synchronized (lock)
        {
            ensureOpen();
            advance(timestampNs);
            counters.increment(NicCounter.LOOKUPS);
            final int found = table.lookup(key, KeyHash.of(key), nowNs);
            if (found < 0)
            {
                counters.increment(NicCounter.MISSES);
                outcome = ReceiveOutcome.TO_HOST;
            }
            else
            {
                counters.increment(NicCounter.HITS);
                final int slot = found >> 1;
                final int direction = found & 1;
                table.lastSeen(slot, nowNs);
                outcome = handle(slot, direction, frameLength, tcpFlags);
                if (outcome == ReceiveOutcome.TO_HOST)
                {
                    flowIdTag = table.flowId(slot);
                }
                autoUnlearn(slot, direction, tcpFlags);
            }
        }
        if (outcome != ReceiveOutcome.TO_HOST)
        {
            return outcome;
        }
        if (!hostRings[queueOf(rssHash)].offer(flowIdTag, packet, offset, length))
        {
            counters.increment(NicCounter.HOST_RING_DROPS);
            counters.add(NicCounter.HOST_RING_DROP_BYTES, frameLength);
            return ReceiveOutcome.HOST_RING_FULL;
        }
        counters.increment(NicCounter.HOST_PACKETS);
        if (flowIdTag != 0)
        {
            counters.increment(NicCounter.HOST_TAGGED_PACKETS);
        }
        return outcome;
    }

    /** Moves device time forward without a packet (a quiet link still expires flows and delivers delayed events). */
    public void advanceTime(final long timeNs)
    {
        synchronized (lock)
        {
            ensureOpen();
            advance(timeNs);
        }
    }

    /** Device time: the largest packet timestamp or {@link #advanceTime} value seen, 0 before any. */
    public long nowNs()
    {
        synchronized (lock)
        {
            return nowNs;
        }
    }

    public int queues()
    {
        return queues;
    }

    /** The host ring of receive queue {@code queue}, read by that queue's worker. */
    public HostRing hostRing(final int queue)
    {
        return hostRings[queue];
    }

    public NicCounters counters()
    {
        return counters;
    }

    /** Most cell moves one table insertion has needed so far (bounded by the cuckoo search depth). */
    public int longestRelocation()
    {
        synchronized (lock)
        {
            return table.longestRelocation();
        }
    }

    private int handle(final int slot, final int direction, final int frameLength, final int tcpFlags)
    {
        final OffloadAction action = ACTIONS[table.action(slot)];
        if (action == OffloadAction.TO_HOST)
        {
            return ReceiveOutcome.TO_HOST;
        }
        table.count(slot, direction, frameLength, tcpFlags);
        switch (action)
        {
            case COUNT_AND_DROP ->
            {
                counters.increment(NicCounter.HW_COUNTED_PACKETS);
                counters.add(NicCounter.HW_COUNTED_BYTES, frameLength);
                return ReceiveOutcome.COUNTED;
            }
            case DROP ->
            {
                counters.increment(NicCounter.HW_DROPPED_PACKETS);
                counters.add(NicCounter.HW_DROPPED_BYTES, frameLength);
                return ReceiveOutcome.DROPPED;
            }
            default ->
            {
                counters.increment(NicCounter.HW_FORWARDED_PACKETS);
                counters.add(NicCounter.HW_FORWARDED_BYTES, frameLength);
                counters.forwarded(table.port(slot, direction), frameLength);
                return ReceiveOutcome.FORWARDED;
            }
        }
    }

    private void autoUnlearn(final int slot, final int direction, final int tcpFlags)
    {
        final int flags = table.flags(slot);
        if ((flags & CuckooFlowTable.AUTO_UNLEARN) == 0 || table.protocol(slot) != PROTOCOL_TCP ||
            table.removeAt(slot) != CuckooFlowTable.NEVER)
        {
            return;
        }
        int updated = flags;
        if ((tcpFlags & TCP_FIN) != 0)
        {
            updated |= direction == CuckooFlowTable.FORWARD ? CuckooFlowTable.FIN_FORWARD : CuckooFlowTable.FIN_REVERSE;
            table.flags(slot, updated);
        }
        final int bothFins = CuckooFlowTable.FIN_FORWARD | CuckooFlowTable.FIN_REVERSE;
        if ((tcpFlags & TCP_RST) != 0 || (updated & bothFins) == bothFins)
        {
            expire(slot, ExpiryCause.TCP_END);
        }
    }

    private int install(final LearnRequest request)
    {
        if (faults.learnFailureRate() > 0 && random.nextDouble() < faults.learnFailureRate())
        {
            return LearnResult.DEVICE_ERROR;
        }
        if (faults.tableFullRate() > 0 && random.nextDouble() < faults.tableFullRate())
        {
            return LearnResult.TABLE_FULL;
        }
        final OffloadFlowKey key = request.key();
        final long hash = KeyHash.of(key);
        if (table.findLive(key, hash) >= 0)
        {
            return LearnResult.KEY_EXISTS;
        }
        final int slot = table.insert(key, hash);
        counters.set(NicCounter.TABLE_RELOCATIONS, table.relocations());
        if (slot < 0)
        {
            return LearnResult.TABLE_FULL;
        }
        table.flowId(slot, request.flowId());
        table.effectiveAt(slot, nowNs + bufferDelayNs);
        table.removeAt(slot, CuckooFlowTable.NEVER);
        table.idleTimeout(slot, request.idleTimeoutNs());
        table.action(slot, request.action().ordinal());
        table.ports(slot, request.forwardPort(), request.reversePort());
        table.flags(slot, CuckooFlowTable.IN_USE | (request.tcpAutoUnlearn() ? CuckooFlowTable.AUTO_UNLEARN : 0));
        flowIds.put(request.flowId(), slot);
        counters.set(NicCounter.TABLE_FLOWS, table.size());
        if (table.size() > counters.get(NicCounter.TABLE_FLOWS_PEAK))
        {
            // Only an insertion can raise the fill, so the peak is kept here alone.
            counters.set(NicCounter.TABLE_FLOWS_PEAK, table.size());
        }
        return LearnResult.ACCEPTED;
    }

    private void failed(final long flowId, final int cause, final NicCounter counter)
    {
        counters.increment(counter);
        events.learnFailed(flowId, cause, nowNs);
    }

    private boolean isWellFormed(final LearnRequest request)
    {
        final OffloadAction action = request.action();
        if (request.flowId() == 0 || action == null || !request.key().isValid() || request.idleTimeoutNs() <= 0 ||
            !capabilities.supports(action))
        {
            return false;
        }
        return action != OffloadAction.FORWARD ||
            (request.forwardPort() >= 0 && request.forwardPort() < ports &&
            request.reversePort() >= 0 && request.reversePort() < ports);
    }

    private void advance(final long timeNs)
    {
        if (timeNs <= nowNs)
        {
            return;
        }
        final long elapsed = timeNs - nowNs;
        nowNs = timeNs;
        finishUnlearns();
        sweep(elapsed);
    }

    private void finishUnlearns()
    {
        while (!unlearning.isEmpty() && table.removeAt(unlearning.peek()) <= nowNs)
        {
            expire(unlearning.poll(), ExpiryCause.SOFTWARE_UNLEARN);
        }
    }

    /** Visits the share of slots due for the elapsed time, so each slot is visited once per sweep period. */
    private void sweep(final long elapsedNs)
    {
        sweepElapsedNs += Math.min(elapsedNs, sweepPeriodNs);
        if (sweepElapsedNs >= sweepPeriodNs)
        {
            scan(capacity - sweptInPeriod);
            sweepElapsedNs -= sweepPeriodNs;
            sweptInPeriod = 0;
        }
        final int due = (int)((double)sweepElapsedNs * capacity / sweepPeriodNs);
        if (due > sweptInPeriod)
        {
            scan(due - sweptInPeriod);
            sweptInPeriod = due;
        }
    }

    private void scan(final int slots)
    {
        for (int i = 0; i < slots; i++)
        {
            final int slot = sweepCursor;
            sweepCursor = slot + 1 == capacity ? 0 : slot + 1;
            if (table.inUse(slot) && table.removeAt(slot) == CuckooFlowTable.NEVER &&
                nowNs - Math.max(table.lastSeen(slot), table.effectiveAt(slot)) >= table.idleTimeout(slot))
            {
                expire(slot, ExpiryCause.IDLE_TIMEOUT);
            }
        }
    }

    private void expire(final int slot, final int cause)
    {
        final long flowId = table.flowId(slot);
        events.flowExpired(flowId, cause,
            table.packets(slot, CuckooFlowTable.FORWARD), table.bytes(slot, CuckooFlowTable.FORWARD),
            table.packets(slot, CuckooFlowTable.REVERSE), table.bytes(slot, CuckooFlowTable.REVERSE),
            table.tcpFlags(slot, CuckooFlowTable.FORWARD), table.tcpFlags(slot, CuckooFlowTable.REVERSE),
            table.lastSeen(slot), nowNs);
        counters.increment(switch (cause)
        {
            case ExpiryCause.IDLE_TIMEOUT -> NicCounter.EXPIRED_IDLE;
            case ExpiryCause.TCP_END -> NicCounter.EXPIRED_TCP_END;
            case ExpiryCause.SOFTWARE_UNLEARN -> NicCounter.EXPIRED_UNLEARN;
            default -> NicCounter.EXPIRED_DRAIN;
        });
        flowIds.remove(flowId);
        table.remove(slot);
        counters.set(NicCounter.TABLE_FLOWS, table.size());
    }

    private double fill()
    {
        return (double)table.size() / capacity;
    }

    private int queueOf(final long rssHash)
    {
        return (int)(((rssHash >>> 32) * queues) >>> 32);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("emulated NIC closed");
        }
    }

    /** The programming cost: a busy wait, because parking cannot sleep for microseconds (timer slack is ~50 us). */
    private static void spin(final long durationNs)
    {
        if (durationNs <= 0)
        {
            return;
        }
        final long end = System.nanoTime() + durationNs;
        while (System.nanoTime() - end < 0)
        {
            Thread.onSpinWait();
        }
    }
}
