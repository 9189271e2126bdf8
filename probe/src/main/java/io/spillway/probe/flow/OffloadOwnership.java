package io.spillway.probe.flow;

import io.spillway.exporter.FlowEndReason;
import io.spillway.offload.OffloadFlowKey;
import io.spillway.packet.FlowKey;

/**
 * Who owns a flow, the host or an offload device: the offload state machine on the two
 * {@link FlowEntries#STATE_OFFLOAD} bits of the entry's state and its {@link FlowEntries#STATE_RENEWING} bit.
 * <p>
 * A flow handed to an offload device is PENDING (requested) then OFFLOADED (learned); while it is either, the device
 * owns it: the sweep does not expire it and eviction skips it, and only the device's expiry event ends it, with the
 * device's counters merged into its record. A refused or failed request leaves it in SOFTWARE for good. At the active
 * timeout an OFFLOADED flow is taken back from the device (RENEWING, see {@link OffloadedActiveTimeout}): its record
 * is exported with the device's counters, and the flow continues from NONE with a new generation, so that it is
 * offloaded again and stale events about the old rule are ignored. At most three quarters of the cache may be
 * device-owned ({@link #hasRoom}), so eviction always finds a software flow.
 */
final class OffloadOwnership
{
    /** Not decided yet. */
    static final int NONE = 0x00;
    /** Requested from the device; its answer is not known yet. The device owns the flow. */
    static final int PENDING = 0x10;
    /** In the device's flow table until its expiry event. The device owns the flow. */
    static final int OFFLOADED = 0x20;
    /** Decided: the host counts the flow to its end (not eligible, refused, failed). Never requested again. */
    static final int SOFTWARE = 0x30;

    private final FlowEntries entries;
    private final Ipv6Addresses ipv6Addresses;
    private final int limit;
    private int deviceOwned;
    private OffloadedActiveTimeout offloadedActiveTimeout;

    OffloadOwnership(final FlowEntries entries, final Ipv6Addresses ipv6Addresses, final int capacity)
    {
        this.entries = entries;
        this.ipv6Addresses = ipv6Addresses;
        limit = capacity - Math.max(1, capacity / 4);
    }

    /** PENDING or OFFLOADED: only the device's expiry event may end the flow. */
    static boolean isDeviceOwned(final int state)
    {
        final int offload = state & FlowEntries.STATE_OFFLOAD;
        return offload == PENDING || offload == OFFLOADED;
    }

    /** OFFLOADED and not being taken back already. */
    static boolean isOffloadedNotRenewing(final int state)
    {
        return (state & (FlowEntries.STATE_OFFLOAD | FlowEntries.STATE_RENEWING)) == OFFLOADED;
    }

    /** One of NONE, PENDING, OFFLOADED, SOFTWARE. */
    int state(final int slot)
    {
        return entries.state(slot) & FlowEntries.STATE_OFFLOAD;
    }

    /**
     * Whether a device can take the flow: not a layer-3-only flow, not a flow whose ports are both 0 (a hardware key
     * has no "ports unknown" bit, so it would also match layer-3-only fragments), and not a TCP flow that is
     * closing (FIN or RST seen): the device would keep it until its idle timeout.
     */
    boolean isOffloadable(final int slot)
    {
        final long key = entries.key(slot);
        final int flags = entries.tcpFlags(slot, false) | entries.tcpFlags(slot, true);
        return (EntryKey.flags(key) & FlowKey.L3_ONLY) == 0 && EntryKey.ports(key) != 0 &&
            (flags & (FlowCounter.TCP_FIN | FlowCounter.TCP_RST)) == 0;
    }

    /** False once three quarters of the cache is device-owned: the rest stays evictable for new flows. */
    boolean hasRoom()
    {
        return deviceOwned < limit;
    }

    /** Flows the device owns now (PENDING or OFFLOADED). */
    int deviceOwned()
    {
        return deviceOwned;
    }

    /** Fills {@code key} with the flow's key, its forward direction (the initiator) first, as a device learns it. */
    void offloadKey(final int slot, final OffloadFlowKey key)
    {
        final long entryKey = entries.key(slot);
        final int srcPort = EntryKey.srcPort(entryKey);
        final int dstPort = EntryKey.dstPort(entryKey);
        final int protocol = EntryKey.protocol(entryKey);
        final int vlan = EntryKey.vlan(entryKey);
        if (EntryKey.isIpv6(entryKey))
        {
            key.ipv6(ipv6Addresses.srcHi(slot), ipv6Addresses.srcLo(slot), srcPort,
                ipv6Addresses.dstHi(slot), ipv6Addresses.dstLo(slot), dstPort, protocol, vlan);
        }
        else
        {
            final long addresses = entries.addresses(slot);
            key.ipv4(EntryKey.ipv4Src(addresses), srcPort, EntryKey.ipv4Dst(addresses), dstPort, protocol, vlan);
        }
    }

    /** NONE to PENDING: the flow was handed to the device at {@code nowMs}; the device owns it from here. */
    void markPending(final int slot, final long nowMs)
    {
        state(slot, PENDING);
        entries.offloadRequestedMs(slot, (int)nowMs);
        deviceOwned++;
    }

    /** PENDING to OFFLOADED: the device learned the flow. */
    void markOffloaded(final int slot)
    {
        state(slot, OFFLOADED);
    }

    /** NONE or PENDING to SOFTWARE: the host counts the flow to its end. */
    void markSoftware(final int slot)
    {
        if (state(slot) == PENDING)
        {
            deviceOwned--;
        }
        state(slot, SOFTWARE);
    }

    /** Who takes an OFFLOADED flow back from the device when its record is due; without one it waits for its end. */
    void offloadedActiveTimeout(final OffloadedActiveTimeout offloadedActiveTimeout)
    {
        this.offloadedActiveTimeout = offloadedActiveTimeout;
    }

    /** Whether the sweep may take the flow back when its record is due: OFFLOADED, not renewing, someone to ask. */
    boolean mayTakeBack(final int state)
    {
        return isOffloadedNotRenewing(state) && offloadedActiveTimeout != null;
    }

    /**
     * OFFLOADED to RENEWING, when the flow is being taken back for its record due now; otherwise it is asked again
     * on the next sweep. {@code state}: the entry's state as the sweep found it.
     */
    void takeBack(final int slot, final int state)
    {
        if (offloadedActiveTimeout.onDue(slot))
        {
            entries.state(slot, state | FlowEntries.STATE_RENEWING);
        }
    }

    /** Whether the flow is being taken back from the device for its active timeout. */
    boolean isRenewing(final int slot)
    {
        return (entries.state(slot) & FlowEntries.STATE_RENEWING) != 0;
    }

    /**
     * The next OFFLOADED flow at or after {@code fromSlot} and below {@code highWater} not already being taken back,
     * or -1: for unlearning every one at shutdown.
     */
    int nextOffloaded(final int fromSlot, final int highWater)
    {
        for (int slot = Math.max(0, fromSlot); slot < highWater; slot++)
        {
            final int state = entries.state(slot);
            if ((state & FlowEntries.STATE_LIVE) != 0 && isOffloadedNotRenewing(state))
            {
                return slot;
            }
        }
        return -1;
    }

    /**
     * Device-owned to SOFTWARE on the device's expiry event, before the flow's last record: returns the record's end
     * reason, a forced end of a flow whose TCP close the host saw being reported as end of flow.
     */
    int giveBack(final int slot, final int endReason)
    {
        final int state = entries.state(slot);
        if (!isDeviceOwned(state))
        {
            throw new IllegalStateException("slot " + slot + " is not owned by the offload device");
        }
        deviceOwned--;
        state(slot, SOFTWARE);
        return endReason == FlowEndReason.FORCED_END && FlowEntries.isClosed(state) ?
            FlowEndReason.END_OF_FLOW : endReason;
    }

    /** The entry's state when the flow is RENEWING and device-owned, before its renewal's record is exported. */
    int renewing(final int slot)
    {
        final int state = entries.state(slot);
        if ((state & FlowEntries.STATE_RENEWING) == 0 || !isDeviceOwned(state))
        {
            throw new IllegalStateException("slot " + slot + " is not being taken back from the offload device");
        }
        return state;
    }

    /**
     * RENEWING to NONE once its record is exported, with a new generation (a new flowId: a late or duplicated event
     * about the old rule finds no flow). {@code state}: as {@link #renewing} returned it.
     */
    void renewed(final int slot, final int state)
    {
        deviceOwned--;
        entries.state(slot, state & ~(FlowEntries.STATE_OFFLOAD | FlowEntries.STATE_RENEWING) | NONE);
        entries.nextGeneration(slot);
    }

    private void state(final int slot, final int offloadState)
    {
        entries.state(slot, entries.state(slot) & ~FlowEntries.STATE_OFFLOAD | offloadState);
    }
}
