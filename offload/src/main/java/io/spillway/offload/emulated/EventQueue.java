package io.spillway.offload.emulated;

import io.spillway.offload.OffloadEventHandler;

import java.util.SplittableRandom;

/**
 * The device's event queue: LEARN_DONE, LEARN_FAILED and FLOW_EXPIRED records of 8 longs in a ring of primitive
 * longs, in the order the device produced them (plus the injected faults). An event is deliverable once device
 * time reaches its visible-at time; a delayed event holds back those behind it.
 * <p>
 * The ring doubles when full rather than lose an event (exactly-once): that allocates only while the host falls
 * behind on polling, never per event in steady state. Its size is bounded by the flows the host learned and did not
 * hear about yet. Not thread-safe: the device guards it with its lock.
 */
final class EventQueue
{
    static final int LEARN_DONE = 1;
    static final int LEARN_FAILED = 2;
    static final int FLOW_EXPIRED = 3;

    static final int RECORD_LONGS = 8;
    private static final int FLOW_ID = 0;
    private static final int KIND_CAUSE_FLAGS = 1;  // kind | cause << 8 | forward flags << 16 | reverse flags << 24
    private static final int FORWARD_PACKETS = 2;
    private static final int FORWARD_BYTES = 3;
    private static final int REVERSE_PACKETS = 4;
    private static final int REVERSE_BYTES = 5;
    private static final int LAST_SEEN = 6;
    private static final int VISIBLE_AT = 7;

    private final FaultInjection faults;
    private final SplittableRandom random;
    private final NicCounters counters;
    private long[] records;
    private int capacity;
    private long head;
    private long tail;

    EventQueue(final int initialCapacity, final FaultInjection faults, final SplittableRandom random,
        final NicCounters counters)
    {
        this.faults = faults;
        this.random = random;
        this.counters = counters;
        capacity = Integer.highestOneBit(Math.max(16, initialCapacity - 1)) << 1;
        records = new long[capacity * RECORD_LONGS];
    }

    /** Events queued and not yet taken, deliverable or not. */
    int size()
    {
        return (int)(tail - head);
    }

    void learnDone(final long flowId, final long nowNs)
    {
        append(flowId, LEARN_DONE, 0, 0, 0, 0, 0, 0, 0, 0, nowNs);
    }

    void learnFailed(final long flowId, final int cause, final long nowNs)
    {
        append(flowId, LEARN_FAILED, cause, 0, 0, 0, 0, 0, 0, 0, nowNs);
    }

    void flowExpired(
        final long flowId, final int cause, final long forwardPackets, final long forwardBytes,
        final long reversePackets, final long reverseBytes, final int forwardTcpFlags, final int reverseTcpFlags,
        final long lastSeenNs, final long nowNs)
    {
        append(flowId, FLOW_EXPIRED, cause, forwardPackets, forwardBytes, reversePackets, reverseBytes,
            forwardTcpFlags, reverseTcpFlags, lastSeenNs, nowNs);
    }

    /** Copies up to {@code max} deliverable events, oldest first, into {@code into}; returns how many. */
    int take(final long[] into, final int max, final long nowNs)
    {
        int taken = 0;
        while (taken < max && head < tail)
        {
            final int from = index(head);
            if (records[from + VISIBLE_AT] > nowNs)
            {
                break;
            }
            System.arraycopy(records, from, into, taken * RECORD_LONGS, RECORD_LONGS);
            head++;
            taken++;
        }
        return taken;
    }

    /** Drain: every queued event becomes deliverable now. */
    void makeAllVisible()
    {
        for (long event = head; event < tail; event++)
        {
            records[index(event) + VISIBLE_AT] = Long.MIN_VALUE;
        }
    }

    /** Calls the handler for the event at position {@code event} of a {@link #take} copy. */
    static void dispatch(final long[] taken, final int event, final OffloadEventHandler handler)
    {
        final int base = event * RECORD_LONGS;
        final long flowId = taken[base + FLOW_ID];
        final long word = taken[base + KIND_CAUSE_FLAGS];
        final int kind = (int)word & 0xFF;
        final int cause = (int)(word >>> 8) & 0xFF;
        switch (kind)
        {
            case LEARN_DONE -> handler.onLearnDone(flowId);
            case LEARN_FAILED -> handler.onLearnFailed(flowId, cause);
            case FLOW_EXPIRED -> handler.onFlowExpired(flowId, cause,
                taken[base + FORWARD_PACKETS], taken[base + FORWARD_BYTES],
                taken[base + REVERSE_PACKETS], taken[base + REVERSE_BYTES],
                (int)(word >>> 16) & 0xFF, (int)(word >>> 24) & 0xFF, taken[base + LAST_SEEN]);
            default -> throw new IllegalStateException("unknown event kind " + kind);
        }
    }

    private void append(
        final long flowId, final int kind, final int cause, final long forwardPackets, final long forwardBytes,
        final long reversePackets, final long reverseBytes, final int forwardTcpFlags, final int reverseTcpFlags,
        final long lastSeenNs, final long nowNs)
    {
        long visibleAt = nowNs;
        if (faults.eventDelayRate() > 0 && random.nextDouble() < faults.eventDelayRate())
        {
            visibleAt = nowNs + random.nextLong(faults.maxEventDelayNs() + 1);
            counters.increment(NicCounter.EVENTS_DELAYED);
        }
        final long word = kind | (long)cause << 8 | (long)forwardTcpFlags << 16 | (long)reverseTcpFlags << 24;
        final boolean duplicate = faults.eventDuplicateRate() > 0 && random.nextDouble() < faults.eventDuplicateRate();
        final int copies = duplicate ? 2 : 1;
        for (int copy = 0; copy < copies; copy++)
        {
            if (tail - head == capacity)
            {
                grow();
            }
            final int to = index(tail++);
            records[to + FLOW_ID] = flowId;
            records[to + KIND_CAUSE_FLAGS] = word;
            records[to + FORWARD_PACKETS] = forwardPackets;
            records[to + FORWARD_BYTES] = forwardBytes;
            records[to + REVERSE_PACKETS] = reversePackets;
            records[to + REVERSE_BYTES] = reverseBytes;
            records[to + LAST_SEEN] = lastSeenNs;
            records[to + VISIBLE_AT] = visibleAt;
            if (faults.eventReorderRate() > 0 && tail - head >= 2 && random.nextDouble() < faults.eventReorderRate())
            {
                swap(index(tail - 2), to);
                counters.increment(NicCounter.EVENTS_REORDERED);
            }
        }
        if (duplicate)
        {
            counters.increment(NicCounter.EVENTS_DUPLICATED);
        }
    }

    private void swap(final int first, final int second)
    {
        for (int i = 0; i < RECORD_LONGS; i++)
        {
            final long value = records[first + i];
            records[first + i] = records[second + i];
            records[second + i] = value;
        }
    }

    private void grow()
    {
        final long[] larger = new long[records.length * 2];
        final int size = (int)(tail - head);
        for (int i = 0; i < size; i++)
        {
            System.arraycopy(records, index(head + i), larger, i * RECORD_LONGS, RECORD_LONGS);
        }
        records = larger;
        capacity *= 2;
        head = 0;
        tail = size;
    }

    private int index(final long event)
    {
        return (int)(event & (capacity - 1)) * RECORD_LONGS;
    }
}
