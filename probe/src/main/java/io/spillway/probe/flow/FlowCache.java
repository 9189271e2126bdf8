package io.spillway.probe.flow;

import io.spillway.device.Counters;
import io.spillway.exporter.FlowEndReason;
import io.spillway.offload.OffloadFlowKey;
import io.spillway.packet.FlowKey;
import io.spillway.packet.PacketDescriptor;
import org.agrona.DirectBuffer;

/**
 * One worker's private flow table: off-heap, fixed-size entries, owned by a single thread. What the worker calls:
 * a packet goes through lookup, creation and counting, an ending flow through its record, the handler and the free
 * list. The parts, one role each:
 * <ul>
 * <li>{@link FlowTable}: the entries ({@link FlowEntries}, one 64-byte cache line per flow, its key packed as
 *     {@link EntryKey}, IPv6 addresses in {@link Ipv6Addresses}), the {@link FlowIndex} and the free slots;</li>
 * <li>{@link FlowCounter}: a packet counted into its entry, 32-bit counters that never wrap;</li>
 * <li>{@link FlowExpiry}: the clock sweep, idle, active and TCP-close expiry, eviction when full;</li>
 * <li>{@link RecordBuilder}: a record from an entry, with an offload device's counts merged;</li>
 * <li>{@link OffloadOwnership}: whether the host or an offload device owns a flow.</li>
 * </ul>
 */
public final class FlowCache implements AutoCloseable
{
    public static final int ENTRY_LENGTH = FlowEntries.LENGTH;
    public static final int V6_ADDRESSES_LENGTH = Ipv6Addresses.LENGTH;

    /** Offload states (bits of the entry's state byte): not decided yet. */
    public static final int OFFLOAD_NONE = OffloadOwnership.NONE;
    /** Requested from the device; its answer is not known yet. The device owns the flow. */
    public static final int OFFLOAD_PENDING = OffloadOwnership.PENDING;
    /** In the device's flow table until its expiry event. The device owns the flow. */
    public static final int OFFLOAD_OFFLOADED = OffloadOwnership.OFFLOADED;
    /** Decided: the host counts the flow to its end (not eligible, refused, failed). Never requested again. */
    public static final int OFFLOAD_SOFTWARE = OffloadOwnership.SOFTWARE;

    private static final int TCP = 6;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_ACK = 0x10;

    private final FlowTable table;
    private final FlowCounter counter;
    private final RecordBuilder records;
    private final FlowExpiry expiry;
    private final OffloadOwnership ownership;
    private final FlowListener listener;

    private long nowMs;
    private final CacheCounters counters;

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
        this(queue, capacity, timeouts, handler, listener, new Counters(32));
    }

    /**
     * @param queue    the worker queue this cache belongs to, written into every record
     * @param capacity the most flows held at once
     * @param listener told of each flow's creation and records (DPI, offload); null for none
     * @param counters where the cache's figures are registered, {@code queue} their owner
     */
    public FlowCache(
        final int queue, final int capacity, final FlowTimeouts timeouts, final ExpiredFlowHandler handler,
        final FlowListener listener, final Counters counters)
    {
        this.listener = listener;
        this.counters = new CacheCounters(counters, queue);
        table = new FlowTable(queue, capacity, this.counters.flowsCreated, this.counters.flowsActive);
        records = new RecordBuilder(queue, table.entries(), table.ipv6Addresses(), handler, listener,
            this.counters.recordsByReason);
        counter = new FlowCounter(table.entries(), records, this.counters.overflowSplits);
        ownership = new OffloadOwnership(table.entries(), table.ipv6Addresses(), capacity);
        expiry = new FlowExpiry(timeouts, table, records, ownership, this.counters.evictions);
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
                counters.flowIdMisses.incrementOpaque();
            }
            else
            {
                counters.flowIdHits.incrementOpaque();
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
            if (reopens(protocol, tcpFlags, table.entries().state(slot)))
            {
                expiry.end(slot, FlowEndReason.END_OF_FLOW, null, nowMs);
                slot = create(hash, fwdAddresses, fwdKey, keyFlags, v6, srcHi, srcLo, dstHi, dstLo, timeMs);
                reverse = false;
                counters.tcpRestarts.incrementOpaque();
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
        if (timeMs > nowMs)
        {
            nowMs = timeMs;
        }
        expiry.sweep(timeMs, nowMs);
    }

    /**
     * Exports every live flow (end of input or shutdown) and empties the cache. Device-owned flows must have ended
     * first ({@link #expireOffloaded}): their hardware counters would be lost.
     */
    public void flushAll()
    {
        if (ownership.deviceOwned() > 0)
        {
            throw new IllegalStateException(ownership.deviceOwned() + " flows are still owned by the offload device");
        }
        expiry.endAll(nowMs);
    }

    /** Who takes an OFFLOADED flow back from the device when its record is due; without one it waits for its end. */
    public void offloadedActiveTimeout(final OffloadedActiveTimeout offloadedActiveTimeout)
    {
        ownership.offloadedActiveTimeout(offloadedActiveTimeout);
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
        return ownership.state(slot);
    }

    /** Whether a device can take the flow (see {@link OffloadOwnership#isOffloadable}). */
    public boolean isOffloadable(final int slot)
    {
        return ownership.isOffloadable(slot);
    }

    /** False once three quarters of the cache is device-owned: the rest stays evictable for new flows. */
    public boolean hasOffloadRoom()
    {
        return ownership.hasRoom();
    }

    /** Flows the device owns now (PENDING or OFFLOADED). */
    public int deviceOwnedFlows()
    {
        return ownership.deviceOwned();
    }

    /** NONE to PENDING: the flow was handed to the device now; the device owns it from here. */
    public void markPending(final int slot)
    {
        ownership.markPending(slot, nowMs);
    }

    /** PENDING to OFFLOADED: the device learned the flow. */
    public void markOffloaded(final int slot)
    {
        ownership.markOffloaded(slot);
    }

    /** NONE or PENDING to SOFTWARE: the host counts the flow to its end. */
    public void markSoftware(final int slot)
    {
        ownership.markSoftware(slot);
    }

    /**
     * The next OFFLOADED flow at or after {@code fromSlot} not already being taken back, or -1: for unlearning every
     * one at shutdown.
     */
    public int nextOffloaded(final int fromSlot)
    {
        return ownership.nextOffloaded(fromSlot, table.highWater());
    }

    /** Packets the host counted for the flow's current record, both directions. */
    public long hostPackets(final int slot)
    {
        return Integer.toUnsignedLong(table.entries().packets(slot, false)) +
            Integer.toUnsignedLong(table.entries().packets(slot, true));
    }

    /** Fills {@code key} with the flow's key, its forward direction (the initiator) first, as a device learns it. */
    public void offloadKey(final int slot, final OffloadFlowKey key)
    {
        ownership.offloadKey(slot, key);
    }

    /**
     * Ends a device-owned flow on the device's expiry event: exports its last record with the device's counters
     * merged and frees the entry. A forced end of a flow whose TCP close the host saw is reported as end of flow, as
     * {@link #flushAll} does.
     */
    public void expireOffloaded(final int slot, final int endReason, final HardwareCounts hardware)
    {
        final int reason = ownership.giveBack(slot, endReason);
        expiry.end(slot, reason, hardware, nowMs);
    }

    /** Whether the flow is being taken back from the device for its active timeout. */
    public boolean isRenewing(final int slot)
    {
        return ownership.isRenewing(slot);
    }

    /**
     * The device gave back a flow taken back for its active timeout: exports its record (reason active timeout) with
     * the device's counters merged, and continues the flow from NONE with zero counters and a new generation (a new
     * flowId: a late or duplicated event about the old rule finds no flow).
     */
    public void renewOffloaded(final int slot, final HardwareCounts hardware)
    {
        final int state = ownership.renewing(slot);
        records.exportActive(slot, hardware, nowMs);
        ownership.renewed(slot, state);
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
        return expiry.evictions();
    }

    public long overflowSplits()
    {
        return counter.overflowSplits();
    }

    public long tcpRestarts()
    {
        return counters.tcpRestarts.get();
    }

    /** Packets delivered with a flowId that named their flow: counted without a hash lookup. */
    public long flowIdHits()
    {
        return counters.flowIdHits.get();
    }

    /** Packets delivered with a flowId that named no live flow with their key: looked up instead. */
    public long flowIdMisses()
    {
        return counters.flowIdMisses.get();
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
            !OffloadOwnership.isDeviceOwned(state);
    }

    private int create(
        final int hash, final long addresses, final long key, final int keyFlags, final boolean v6,
        final long srcHi, final long srcLo, final long dstHi, final long dstLo, final int timeMs)
    {
        if (table.isFull())
        {
            expiry.evictLeastRecentlyActive(nowMs);
        }
        final int slot = table.create(hash, addresses, key, keyFlags, v6, srcHi, srcLo, dstHi, dstLo, timeMs);
        if (listener != null)
        {
            listener.onFlowCreated(slot);
        }
        return slot;
    }
}
