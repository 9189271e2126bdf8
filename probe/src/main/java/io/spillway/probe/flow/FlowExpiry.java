package io.spillway.probe.flow;

import org.agrona.concurrent.status.AtomicCounter;
import io.spillway.exporter.FlowEndReason;

/**
 * When flows end, and how: the last record, then the slot freed.
 * <p>
 * Expiry is a clock sweep rather than a per-packet LRU list (which would cost two extra cache misses per packet):
 * {@link #sweep} checks a share of the table proportional to the time elapsed, so every flow is checked once per
 * sweep period, for idle, active and TCP-close expiry. When the table is full, the least recently active of the next
 * {@value #EVICTION_SAMPLE} flows under the eviction cursor is exported with reason lack of resources: exact LRU for
 * tables up to that size, a close approximation above. Device-owned flows are neither expired nor evicted (see
 * {@link OffloadOwnership}).
 */
final class FlowExpiry
{
    static final int EVICTION_SAMPLE = 64;

    private final FlowTimeouts timeouts;
    private final FlowTable table;
    private final FlowEntries entries;
    private final RecordBuilder records;
    private final OffloadOwnership ownership;

    private long lastSweepMs = Long.MIN_VALUE;
    private long sweepCredit;
    private int sweepCursor;
    private int evictionCursor;
    private final AtomicCounter evictions;

    FlowExpiry(
        final FlowTimeouts timeouts, final FlowTable table, final RecordBuilder records,
        final OffloadOwnership ownership, final AtomicCounter evictions)
    {
        this.evictions = evictions;
        this.timeouts = timeouts;
        this.table = table;
        this.entries = table.entries();
        this.records = records;
        this.ownership = ownership;
    }

    /**
     * Checks the share of the table due since the last sweep. {@code timeMs}: the time the cache was advanced to,
     * {@code nowMs}: its clock (never backwards).
     */
    void sweep(final long timeMs, final long nowMs)
    {
        if (lastSweepMs == Long.MIN_VALUE)
        {
            lastSweepMs = timeMs;
        }
        final long elapsed = nowMs - lastSweepMs;
        if (elapsed <= 0)
        {
            return;
        }
        lastSweepMs = nowMs;
        final int highWater = table.highWater();
        if (highWater == 0)
        {
            return;
        }
        // Visit highWater * elapsed / period entries; the remainder carries over as credit.
        final long period = timeouts.sweepPeriodMs();
        final long budget = sweepCredit + Math.min(elapsed, period) * highWater;
        final long visits = Math.min(highWater, budget / period);
        sweepCredit = visits == highWater ? 0 : budget - visits * period;
        for (long i = 0; i < visits; i++)
        {
            if (sweepCursor >= highWater)
            {
                sweepCursor = 0;
            }
            check(sweepCursor++, nowMs);
        }
    }

    /** Makes room for a new flow in a full table: ends the least recently active flow of the sample. */
    void evictLeastRecentlyActive(final long nowMs)
    {
        final int highWater = table.highWater();
        int oldest = -1;
        long oldestQuiet = Long.MIN_VALUE;
        int position = evictionCursor;
        for (int seen = 0, visited = 0; seen < EVICTION_SAMPLE && visited < highWater; visited++)
        {
            position = position + 1 >= highWater ? 0 : position + 1;
            final int state = entries.state(position);
            if ((state & FlowEntries.STATE_LIVE) != 0 && !OffloadOwnership.isDeviceOwned(state))
            {
                seen++;
                final long quiet = (int)nowMs - entries.lastSeenMs(position);
                if (quiet > oldestQuiet)
                {
                    oldestQuiet = quiet;
                    oldest = position;
                }
            }
        }
        if (oldest < 0)
        {
            // hasOffloadRoom keeps a quarter of a full cache in software, so this cannot happen.
            throw new IllegalStateException("flow cache full of device-owned flows");
        }
        evictionCursor = position;
        evictions.incrementOpaque();
        end(oldest, FlowEndReason.LACK_OF_RESOURCES, null, nowMs);
    }

    /** Ends every live flow (end of input or shutdown): end of flow when its TCP close was seen, else forced end. */
    void endAll(final long nowMs)
    {
        for (int slot = 0; slot < table.highWater(); slot++)
        {
            final int state = entries.state(slot);
            if ((state & FlowEntries.STATE_LIVE) != 0)
            {
                end(slot, FlowEntries.isClosed(state) ? FlowEndReason.END_OF_FLOW : FlowEndReason.FORCED_END, null,
                    nowMs);
            }
        }
    }

    /** Exports the flow's last record with the device's counters (null: none) merged, and frees its entry. */
    void end(final int slot, final int reason, final HardwareCounts hardware, final long nowMs)
    {
        records.exportLast(slot, reason, hardware, nowMs);
        table.remove(slot);
    }

    long evictions()
    {
        return evictions.get();
    }

    private void check(final int slot, final long nowMs)
    {
        final int state = entries.state(slot);
        if ((state & FlowEntries.STATE_LIVE) == 0)
        {
            return;
        }
        final int now = (int)nowMs;
        if (OffloadOwnership.isDeviceOwned(state))
        {
            // A device-owned flow ends with the device's expiry event. An OFFLOADED one whose record is due is taken
            // back from the device, which holds its counters.
            if (ownership.mayTakeBack(state) && isRecordDue(slot, now))
            {
                ownership.takeBack(slot, state);
            }
            return;
        }
        final long quiet = now - entries.lastSeenMs(slot);
        if (FlowEntries.isClosed(state) && quiet >= timeouts.tcpCloseMs())
        {
            end(slot, FlowEndReason.END_OF_FLOW, null, nowMs);
        }
        else if (quiet >= timeouts.idleMs())
        {
            end(slot, FlowEndReason.IDLE_TIMEOUT, null, nowMs);
        }
        else if (isRecordDue(slot, now))
        {
            records.exportActive(slot, null, nowMs);
        }
    }

    /** The flow's current record has packets and is older than the active timeout. */
    private boolean isRecordDue(final int slot, final int now)
    {
        return entries.hasPackets(slot) && now - entries.recordStartMs(slot) >= timeouts.activeMs();
    }
}
