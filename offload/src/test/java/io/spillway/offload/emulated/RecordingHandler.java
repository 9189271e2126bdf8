package io.spillway.offload.emulated;

import io.spillway.offload.OffloadEventHandler;

import java.util.ArrayList;
import java.util.List;

/** Keeps every event it is given, in order. */
final class RecordingHandler implements OffloadEventHandler
{
    record Event(
        int kind, long flowId, int cause, long forwardPackets, long forwardBytes, long reversePackets,
        long reverseBytes, int forwardTcpFlags, int reverseTcpFlags, long lastSeenNs)
    {
    }

    final List<Event> events = new ArrayList<>();

    @Override
    public void onLearnDone(final long flowId)
    {
        events.add(new Event(EventQueue.LEARN_DONE, flowId, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Override
    public void onLearnFailed(final long flowId, final int cause)
    {
        events.add(new Event(EventQueue.LEARN_FAILED, flowId, cause, 0, 0, 0, 0, 0, 0, 0));
    }

    @Override
    public void onFlowExpired(
        final long flowId, final int cause, final long forwardPackets, final long forwardBytes,
        final long reversePackets, final long reverseBytes, final int forwardTcpFlags, final int reverseTcpFlags,
        final long lastSeenNs)
    {
        events.add(new Event(EventQueue.FLOW_EXPIRED, flowId, cause, forwardPackets, forwardBytes, reversePackets,
            reverseBytes, forwardTcpFlags, reverseTcpFlags, lastSeenNs));
    }

    /** Polls until nothing is deliverable; returns the events delivered by this call. */
    List<Event> pollAll(final EmulatedSmartNic nic)
    {
        final int before = events.size();
        while (nic.poll(this, 100) > 0)
        {
            // keep polling
        }
        return events.subList(before, events.size());
    }

    List<Event> of(final int kind)
    {
        return events.stream().filter(event -> event.kind() == kind).toList();
    }
}
