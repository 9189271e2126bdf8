package io.spillway.probe.flow;

import io.spillway.exporter.FlowEndReason;
import io.spillway.offload.OffloadFlowKey;
import io.spillway.packet.FlowKey;
import io.spillway.packet.PacketDescriptor;
import org.agrona.DirectBuffer;

/**
 * One worker's private flow table: off-heap, fixed-size entries, owned by a single thread. Flows are kept in a
 * {@link FlowTable}, counted by a {@link FlowCounter} and exported by a {@link RecordBuilder}.
 * <p>
 * Expiry is a clock sweep rather than a per-packet LRU list (which would cost two extra cache
 * misses per packet): {@link #advanceTime} checks a share of the table proportional to the time
 * elapsed, so every flow is checked once per sweep period. When the table is full, the least
 * recently active of the next {@value #EVICTION_SAMPLE} flows under the eviction cursor is
 * exported with reason lack of resources: exact LRU for tables up to that size, a close
 * approximation above.
 * <p>
 * Offload: a flow handed to an offload device is PENDING (requested) then OFFLOADED (learned); while it is either,
 * the device owns it: the sweep does not expire it and eviction skips it, and only the device's expiry event ends it
 * ({@link #expireOffloaded}), with the device's counters merged into its record. A refused or failed request leaves
 * it in SOFTWARE for good. At the active timeout an OFFLOADED flow is taken back from the device (see
 * {@link OffloadedActiveTimeout}): its record is exported with the device's counters, and the flow continues from
 * NONE with a new generation, so that it is offloaded again and stale events about the old rule are ignored. At
 * most three quarters of the cache may be device-owned ({@link #hasOffloadRoom}), so eviction always finds a
 * software flow.
 */
public final class FlowCache implements AutoCloseable
{
    public static final int ENTRY_LENGTH = FlowEntries.LENGTH;
    public static final int V6_ADDRESSES_LENGTH = Ipv6Addresses.LENGTH;
    static final int EVICTION_SAMPLE = 64;

    /** Offload states (bits of the entry's state byte): not decided yet. */
    public static final int OFFLOAD_NONE = 0x00;
    /** Requested from the device; its answer is not known yet. The device owns the flow. */
    public static final int OFFLOAD_PENDING = 0x10;
    /** In the device's flow table until its expiry event. The device owns the flow. */
    public static final int OFFLOAD_OFFLOADED = 0x20;
    /** Decided: the host counts the flow to its end (not eligible, refused, failed). Never requested again. */
    public static final int OFFLOAD_SOFTWARE = 0x30;

    private static final int TCP = 6;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_ACK = 0x10;

    private final FlowTimeouts timeouts;
    private final FlowTable table;
    private final FlowEntries entries;
    private final Ipv6Addresses ipv6Addresses;
    private final FlowCounter counter;
    private final RecordBuilder records;
    private final FlowListener listener;

    private long nowMs;
    private long lastSweepMs = Long.MIN_VALUE;
    private long sweepCredit;
    private int sweepCursor;
    private int evictionCursor;
    private int deviceOwned;
    private final int offloadLimit;
    private OffloadedActiveTimeout offloadedActiveTimeout;

    private long evictions;
    private long tcpRestarts;
    private long flowIdHits;
    private long flowIdMisses;

    /**
     * @param queue    the worker queue this cache belongs to, written into every record
     * @param capacity the most flows held at once
     */
    public FlowCache(final int queue, final int capacity, final FlowTimeouts timeouts, final ExpiredFlowHandler handler)
    {
        this(queue, capacity, timeouts, handler, null);
    }

    /**
     * @param queue    the worker queue this cache belongs to, written into every record
     * @param capacity the most flows held at once
     * @param listener told of each flow's creation and records (DPI, offload); null for none
     */
    public FlowCache(
        final int queue, final int capacity, final FlowTimeouts timeouts, final ExpiredFlowHandler handler,
        final FlowListener listener)
    {
        this.timeouts = timeouts;
        this.listener = listener;
        table = new FlowTable(queue, capacity);
        entries = table.entries();
        ipv6Addresses = table.ipv6Addresses();
        records = new RecordBuilder(queue, entries, ipv6Addresses, handler, listener);
        counter = new FlowCounter(entries, records);
        offloadLimit = capacity - Math.max(1, capacity / 4);
    }

    /**
     * Accounts one packet (a {@link PacketDescriptor} at {@code offset}) to its flow, creating the
     * flow when it is new.
     *
     * @return the flow's slot, valid until the flow's ending record
     */
    public int onPacket(final DirectBuffer descriptor, final int offset)
    {
        return onPacket(descriptor, offset, 0);
    }

    /**
     * Accounts one packet that the NIC delivered with a {@link FlowId}: when the flowId names a live flow of this
     * cache with the packet's key, the packet is counted there without a hash lookup; otherwise (0, stale) it is
     * looked up as usual.
     *
     * @return the flow's slot, valid until the flow's ending record
     */
    public int onPacket(final DirectBuffer descriptor, final int offset, final long flowId)
    {
        final int hash = (int)descriptor.getLong(offset + PacketDescriptor.HASH);
        final int ports = descriptor.getInt(offset + PacketDescriptor.PORTS);
        final int protocol = descriptor.getByte(offset + PacketDescriptor.PROTOCOL) & 0xFF;
        final int keyFlags = descriptor.getByte(offset + PacketDescriptor.KEY_FLAGS) & 0xFF;
        final int vlan = descriptor.getShort(offset + PacketDescriptor.VLAN) & 0xFFFF;
        final long srcHi = descriptor.getLong(offset + PacketDescriptor.SRC_HI);
        final long srcLo = descriptor.getLong(offset + PacketDescriptor.SRC_LO);
        final long dstHi = descriptor.getLong(offset + PacketDescriptor.DST_HI);
        final long dstLo = descriptor.getLong(offset + PacketDescriptor.DST_LO);
        final int tcpFlags = descriptor.getByte(offset + PacketDescriptor.TCP_FLAGS) & 0xFF;
        final long packetMs = descriptor.getLong(offset + PacketDescriptor.TIMESTAMP_NS) / 1_000_000L;
        if (packetMs > nowMs)
        {
            nowMs = packetMs;
        }
        final int timeMs = (int)packetMs;

        final long withoutPorts = EntryKey.withoutPorts(protocol, keyFlags, vlan);
        final long fwdKey = EntryKey.forward(ports, withoutPorts);
        final long revKey = EntryKey.reverse(ports, withoutPorts);
        final boolean v6 = (keyFlags & FlowKey.IPV6) != 0;
        final long fwdAddresses = v6 ? EntryKey.ipv6(srcHi, srcLo, dstHi, dstLo) : EntryKey.ipv4(srcLo, dstLo);
        final long revAddresses = v6 ? EntryKey.ipv6(dstHi, dstLo, srcHi, srcLo) : EntryKey.ipv4(dstLo, srcLo);

        int found = FlowTable.NOT_FOUND;
        if (flowId != 0)
        {
            final int tagged = table.slotOf(flowId);
            found = tagged < 0 ? FlowTable.NOT_FOUND :
                table.match(tagged, fwdAddresses, fwdKey, revAddresses, revKey, v6, srcHi, srcLo, dstHi, dstLo);
            if (found == FlowTable.NOT_FOUND)
            {
                flowIdMisses++;
            }
            else
            {
                flowIdHits++;
            }
        }
        if (found == FlowTable.NOT_FOUND)
        {
            found = table.find(hash, fwdAddresses, fwdKey, revAddresses, revKey, v6, srcHi, srcLo, dstHi, dstLo);
        }
        // A known flow's branch first: the JIT inlines in this order, and the creation code would use up its
        // inlining budget before the per-packet lookup was done.
        int slot;
        boolean reverse;
        if (found != FlowTable.NOT_FOUND)
        {
            slot = found >>> 1;
            reverse = (found & FlowTable.REVERSE) != 0;
            if (reopens(protocol, tcpFlags, entries.state(slot)))
            {
                end(slot, FlowEndReason.END_OF_FLOW, null);
                slot = create(hash, fwdAddresses, fwdKey, keyFlags, v6, srcHi, srcLo, dstHi, dstLo, timeMs);
                reverse = false;
                tcpRestarts++;
            }
        }
        else
        {
            slot = create(hash, fwdAddresses, fwdKey, keyFlags, v6, srcHi, srcLo, dstHi, dstLo, timeMs);
            reverse = false;
        }
        counter.count(slot, reverse, timeMs,
            descriptor.getInt(offset + PacketDescriptor.IP_LENGTH),
            descriptor.getInt(offset + PacketDescriptor.WIRE_LENGTH),
            protocol == TCP ? tcpFlags : 0, nowMs);
        return slot;
    }

    /**
     * Touches the index line and the likely entry line of {@code count} descriptors, {@code stride}
     * bytes apart, before they are counted, so that their cache misses overlap (see {@link FlowTable#prefetch}).
     */
    public void prefetch(final DirectBuffer descriptors, final int offset, final int count, final int stride)
    {
        table.prefetch(descriptors, offset, count, stride);
    }


    /**
     * Moves the cache's clock to {@code timeMs} (never backwards) and checks the share of the
     * table due since the last call for idle, active and TCP-close expiry.
     */
    public void advanceTime(final long timeMs)
    {
        if (lastSweepMs == Long.MIN_VALUE)
        {
            lastSweepMs = timeMs;
        }
        if (timeMs > nowMs)
        {
            nowMs = timeMs;
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
            checkExpiry(sweepCursor++);
        }
    }

    /**
     * Exports every live flow (end of input or shutdown) and empties the cache. Device-owned flows must have ended
     * first ({@link #expireOffloaded}): their hardware counters would be lost.
     */
    public void flushAll()
    {
        if (deviceOwned > 0)
        {
            throw new IllegalStateException(deviceOwned + " flows are still owned by the offload device");
        }
        for (int slot = 0; slot < table.highWater(); slot++)
        {
            final int state = entries.state(slot);
            if ((state & FlowEntries.STATE_LIVE) != 0)
            {
                end(slot, FlowEntries.isClosed(state) ? FlowEndReason.END_OF_FLOW : FlowEndReason.FORCED_END, null);
            }
        }
    }

    /** Who takes an OFFLOADED flow back from the device when its record is due; without one it waits for its end. */
    public void offloadedActiveTimeout(final OffloadedActiveTimeout offloadedActiveTimeout)
    {
        this.offloadedActiveTimeout = offloadedActiveTimeout;
    }

    /** The flow's {@link FlowId}: this queue, the slot and the slot's current generation. */
    public long flowId(final int slot)
    {
        return table.flowId(slot);
    }

    /** The slot of a live flow of this cache named by {@code flowId}, or -1 when it names none (ended, recycled). */
    public int slotOf(final long flowId)
    {
        return table.slotOf(flowId);
    }

    /** One of OFFLOAD_NONE, OFFLOAD_PENDING, OFFLOAD_OFFLOADED, OFFLOAD_SOFTWARE. */
    public int offloadState(final int slot)
    {
        return entries.state(slot) & FlowEntries.STATE_OFFLOAD;
    }

    /**
     * Whether a device can take the flow: not a layer-3-only flow, not a flow whose ports are both 0 (a hardware key
     * has no "ports unknown" bit, so it would also match layer-3-only fragments), and not a TCP flow that is
     * closing (FIN or RST seen): the device would keep it until its idle timeout.
     */
    public boolean isOffloadable(final int slot)
    {
        final long key = entries.key(slot);
        final int flags = entries.tcpFlags(slot, false) | entries.tcpFlags(slot, true);
        return (EntryKey.flags(key) & FlowKey.L3_ONLY) == 0 && EntryKey.ports(key) != 0 &&
            (flags & (FlowCounter.TCP_FIN | FlowCounter.TCP_RST)) == 0;
    }

    /** False once three quarters of the cache is device-owned: the rest stays evictable for new flows. */
    public boolean hasOffloadRoom()
    {
        return deviceOwned < offloadLimit;
    }

    /** Flows the device owns now (PENDING or OFFLOADED). */
    public int deviceOwnedFlows()
    {
        return deviceOwned;
    }

    /** NONE to PENDING: the flow was handed to the device now; the device owns it from here. */
    public void markPending(final int slot)
    {
        offloadState(slot, OFFLOAD_PENDING);
        entries.offloadRequestedMs(slot, (int)nowMs);
        deviceOwned++;
    }

    /** PENDING to OFFLOADED: the device learned the flow. */
    public void markOffloaded(final int slot)
    {
        offloadState(slot, OFFLOAD_OFFLOADED);
    }

    /** NONE or PENDING to SOFTWARE: the host counts the flow to its end. */
    public void markSoftware(final int slot)
    {
        if (offloadState(slot) == OFFLOAD_PENDING)
        {
            deviceOwned--;
        }
        offloadState(slot, OFFLOAD_SOFTWARE);
    }

    /**
     * The next OFFLOADED flow at or after {@code fromSlot} not already being taken back, or -1: for unlearning every
     * one at shutdown.
     */
    public int nextOffloaded(final int fromSlot)
    {
        for (int slot = Math.max(0, fromSlot); slot < table.highWater(); slot++)
        {
            final int state = entries.state(slot);
            if ((state & FlowEntries.STATE_LIVE) != 0 &&
                (state & (FlowEntries.STATE_OFFLOAD | FlowEntries.STATE_RENEWING)) == OFFLOAD_OFFLOADED)
            {
                return slot;
            }
        }
        return -1;
    }

    /** Packets the host counted for the flow's current record, both directions. */
    public long hostPackets(final int slot)
    {
        return Integer.toUnsignedLong(entries.packets(slot, false)) +
            Integer.toUnsignedLong(entries.packets(slot, true));
    }

    /** Fills {@code key} with the flow's key, its forward direction (the initiator) first, as a device learns it. */
    public void offloadKey(final int slot, final OffloadFlowKey key)
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

    /**
     * Ends a device-owned flow on the device's expiry event: exports its last record with the device's counters
     * merged and frees the entry. A forced end of a flow whose TCP close the host saw is reported as end of flow, as
     * {@link #flushAll} does.
     */
    public void expireOffloaded(final int slot, final int endReason, final HardwareCounts hardware)
    {
        final int state = entries.state(slot);
        if (!isDeviceOwned(state))
        {
            throw new IllegalStateException("slot " + slot + " is not owned by the offload device");
        }
        deviceOwned--;
        offloadState(slot, OFFLOAD_SOFTWARE);
        final int reason = endReason == FlowEndReason.FORCED_END && FlowEntries.isClosed(state) ?
            FlowEndReason.END_OF_FLOW : endReason;
        end(slot, reason, hardware);
    }

    /** Whether the flow is being taken back from the device for its active timeout. */
    public boolean isRenewing(final int slot)
    {
        return (entries.state(slot) & FlowEntries.STATE_RENEWING) != 0;
    }

    /**
     * The device gave back a flow taken back for its active timeout: exports its record (reason active timeout) with
     * the device's counters merged, and continues the flow from NONE with zero counters and a new generation (a new
     * flowId: a late or duplicated event about the old rule finds no flow).
     */
    public void renewOffloaded(final int slot, final HardwareCounts hardware)
    {
        final int state = entries.state(slot);
        if ((state & FlowEntries.STATE_RENEWING) == 0 || !isDeviceOwned(state))
        {
            throw new IllegalStateException("slot " + slot + " is not being taken back from the offload device");
        }
        records.exportActive(slot, hardware, nowMs);
        deviceOwned--;
        entries.state(slot, state & ~(FlowEntries.STATE_OFFLOAD | FlowEntries.STATE_RENEWING) | OFFLOAD_NONE);
        entries.nextGeneration(slot);
    }

    public int liveFlows()
    {
        return table.live();
    }

    public int capacity()
    {
        return table.capacity();
    }

    public long nowMs()
    {
        return nowMs;
    }

    public long flowsCreated()
    {
        return table.flowsCreated();
    }

    public long evictions()
    {
        return evictions;
    }

    public long overflowSplits()
    {
        return counter.overflowSplits();
    }

    public long tcpRestarts()
    {
        return tcpRestarts;
    }

    /** Packets delivered with a flowId that named their flow: counted without a hash lookup. */
    public long flowIdHits()
    {
        return flowIdHits;
    }

    /** Packets delivered with a flowId that named no live flow with their key: looked up instead. */
    public long flowIdMisses()
    {
        return flowIdMisses;
    }

    /** Records exported with the given flowEndReason. */
    public long records(final int endReason)
    {
        return records.records(endReason);
    }

    public long records()
    {
        return records.records();
    }

    /** Bytes of memory reserved for the table (entries, IPv6 side table, index). */
    public long reservedBytes()
    {
        return table.reservedBytes();
    }

    /** Bytes reserved per IPv4 flow: the entry plus its share of the index. */
    public double bytesPerIPv4Flow()
    {
        return ENTRY_LENGTH + (double)table.indexBytes() / table.capacity();
    }

    @Override
    public void close()
    {
        table.close();
    }

    /** As {@link HardwareCounts#ipOctets}. */
    static long hardwareIpOctets(
        final long packets, final long frameBytes, final long hostPackets, final long hostOverhead)
    {
        return HardwareCounts.ipOctets(packets, frameBytes, hostPackets, hostOverhead);
    }

    /**
     * Whether the packet opens a new connection on the 5-tuple of a closed one, which makes it a new flow. Not while
     * the device owns the old one: its counters would be lost, so the SYN still counts to the old flow.
     */
    private static boolean reopens(final int protocol, final int tcpFlags, final int state)
    {
        return protocol == TCP && (tcpFlags & (TCP_SYN | TCP_ACK)) == TCP_SYN && FlowEntries.isClosed(state) &&
            !isDeviceOwned(state);
    }

    private int create(
        final int hash, final long addresses, final long key, final int keyFlags, final boolean v6,
        final long srcHi, final long srcLo, final long dstHi, final long dstLo, final int timeMs)
    {
        if (table.isFull())
        {
            evictLeastRecentlyActive();
        }
        final int slot = table.create(hash, addresses, key, keyFlags, v6, srcHi, srcLo, dstHi, dstLo, timeMs);
        if (listener != null)
        {
            listener.onFlowCreated(slot);
        }
        return slot;
    }

    private void checkExpiry(final int slot)
    {
        final int state = entries.state(slot);
        if ((state & FlowEntries.STATE_LIVE) == 0)
        {
            return;
        }
        final int now = (int)nowMs;
        if (isDeviceOwned(state))
        {
            // A device-owned flow ends with the device's expiry event. An OFFLOADED one whose record is due is taken
            // back from the device, which holds its counters.
            if ((state & (FlowEntries.STATE_OFFLOAD | FlowEntries.STATE_RENEWING)) == OFFLOAD_OFFLOADED &&
                offloadedActiveTimeout != null && isRecordDue(slot, now) && offloadedActiveTimeout.onDue(slot))
            {
                entries.state(slot, state | FlowEntries.STATE_RENEWING);
            }
            return;
        }
        final long quiet = now - entries.lastSeenMs(slot);
        if (FlowEntries.isClosed(state) && quiet >= timeouts.tcpCloseMs())
        {
            end(slot, FlowEndReason.END_OF_FLOW, null);
        }
        else if (quiet >= timeouts.idleMs())
        {
            end(slot, FlowEndReason.IDLE_TIMEOUT, null);
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

    private void evictLeastRecentlyActive()
    {
        final int highWater = table.highWater();
        int oldest = -1;
        long oldestQuiet = Long.MIN_VALUE;
        int position = evictionCursor;
        for (int seen = 0, visited = 0; seen < EVICTION_SAMPLE && visited < highWater; visited++)
        {
            position = position + 1 >= highWater ? 0 : position + 1;
            final int state = entries.state(position);
            if ((state & FlowEntries.STATE_LIVE) != 0 && !isDeviceOwned(state))
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
        evictions++;
        end(oldest, FlowEndReason.LACK_OF_RESOURCES, null);
    }

    /** Exports the flow's last record with the device's counters (null: none) merged, and frees its entry. */
    private void end(final int slot, final int reason, final HardwareCounts hardware)
    {
        records.exportLast(slot, reason, hardware, nowMs);
        table.remove(slot);
    }

    private void offloadState(final int slot, final int offloadState)
    {
        entries.state(slot, entries.state(slot) & ~FlowEntries.STATE_OFFLOAD | offloadState);
    }

    /** PENDING or OFFLOADED: only the device's expiry event may end the flow. */
    private static boolean isDeviceOwned(final int state)
    {
        final int offload = state & FlowEntries.STATE_OFFLOAD;
        return offload == OFFLOAD_PENDING || offload == OFFLOAD_OFFLOADED;
    }
}
