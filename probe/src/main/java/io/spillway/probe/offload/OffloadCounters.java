package io.spillway.probe.offload;

import io.spillway.device.Counters;
import io.spillway.offload.ExpiryCause;
import io.spillway.offload.LearnResult;
import org.agrona.concurrent.status.AtomicCounter;

/** One worker's offload figures, live (their meaning is {@link OffloadStats}'). Written by the worker only. */
final class OffloadCounters
{
    static final int TYPE_REQUESTS = 140;
    static final int TYPE_NOT_QUEUED = 141;
    static final int TYPE_NOT_ELIGIBLE = 142;
    static final int TYPE_NO_ROOM = 143;
    static final int TYPE_LEARNED = 144;
    static final int TYPE_DUPLICATES_PREVENTED = 145;
    static final int TYPE_STALE_EVENTS = 146;
    static final int TYPE_OUT_OF_STATE_EVENTS = 147;
    static final int TYPE_UNLEARNS = 148;
    static final int TYPE_RENEWALS = 149;
    static final int TYPE_HW_PACKETS = 150;
    static final int TYPE_HW_BYTES = 151;
    /** One type per {@link LearnResult} cause, from this id. */
    static final int TYPE_FAILED = 160;
    /** One type per {@link ExpiryCause}, from this id. */
    static final int TYPE_EXPIRED = 170;

    final AtomicCounter requests;
    final AtomicCounter requestsNotQueued;
    final AtomicCounter notEligible;
    final AtomicCounter noRoom;
    final AtomicCounter learned;
    final AtomicCounter duplicatesPrevented;
    final AtomicCounter staleEvents;
    final AtomicCounter outOfStateEvents;
    final AtomicCounter unlearns;
    final AtomicCounter renewals;
    final AtomicCounter hwPackets;
    final AtomicCounter hwBytes;
    final AtomicCounter[] failedByCause;
    final AtomicCounter[] expiredByCause;

    OffloadCounters(final Counters counters, final int queue)
    {
        requests = counters.add(TYPE_REQUESTS, queue, "offload requests");
        requestsNotQueued = counters.add(TYPE_NOT_QUEUED, queue, "flows kept in software: deferral ring full");
        notEligible = counters.add(TYPE_NOT_ELIGIBLE, queue, "flows kept in software: not eligible");
        noRoom = counters.add(TYPE_NO_ROOM, queue, "flows kept in software: no room in the cache");
        learned = counters.add(TYPE_LEARNED, queue, "flows learned by the device");
        duplicatesPrevented = counters.add(TYPE_DUPLICATES_PREVENTED, queue, "offload duplicates prevented");
        staleEvents = counters.add(TYPE_STALE_EVENTS, queue, "device events ignored: stale");
        outOfStateEvents = counters.add(TYPE_OUT_OF_STATE_EVENTS, queue, "device events ignored: out of state");
        unlearns = counters.add(TYPE_UNLEARNS, queue, "unlearns sent");
        renewals = counters.add(TYPE_RENEWALS, queue, "offloaded flows taken back at active timeout");
        hwPackets = counters.add(TYPE_HW_PACKETS, queue, "hardware packets merged into records");
        hwBytes = counters.add(TYPE_HW_BYTES, queue, "hardware bytes merged into records");
        failedByCause = counters.addAll(TYPE_FAILED, LearnResult.DEVICE_ERROR + 1, queue,
            cause -> "offload requests failed: " + LearnResult.name(cause));
        expiredByCause = counters.addAll(TYPE_EXPIRED, ExpiryCause.DRAIN + 1, queue,
            cause -> "flows given back by the device: " + ExpiryCause.name(cause));
    }

    OffloadStats snapshot()
    {
        return new OffloadStats(requests.get(), requestsNotQueued.get(), notEligible.get(), noRoom.get(),
            learned.get(), values(failedByCause), duplicatesPrevented.get(), values(expiredByCause),
            staleEvents.get(), outOfStateEvents.get(), unlearns.get(), renewals.get(), hwPackets.get(), hwBytes.get());
    }

    private static long[] values(final AtomicCounter[] counters)
    {
        final long[] values = new long[counters.length];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = counters[i].get();
        }
        return values;
    }
}
