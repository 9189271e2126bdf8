package io.spillway.probe.offload;

import io.spillway.offload.ExpiryCause;
import io.spillway.offload.LearnResult;

/**
 * What one worker's offload did (or the sum over workers).
 *
 * @param requests            flows handed to the OffloadAgent: one request per flow and active-timeout period at most
 * @param requestsNotQueued   flows left in software because the deferral ring was full
 * @param notEligible         flows left in software because a device cannot take them (layer-3 only, ports 0, TCP
 *                            closing)
 * @param noRoom              flows left in software because three quarters of the flow cache was device-owned
 * @param learned             flows the device took (LEARN_DONE, or an expiry that overtook it)
 * @param failedByCause       requests that failed, refused at once or later, indexed by {@link LearnResult} cause
 * @param duplicatesPrevented packets of PENDING or OFFLOADED flows, which would otherwise have asked again
 * @param expiredByCause      flows the device gave back with their counters, indexed by {@link ExpiryCause}
 * @param staleEvents         events for a flow that no longer exists (its slot was recycled): ignored
 * @param outOfStateEvents    events for a flow not in the state they expect (duplicates): ignored
 * @param unlearns            unlearns sent (at shutdown, and for offloaded flows whose record was due)
 * @param renewals            offloaded flows taken back at their active timeout: their record exported with the
 *                            device's counters, the flow continued and offloaded again
 * @param hwPackets           packets the device counted, merged into records
 * @param hwBytes             frame bytes the device counted, merged into records
 */
public record OffloadStats(
    long requests,
    long requestsNotQueued,
    long notEligible,
    long noRoom,
    long learned,
    long[] failedByCause,
    long duplicatesPrevented,
    long[] expiredByCause,
    long staleEvents,
    long outOfStateEvents,
    long unlearns,
    long renewals,
    long hwPackets,
    long hwBytes)
{
    public long failed(final int learnResult)
    {
        return failedByCause[learnResult];
    }

    public long failed()
    {
        long total = 0;
        for (final long count : failedByCause)
        {
            total += count;
        }
        return total;
    }

    public long expired(final int expiryCause)
    {
        return expiredByCause[expiryCause];
    }

    public long expired()
    {
        long total = 0;
        for (final long count : expiredByCause)
        {
            total += count;
        }
        return total;
    }

    /** Events counted and ignored: stale and out of state. */
    public long ignoredEvents()
    {
        return staleEvents + outOfStateEvents;
    }

    public OffloadStats plus(final OffloadStats other)
    {
        if (other == null)
        {
            return this;
        }
        return new OffloadStats(requests + other.requests, requestsNotQueued + other.requestsNotQueued,
            notEligible + other.notEligible, noRoom + other.noRoom, learned + other.learned,
            sum(failedByCause, other.failedByCause), duplicatesPrevented + other.duplicatesPrevented,
            sum(expiredByCause, other.expiredByCause), staleEvents + other.staleEvents,
            outOfStateEvents + other.outOfStateEvents, unlearns + other.unlearns, renewals + other.renewals,
            hwPackets + other.hwPackets,
            hwBytes + other.hwBytes);
    }

    private static long[] sum(final long[] a, final long[] b)
    {
        final long[] total = a.clone();
        for (int i = 0; i < total.length; i++)
        {
            total[i] += b[i];
        }
        return total;
    }
}
