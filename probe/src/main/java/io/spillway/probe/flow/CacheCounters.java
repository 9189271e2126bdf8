package io.spillway.probe.flow;

import io.spillway.device.Counters;
import org.agrona.concurrent.status.AtomicCounter;

/** One worker's flow cache figures, live: flows created and held, records by end reason, evictions, flowId use. */
final class CacheCounters
{
    static final int TYPE_FLOWS_CREATED = 180;
    static final int TYPE_EVICTIONS = 181;
    static final int TYPE_OVERFLOW_SPLITS = 182;
    static final int TYPE_TCP_RESTARTS = 183;
    static final int TYPE_FLOW_ID_HITS = 184;
    static final int TYPE_FLOW_ID_MISSES = 185;
    /** A gauge: the flows the cache holds now. */
    static final int TYPE_FLOWS_ACTIVE = 186;
    /** One type per flowEndReason, from this id. */
    static final int TYPE_RECORDS = 190;
    static final int REASONS = 8;

    final AtomicCounter flowsCreated;
    final AtomicCounter evictions;
    final AtomicCounter overflowSplits;
    final AtomicCounter tcpRestarts;
    final AtomicCounter flowIdHits;
    final AtomicCounter flowIdMisses;
    final AtomicCounter flowsActive;
    final AtomicCounter[] recordsByReason;

    CacheCounters(final Counters counters, final int queue)
    {
        flowsCreated = counters.add(TYPE_FLOWS_CREATED, queue, "flows created");
        evictions = counters.add(TYPE_EVICTIONS, queue, "flows evicted: cache full");
        overflowSplits = counters.add(TYPE_OVERFLOW_SPLITS, queue, "records split before a 32-bit counter wrapped");
        tcpRestarts = counters.add(TYPE_TCP_RESTARTS, queue, "TCP connections that reused a closed 5-tuple");
        flowIdHits = counters.add(TYPE_FLOW_ID_HITS, queue, "packets found by their flowId, without a lookup");
        flowIdMisses = counters.add(TYPE_FLOW_ID_MISSES, queue, "packets whose flowId named no live flow");
        flowsActive = counters.add(TYPE_FLOWS_ACTIVE, queue, "flows in the cache now");
        recordsByReason = counters.addAll(TYPE_RECORDS, REASONS, queue, reason -> "records of end reason " + reason);
    }
}
