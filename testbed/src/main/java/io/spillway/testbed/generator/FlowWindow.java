package io.spillway.testbed.generator;

/**
 * The sliding window of concurrent flows. Flows are numbered by serial; serial s always lives in slot s % A.
 * Serials 0 .. A-1 fill the window at time 0 as if they had started 1/R apart before it; new flow j (j >= 1,
 * serial A - 1 + j) starts at floor(j * 1e9 / R) ns and replaces serial j - 1, the oldest. So the window
 * always holds exactly A flows, each lives A/R seconds, and retirements are evenly spread from the start.
 * <p>
 * Per slot it keeps only what the frames and the measurements need, side by side in one array so a packet
 * of a random flow costs one cache miss: the index of the flow's last packet (-1 before its first), and in one
 * long its packet count (low 32 bits) and the TCP payload bytes it sent (high 32 bits), both modulo 2^32 as
 * the headers carry them, which frames of varying sizes need for their sequence numbers. 16 bytes per active
 * flow.
 */
final class FlowWindow
{
    private static final double NANOS_PER_SECOND = 1e9;
    private static final int LAST_PACKET = 0;
    private static final int COUNTS = 1;
    private static final long LOW_32 = 0xFFFF_FFFFL;
    private static final int FIELDS = 2;

    private final int activeFlows;
    private final double newFlowsPerSecond;
    private final ConcurrencyMeter meter;
    private final long[] slots;
    private long newFlowsStarted;
    private int oldestSlot;
    private long nextStartNanos;
    private long newFlowsSeen;
    private long touched;

    FlowWindow(final int activeFlows, final double newFlowsPerSecond, final ConcurrencyMeter meter)
    {
        this.activeFlows = activeFlows;
        this.newFlowsPerSecond = newFlowsPerSecond;
        this.meter = meter;
        slots = new long[FIELDS * activeFlows];
        for (int slot = 0; slot < activeFlows; slot++)
        {
            slots[FIELDS * slot + LAST_PACKET] = -1;
        }
        nextStartNanos = newFlowStartNanos(1, newFlowsPerSecond);
    }

    /** Capture-time offset at which new flow {@code j} (from 1) starts. */
    static long newFlowStartNanos(final long j, final double newFlowsPerSecond)
    {
        return (long)Math.floor(j * NANOS_PER_SECOND / newFlowsPerSecond);
    }

    /** New flows started at or before capture-time offset {@code offsetNanos}. */
    static long newFlowsStartedBy(final long offsetNanos, final double newFlowsPerSecond)
    {
        long started = (long)Math.floor(offsetNanos * newFlowsPerSecond / NANOS_PER_SECOND);
        while (newFlowStartNanos(started + 1, newFlowsPerSecond) <= offsetNanos)
        {
            started++;
        }
        while (started > 0 && newFlowStartNanos(started, newFlowsPerSecond) > offsetNanos)
        {
            started--;
        }

        return started;
    }

    /** Starts the new flows due by {@code offsetNanos}, each retiring the oldest flow. */
    void advanceTo(final long offsetNanos)
    {
        if (offsetNanos < nextStartNanos)
        {
            return;
        }

        final long started = newFlowsStartedBy(offsetNanos, newFlowsPerSecond);
        // Past one full turn of the window the retired flows never had a packet: nothing to record.
        final long retirements = Math.min(started - newFlowsStarted, activeFlows);
        for (long i = 0; i < retirements; i++)
        {
            retire((int)((newFlowsStarted + i) % activeFlows));
        }
        newFlowsStarted = started;
        oldestSlot = (int)(started % activeFlows);
        nextStartNanos = newFlowStartNanos(started + 1, newFlowsPerSecond);
    }

    /** Serial number of the flow now in {@code slot}: the oldest flow has the lowest. */
    long serialInSlot(final int slot)
    {
        final int age = slot >= oldestSlot ? slot - oldestSlot : slot - oldestSlot + activeFlows;

        return newFlowsStarted + age;
    }

    boolean hasPackets(final int slot)
    {
        return slots[FIELDS * slot + LAST_PACKET] >= 0;
    }

    /** Packets the flow in {@code slot} had so far, modulo 2^32. */
    long packetCount(final int slot)
    {
        return slots[FIELDS * slot + COUNTS] & LOW_32;
    }

    /** Payload bytes the flow in {@code slot} sent so far, modulo 2^32: its TCP stream offset. */
    int streamBytes(final int slot)
    {
        return (int)(slots[FIELDS * slot + COUNTS] >>> 32);
    }

    /**
     * Reads the given slots, one independent load each, so their cache misses overlap instead of stalling the
     * packets one by one (Java has no prefetch instruction; the sum is kept so the loads are not dropped).
     */
    void touch(final int[] burstSlots, final int count)
    {
        long sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += slots[FIELDS * burstSlots[i]];
        }
        touched += sum;
    }

    void onPacket(final int slot, final long packetIndex)
    {
        onPacket(slot, packetIndex, 0);
    }

    void onPacket(final int slot, final long packetIndex, final int payloadBytes)
    {
        final int base = FIELDS * slot;
        if (slots[base + LAST_PACKET] < 0)
        {
            meter.onFirstPacket(packetIndex);
            if (serialInSlot(slot) >= activeFlows)
            {
                newFlowsSeen++;
            }
        }
        slots[base + LAST_PACKET] = packetIndex;
        final long counts = slots[base + COUNTS];
        slots[base + COUNTS] = (counts + ((long)payloadBytes << 32) & ~LOW_32) | (counts + 1 & LOW_32);
    }

    /** Ends every flow still in the window, at the end of the capture. */
    void finish()
    {
        for (int slot = 0; slot < activeFlows; slot++)
        {
            retire(slot);
        }
    }

    long newFlowsStarted()
    {
        return newFlowsStarted;
    }

    /** New flows (not in the window at time 0) that got at least one packet. */
    long newFlowsSeen()
    {
        return newFlowsSeen;
    }

    private void retire(final int slot)
    {
        final int base = FIELDS * slot;
        if (slots[base + LAST_PACKET] >= 0)
        {
            meter.onFlowEnd(slots[base + LAST_PACKET]);
            slots[base + LAST_PACKET] = -1;
            slots[base + COUNTS] = 0;
        }
    }
}
