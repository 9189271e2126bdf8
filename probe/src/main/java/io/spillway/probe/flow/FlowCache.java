package io.spillway.probe.flow;

import io.spillway.packet.FlowKey;
import io.spillway.packet.FlowHash;
import io.spillway.packet.PacketDescriptor;
import io.spillway.exporter.FlowEndReason;
import io.spillway.exporter.FlowRecord;
import io.spillway.offload.OffloadFlowKey;
import io.spillway.packet.memory.OffHeapMemory;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * One worker's private flow table: off-heap, fixed-size entries, owned by a single thread.
 * <p>
 * Each flow is one 64-byte entry (one cache line) holding its bidirectional key and, per
 * direction, packets, IP octets, layer-2 octets, TCP flags and first/last times. IPv6 addresses
 * do not fit: the entry keeps a 64-bit fingerprint of them and the addresses themselves live in a
 * side table read only when the fingerprint matches. A {@link FlowIndex} maps the flow hash to
 * the entry. Counters are 32-bit: a record about to overflow one is exported first (reason
 * active timeout) and counting continues, so nothing is lost.
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
    public static final int ENTRY_LENGTH = 64;
    public static final int V6_ADDRESSES_LENGTH = 32;
    static final int EVICTION_SAMPLE = 64;
    /** Below this many flows the table fits in the CPU caches and prefetching only costs time. */
    static final int PREFETCH_MIN_FLOWS = 32 * 1024;

    // Entry layout, native byte order.
    static final int ADDRESSES = 0;        // long: IPv4 src << 32 | dst; IPv6 fingerprint of (src, dst)
    static final int KEY = 8;              // long: ports | protocol << 32 | key flags << 40 | vlan << 48
    static final int FWD_PACKETS = 16;     // int, unsigned
    static final int REV_PACKETS = 20;
    static final int FWD_OCTETS = 24;      // int, unsigned: IP bytes
    static final int REV_OCTETS = 28;
    static final int FWD_L2_OCTETS = 32;   // int, unsigned: frame bytes
    static final int REV_L2_OCTETS = 36;
    static final int FWD_FIRST_MS = 40;    // int: low 32 bits of epoch milliseconds
    static final int FWD_LAST_MS = 44;
    static final int REV_FIRST_MS = 48;
    static final int REV_LAST_MS = 52;
    static final int FWD_TCP_FLAGS = 56;   // byte
    static final int REV_TCP_FLAGS = 57;   // byte
    static final int STATE = 58;           // byte: STATE_* bits and the OFFLOAD_* state
    static final int GENERATION = 59;      // byte: bumped when the entry is freed
    static final int OFFLOAD_REQUESTED_MS = 60; // int: when the flow was handed to the device

    static final int STATE_LIVE = 0x01;
    static final int STATE_FIN_FWD = 0x02;
    static final int STATE_FIN_REV = 0x04;
    static final int STATE_RST = 0x08;
    static final int STATE_OFFLOAD = 0x30;
    /** OFFLOADED and being taken back from the device for its active timeout. */
    static final int STATE_RENEWING = 0x40;

    /** Offload states (bits of the entry's state byte): not decided yet. */
    public static final int OFFLOAD_NONE = 0x00;
    /** Requested from the device; its answer is not known yet. The device owns the flow. */
    public static final int OFFLOAD_PENDING = 0x10;
    /** In the device's flow table until its expiry event. The device owns the flow. */
    public static final int OFFLOAD_OFFLOADED = 0x20;
    /** Decided: the host counts the flow to its end (not eligible, refused, failed). Never requested again. */
    public static final int OFFLOAD_SOFTWARE = 0x30;

    private static final int TCP = 6;
    private static final int TCP_FIN = 0x01;
    private static final int TCP_SYN = 0x02;
    private static final int TCP_RST = 0x04;
    private static final int TCP_ACK = 0x10;
    private static final int KEY_FLAGS_SHIFT = 40;
    /** Compares keys without the ingress interface bits stored beside the key flags. */
    private static final long KEY_MASK = ~((long)(~FlowKey.KEY_BITS & 0xFF) << KEY_FLAGS_SHIFT);
    private static final int REVERSE = 1;
    private static final int NOT_FOUND = -1;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final int queue;
    private final int capacity;
    private final FlowTimeouts timeouts;
    private final ExpiredFlowHandler handler;
    private final FlowListener listener;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment entries;
    private final MemorySegment v6Addresses;
    private final FlowIndex index;
    private final int[] freeSlots;
    private final FlowRecord record = new FlowRecord();
    private final UnsafeBuffer recordBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(FlowRecord.MAX_LENGTH));

    private int freeCount;
    private int highWater;
    private int live;
    private long nowMs;
    private long lastSweepMs = Long.MIN_VALUE;
    private long sweepCredit;
    private int sweepCursor;
    private int evictionCursor;
    private int deviceOwned;
    private final int offloadLimit;
    private OffloadedActiveTimeout offloadedActiveTimeout;

    /** Written once per batch so the JIT keeps the prefetching loads of {@link #prefetch}. */
    private long prefetchSink;
    private long flowsCreated;
    private long evictions;
    private long overflowSplits;
    private long tcpRestarts;
    private long flowIdHits;
    private long flowIdMisses;
    private final long[] recordsByReason = new long[8];

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
        if (capacity < 1 || capacity > (1 << 30))
        {
            throw new IllegalArgumentException("flow cache capacity must be in [1, 2^30]: " + capacity);
        }
        this.queue = queue;
        this.capacity = capacity;
        this.timeouts = timeouts;
        this.handler = handler;
        this.listener = listener;
        entries = OffHeapMemory.allocate((long)capacity * ENTRY_LENGTH, arena);
        v6Addresses = OffHeapMemory.allocate((long)capacity * V6_ADDRESSES_LENGTH, arena);
        index = new FlowIndex(capacity, arena);
        freeSlots = new int[capacity];
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

        final long tail = (long)protocol << 32 | (long)(keyFlags & FlowKey.KEY_BITS) << KEY_FLAGS_SHIFT |
            (long)vlan << 48;
        final long fwdKey = (ports & 0xFFFF_FFFFL) | tail;
        final long revKey = (Integer.rotateLeft(ports, 16) & 0xFFFF_FFFFL) | tail;
        final boolean v6 = (keyFlags & FlowKey.IPV6) != 0;
        final long fwdAddresses = v6 ? fingerprint(srcHi, srcLo, dstHi, dstLo) : srcLo << 32 | (dstLo & 0xFFFF_FFFFL);
        final long revAddresses = v6 ? fingerprint(dstHi, dstLo, srcHi, srcLo) : dstLo << 32 | (srcLo & 0xFFFF_FFFFL);

        int found = NOT_FOUND;
        if (flowId != 0)
        {
            final int tagged = slotOf(flowId);
            found = tagged < 0 ? NOT_FOUND :
                match(tagged, fwdAddresses, fwdKey, revAddresses, revKey, v6, srcHi, srcLo, dstHi, dstLo);
            if (found == NOT_FOUND)
            {
                flowIdMisses++;
            }
            else
            {
                flowIdHits++;
            }
        }
        if (found == NOT_FOUND)
        {
            found = find(hash, fwdAddresses, fwdKey, revAddresses, revKey, v6, srcHi, srcLo, dstHi, dstLo);
        }
        int slot;
        boolean reverse = false;
        if (found == NOT_FOUND)
        {
            slot = create(hash, fwdAddresses, fwdKey, keyFlags, v6, srcHi, srcLo, dstHi, dstLo, timeMs);
        }
        else
        {
            slot = found >>> 1;
            reverse = (found & REVERSE) != 0;
            final int state = state(slot);
            if (protocol == TCP && (tcpFlags & (TCP_SYN | TCP_ACK)) == TCP_SYN && isClosed(state) &&
                !isDeviceOwned(state))
            {
                // A new connection reusing the 5-tuple of a closed one is a new flow. Not while the device owns the
                // old one: its counters would be lost, so the SYN still counts to the old flow.
                expire(slot, FlowEndReason.END_OF_FLOW);
                slot = create(hash, fwdAddresses, fwdKey, keyFlags, v6, srcHi, srcLo, dstHi, dstLo, timeMs);
                reverse = false;
                tcpRestarts++;
            }
        }

        count(slot, reverse, timeMs,
            descriptor.getInt(offset + PacketDescriptor.IP_LENGTH),
            descriptor.getInt(offset + PacketDescriptor.WIRE_LENGTH),
            protocol == TCP ? tcpFlags : 0);
        return slot;
    }

    /**
     * Touches the index line and the likely entry line of {@code count} descriptors, {@code stride}
     * bytes apart, before they are counted: the loads of a whole batch are in flight together, so
     * their cache misses overlap instead of costing one memory latency after another. Skipped while
     * the table is small enough to stay in the CPU caches.
     */
    public void prefetch(final DirectBuffer descriptors, final int offset, final int count, final int stride)
    {
        if (highWater < PREFETCH_MIN_FLOWS)
        {
            return;
        }
        long touched = 0;
        for (int i = 0, at = offset; i < count; i++, at += stride)
        {
            touched += index.entry(index.home((int)descriptors.getLong(at + PacketDescriptor.HASH)));
        }
        for (int i = 0, at = offset; i < count; i++, at += stride)
        {
            final long entry = index.entry(index.home((int)descriptors.getLong(at + PacketDescriptor.HASH)));
            if (entry != 0)
            {
                touched += entries.get(LONG, (long)FlowIndex.slotOf(entry) * ENTRY_LENGTH);
            }
        }
        prefetchSink += touched;
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
        for (int slot = 0; slot < highWater; slot++)
        {
            final int state = state(slot);
            if ((state & STATE_LIVE) != 0)
            {
                expire(slot, isClosed(state) ? FlowEndReason.END_OF_FLOW : FlowEndReason.FORCED_END);
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
        return FlowId.of(queue, slot, generation(slot));
    }

    /** The slot of a live flow of this cache named by {@code flowId}, or -1 when it names none (ended, recycled). */
    public int slotOf(final long flowId)
    {
        final int slot = FlowId.slot(flowId);
        if (flowId == 0 || FlowId.queue(flowId) != queue || slot < 0 || slot >= highWater ||
            (state(slot) & STATE_LIVE) == 0 || generation(slot) != FlowId.generation(flowId))
        {
            return -1;
        }
        return slot;
    }

    /** One of OFFLOAD_NONE, OFFLOAD_PENDING, OFFLOAD_OFFLOADED, OFFLOAD_SOFTWARE. */
    public int offloadState(final int slot)
    {
        return state(slot) & STATE_OFFLOAD;
    }

    /**
     * Whether a device can take the flow: not a layer-3-only flow, not a flow whose ports are both 0 (a hardware key
     * has no "ports unknown" bit, so it would also match layer-3-only fragments), and not a TCP flow that is
     * closing (FIN or RST seen): the device would keep it until its idle timeout.
     */
    public boolean isOffloadable(final int slot)
    {
        final long base = (long)slot * ENTRY_LENGTH;
        final long key = entries.get(LONG, base + KEY);
        final int keyFlags = (int)(key >>> KEY_FLAGS_SHIFT);
        final int flags = (entries.get(BYTE, base + FWD_TCP_FLAGS) | entries.get(BYTE, base + REV_TCP_FLAGS)) & 0xFF;
        return (keyFlags & FlowKey.L3_ONLY) == 0 && (int)key != 0 && (flags & (TCP_FIN | TCP_RST)) == 0;
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
        final long base = (long)slot * ENTRY_LENGTH;
        offloadState(slot, OFFLOAD_PENDING);
        entries.set(INT, base + OFFLOAD_REQUESTED_MS, (int)nowMs);
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
        for (int slot = Math.max(0, fromSlot); slot < highWater; slot++)
        {
            final int state = state(slot);
            if ((state & STATE_LIVE) != 0 && (state & (STATE_OFFLOAD | STATE_RENEWING)) == OFFLOAD_OFFLOADED)
            {
                return slot;
            }
        }
        return -1;
    }

    /** Packets the host counted for the flow's current record, both directions. */
    public long hostPackets(final int slot)
    {
        final long base = (long)slot * ENTRY_LENGTH;
        return Integer.toUnsignedLong(entries.get(INT, base + FWD_PACKETS)) +
            Integer.toUnsignedLong(entries.get(INT, base + REV_PACKETS));
    }

    /** Fills {@code key} with the flow's key, its forward direction (the initiator) first, as a device learns it. */
    public void offloadKey(final int slot, final OffloadFlowKey key)
    {
        final long base = (long)slot * ENTRY_LENGTH;
        final long entryKey = entries.get(LONG, base + KEY);
        final int ports = (int)entryKey;
        final int protocol = (int)(entryKey >>> 32) & 0xFF;
        final int vlan = (int)(entryKey >>> 48) & 0xFFFF;
        if (((int)(entryKey >>> KEY_FLAGS_SHIFT) & FlowKey.IPV6) != 0)
        {
            final long v6Base = (long)slot * V6_ADDRESSES_LENGTH;
            key.ipv6(v6Addresses.get(LONG, v6Base), v6Addresses.get(LONG, v6Base + 8), ports >>> 16,
                v6Addresses.get(LONG, v6Base + 16), v6Addresses.get(LONG, v6Base + 24), ports & 0xFFFF, protocol, vlan);
        }
        else
        {
            final long addresses = entries.get(LONG, base + ADDRESSES);
            key.ipv4(addresses >>> 32, ports >>> 16, addresses & 0xFFFF_FFFFL, ports & 0xFFFF, protocol, vlan);
        }
    }

    /**
     * Ends a device-owned flow on the device's expiry event: exports its last record with the device's counters
     * merged (see {@link #exportRecord}) and frees the entry. A forced end of a flow whose TCP close the host saw is
     * reported as end of flow, as {@link #flushAll} does.
     */
    public void expireOffloaded(final int slot, final int endReason, final HardwareCounts hardware)
    {
        final int state = state(slot);
        if (!isDeviceOwned(state))
        {
            throw new IllegalStateException("slot " + slot + " is not owned by the offload device");
        }
        deviceOwned--;
        offloadState(slot, OFFLOAD_SOFTWARE);
        final int reason = endReason == FlowEndReason.FORCED_END && isClosed(state) ?
            FlowEndReason.END_OF_FLOW : endReason;
        expire(slot, reason, hardware);
    }

    /** Whether the flow is being taken back from the device for its active timeout. */
    public boolean isRenewing(final int slot)
    {
        return (state(slot) & STATE_RENEWING) != 0;
    }

    /**
     * The device gave back a flow taken back for its active timeout: exports its record (reason active timeout) with
     * the device's counters merged, and continues the flow from NONE with zero counters and a new generation (a new
     * flowId: a late or duplicated event about the old rule finds no flow).
     */
    public void renewOffloaded(final int slot, final HardwareCounts hardware)
    {
        final int state = state(slot);
        if ((state & STATE_RENEWING) == 0 || !isDeviceOwned(state))
        {
            throw new IllegalStateException("slot " + slot + " is not being taken back from the offload device");
        }
        exportRecord(slot, FlowEndReason.ACTIVE_TIMEOUT, false, hardware);
        resetCounters(slot);
        deviceOwned--;
        final long base = (long)slot * ENTRY_LENGTH;
        entries.set(BYTE, base + STATE, (byte)(state & ~(STATE_OFFLOAD | STATE_RENEWING) | OFFLOAD_NONE));
        entries.set(BYTE, base + GENERATION, (byte)(entries.get(BYTE, base + GENERATION) + 1));
    }

    public int liveFlows()
    {
        return live;
    }

    public int capacity()
    {
        return capacity;
    }

    public long nowMs()
    {
        return nowMs;
    }

    public long flowsCreated()
    {
        return flowsCreated;
    }

    public long evictions()
    {
        return evictions;
    }

    public long overflowSplits()
    {
        return overflowSplits;
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
        return recordsByReason[endReason];
    }

    public long records()
    {
        long total = 0;
        for (final long count : recordsByReason)
        {
            total += count;
        }
        return total;
    }

    /** Bytes of memory reserved for the table (entries, IPv6 side table, index). */
    public long reservedBytes()
    {
        return entries.byteSize() + v6Addresses.byteSize() + index.bytes();
    }

    /** Bytes reserved per IPv4 flow: the entry plus its share of the index. */
    public double bytesPerIPv4Flow()
    {
        return ENTRY_LENGTH + (double)index.bytes() / capacity;
    }

    @Override
    public void close()
    {
        arena.close();
    }

    private int find(
        final int hash, final long fwdAddresses, final long fwdKey, final long revAddresses, final long revKey,
        final boolean v6, final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        int position = index.home(hash);
        while (true)
        {
            final long entry = index.entry(position);
            if (entry == 0)
            {
                return NOT_FOUND;
            }
            if (FlowIndex.hashOf(entry) == hash)
            {
                final int found = match(FlowIndex.slotOf(entry), fwdAddresses, fwdKey, revAddresses, revKey, v6,
                    srcHi, srcLo, dstHi, dstLo);
                if (found != NOT_FOUND)
                {
                    return found;
                }
            }
            position = index.next(position);
        }
    }

    /** {@code slot << 1}, with {@link #REVERSE} set for the reverse direction, when the slot's key is the packet's. */
    private int match(
        final int slot, final long fwdAddresses, final long fwdKey, final long revAddresses, final long revKey,
        final boolean v6, final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        final long base = (long)slot * ENTRY_LENGTH;
        final long addresses = entries.get(LONG, base + ADDRESSES);
        final long key = entries.get(LONG, base + KEY) & KEY_MASK;
        if (addresses == fwdAddresses && key == fwdKey && (!v6 || v6Equals(slot, srcHi, srcLo, dstHi, dstLo)))
        {
            return slot << 1;
        }
        if (addresses == revAddresses && key == revKey && (!v6 || v6Equals(slot, dstHi, dstLo, srcHi, srcLo)))
        {
            return slot << 1 | REVERSE;
        }
        return NOT_FOUND;
    }

    private int create(
        final int hash, final long addresses, final long key, final int keyFlags, final boolean v6,
        final long srcHi, final long srcLo, final long dstHi, final long dstLo, final int timeMs)
    {
        if (live == capacity)
        {
            evictLeastRecentlyActive();
        }
        final int slot = freeCount > 0 ? freeSlots[--freeCount] : highWater++;
        final long base = (long)slot * ENTRY_LENGTH;
        entries.set(LONG, base + ADDRESSES, addresses);
        entries.set(LONG, base + KEY, key & KEY_MASK | (long)keyFlags << KEY_FLAGS_SHIFT);
        entries.set(LONG, base + FWD_PACKETS, 0L);
        entries.set(LONG, base + FWD_OCTETS, 0L);
        entries.set(LONG, base + FWD_L2_OCTETS, 0L);
        // Every time starts at the first packet, so "last seen" is defined before a reverse packet.
        entries.set(INT, base + FWD_FIRST_MS, timeMs);
        entries.set(INT, base + FWD_LAST_MS, timeMs);
        entries.set(INT, base + REV_FIRST_MS, timeMs);
        entries.set(INT, base + REV_LAST_MS, timeMs);
        entries.set(BYTE, base + FWD_TCP_FLAGS, (byte)0);
        entries.set(BYTE, base + REV_TCP_FLAGS, (byte)0);
        entries.set(BYTE, base + STATE, (byte)STATE_LIVE);
        entries.set(INT, base + OFFLOAD_REQUESTED_MS, 0);
        if (v6)
        {
            final long v6Base = (long)slot * V6_ADDRESSES_LENGTH;
            v6Addresses.set(LONG, v6Base, srcHi);
            v6Addresses.set(LONG, v6Base + 8, srcLo);
            v6Addresses.set(LONG, v6Base + 16, dstHi);
            v6Addresses.set(LONG, v6Base + 24, dstLo);
        }
        index.put(hash, slot);
        live++;
        flowsCreated++;
        if (listener != null)
        {
            listener.onFlowCreated(slot);
        }
        return slot;
    }

    private void count(
        final int slot, final boolean reverse, final int timeMs, final int ipLength, final int wireLength,
        final int tcpFlags)
    {
        final long base = (long)slot * ENTRY_LENGTH;
        final long packetsAt = base + (reverse ? REV_PACKETS : FWD_PACKETS);
        final long octetsAt = base + (reverse ? REV_OCTETS : FWD_OCTETS);
        final long l2OctetsAt = base + (reverse ? REV_L2_OCTETS : FWD_L2_OCTETS);
        final long firstAt = base + (reverse ? REV_FIRST_MS : FWD_FIRST_MS);
        final long lastAt = base + (reverse ? REV_LAST_MS : FWD_LAST_MS);

        int packets = entries.get(INT, packetsAt);
        final int octets = entries.get(INT, octetsAt);
        final int l2Octets = entries.get(INT, l2OctetsAt);
        if (packets == -1 || Integer.compareUnsigned(octets, ~ipLength) > 0 ||
            Integer.compareUnsigned(l2Octets, ~wireLength) > 0)
        {
            exportRecord(slot, FlowEndReason.ACTIVE_TIMEOUT, false);
            resetCounters(slot);
            overflowSplits++;
            packets = 0;
        }

        if (packets == 0)
        {
            entries.set(INT, firstAt, timeMs);
            entries.set(INT, lastAt, timeMs);
        }
        else
        {
            // Packet times may go backwards slightly (merged interfaces): keep first <= last.
            if (timeMs - entries.get(INT, firstAt) < 0)
            {
                entries.set(INT, firstAt, timeMs);
            }
            if (timeMs - entries.get(INT, lastAt) > 0)
            {
                entries.set(INT, lastAt, timeMs);
            }
        }
        entries.set(INT, packetsAt, packets + 1);
        entries.set(INT, octetsAt, entries.get(INT, octetsAt) + ipLength);
        entries.set(INT, l2OctetsAt, entries.get(INT, l2OctetsAt) + wireLength);

        if (tcpFlags != 0)
        {
            final long flagsAt = base + (reverse ? REV_TCP_FLAGS : FWD_TCP_FLAGS);
            entries.set(BYTE, flagsAt, (byte)(entries.get(BYTE, flagsAt) | tcpFlags));
            if ((tcpFlags & (TCP_FIN | TCP_RST)) != 0)
            {
                final int closing = ((tcpFlags & TCP_RST) != 0 ? STATE_RST : 0) |
                    ((tcpFlags & TCP_FIN) != 0 ? (reverse ? STATE_FIN_REV : STATE_FIN_FWD) : 0);
                entries.set(BYTE, base + STATE, (byte)(state(slot) | closing));
            }
        }
    }

    private void checkExpiry(final int slot)
    {
        final int state = state(slot);
        if ((state & STATE_LIVE) == 0)
        {
            return;
        }
        final long base = (long)slot * ENTRY_LENGTH;
        final int now = (int)nowMs;
        if (isDeviceOwned(state))
        {
            // A device-owned flow ends with the device's expiry event. An OFFLOADED one whose record is due is taken
            // back from the device, which holds its counters.
            if ((state & (STATE_OFFLOAD | STATE_RENEWING)) == OFFLOAD_OFFLOADED && offloadedActiveTimeout != null &&
                hasPackets(base) && now - recordStart(base) >= timeouts.activeMs() &&
                offloadedActiveTimeout.onDue(slot))
            {
                entries.set(BYTE, base + STATE, (byte)(state | STATE_RENEWING));
            }
            return;
        }
        final long quiet = now - lastSeen(base);
        if (isClosed(state) && quiet >= timeouts.tcpCloseMs())
        {
            expire(slot, FlowEndReason.END_OF_FLOW);
        }
        else if (quiet >= timeouts.idleMs())
        {
            expire(slot, FlowEndReason.IDLE_TIMEOUT);
        }
        else if (hasPackets(base) && now - recordStart(base) >= timeouts.activeMs())
        {
            exportRecord(slot, FlowEndReason.ACTIVE_TIMEOUT, false);
            resetCounters(slot);
        }
    }

    private void evictLeastRecentlyActive()
    {
        int oldest = -1;
        long oldestQuiet = Long.MIN_VALUE;
        int position = evictionCursor;
        for (int seen = 0, visited = 0; seen < EVICTION_SAMPLE && visited < highWater; visited++)
        {
            position = position + 1 >= highWater ? 0 : position + 1;
            final int state = state(position);
            if ((state & STATE_LIVE) != 0 && !isDeviceOwned(state))
            {
                seen++;
                final long quiet = (int)nowMs - lastSeen((long)position * ENTRY_LENGTH);
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
        expire(oldest, FlowEndReason.LACK_OF_RESOURCES);
    }

    /** Exports the flow's last record (when it has packets) and frees its entry. */
    private void expire(final int slot, final int reason)
    {
        expire(slot, reason, null);
    }

    /** Exports the flow's last record with the device's counters (null: none) merged, and frees its entry. */
    private void expire(final int slot, final int reason, final HardwareCounts hardware)
    {
        final long base = (long)slot * ENTRY_LENGTH;
        if (hasPackets(base) || (hardware != null && hardware.packets() > 0))
        {
            exportRecord(slot, reason, true, hardware);
        }
        else if (listener != null)
        {
            // No record left to export (an active timeout just took the last packets): the listener
            // still learns that the flow ends, on a record that goes nowhere.
            record.wrap(recordBuffer, 0).clear();
            listener.onRecord(slot, record, true);
        }
        index.remove(hashOf(slot), slot);
        entries.set(BYTE, base + STATE, (byte)0);
        entries.set(BYTE, base + GENERATION, (byte)(entries.get(BYTE, base + GENERATION) + 1));
        freeSlots[freeCount++] = slot;
        live--;
    }

    private void exportRecord(final int slot, final int reason, final boolean ending)
    {
        exportRecord(slot, reason, ending, null);
    }

    /**
     * Exports the flow's current record, with the device's counters added when {@code hardware} is not null: per
     * direction packets, frame octets and TCP flags add up; IP octets of the device's share are estimated (see
     * {@link #hardwareIpOctets}); a direction's last time is the later of the host's and the device's last-seen (the
     * device reports one for both directions), and a direction only the device saw starts when the flow was handed
     * to it (its packets came later).
     */
    private void exportRecord(final int slot, final int reason, final boolean ending, final HardwareCounts hardware)
    {
        final long base = (long)slot * ENTRY_LENGTH;
        final long key = entries.get(LONG, base + KEY);
        final int keyFlags = (int)(key >>> KEY_FLAGS_SHIFT) & 0xFF;
        final int ports = (int)key;
        final long fwdHostPackets = Integer.toUnsignedLong(entries.get(INT, base + FWD_PACKETS));
        final long revHostPackets = Integer.toUnsignedLong(entries.get(INT, base + REV_PACKETS));
        final long fwdHostOctets = Integer.toUnsignedLong(entries.get(INT, base + FWD_OCTETS));
        final long revHostOctets = Integer.toUnsignedLong(entries.get(INT, base + REV_OCTETS));
        final long fwdHostL2Octets = Integer.toUnsignedLong(entries.get(INT, base + FWD_L2_OCTETS));
        final long revHostL2Octets = Integer.toUnsignedLong(entries.get(INT, base + REV_L2_OCTETS));

        record.wrap(recordBuffer, 0).clear();
        record.protocol((int)(key >>> 32) & 0xFF)
            .endReason(reason)
            .flags((keyFlags & FlowKey.L3_ONLY) != 0 ? FlowRecord.FLAG_L3_ONLY : 0)
            .srcPort(ports >>> 16)
            .dstPort(ports & 0xFFFF)
            .vlanId((int)(key >>> 48) & 0xFFFF)
            .ingressInterface(keyFlags >>> FlowKey.INTERFACE_SHIFT)
            .queue(queue)
            .fwdTcpFlags(entries.get(BYTE, base + FWD_TCP_FLAGS) & 0xFF)
            .revTcpFlags(entries.get(BYTE, base + REV_TCP_FLAGS) & 0xFF)
            .fwdPackets(fwdHostPackets)
            .fwdOctets(fwdHostOctets)
            .fwdL2Octets(fwdHostL2Octets)
            .revPackets(revHostPackets)
            .revOctets(revHostOctets)
            .revL2Octets(revHostL2Octets);
        if (fwdHostPackets > 0)
        {
            record.fwdFirstMillis(epochMillis(entries.get(INT, base + FWD_FIRST_MS)))
                .fwdLastMillis(epochMillis(entries.get(INT, base + FWD_LAST_MS)));
        }
        if (revHostPackets > 0)
        {
            record.revFirstMillis(epochMillis(entries.get(INT, base + REV_FIRST_MS)))
                .revLastMillis(epochMillis(entries.get(INT, base + REV_LAST_MS)));
        }
        if (hardware != null)
        {
            final long handedOverMs = epochMillis(entries.get(INT, base + OFFLOAD_REQUESTED_MS));
            record.hwPackets(hardware.packets()).hwOctets(hardware.bytes())
                .fwdTcpFlags(record.fwdTcpFlags() | hardware.fwdTcpFlags)
                .revTcpFlags(record.revTcpFlags() | hardware.revTcpFlags);
            if (hardware.fwdPackets > 0)
            {
                record.fwdPackets(fwdHostPackets + hardware.fwdPackets)
                    .fwdL2Octets(fwdHostL2Octets + hardware.fwdBytes)
                    .fwdOctets(fwdHostOctets + hardwareIpOctets(hardware.fwdPackets, hardware.fwdBytes,
                        fwdHostPackets > 0 ? fwdHostPackets : revHostPackets,
                        fwdHostPackets > 0 ? fwdHostL2Octets - fwdHostOctets : revHostL2Octets - revHostOctets));
                final long first = fwdHostPackets > 0 ? record.fwdFirstMillis() : handedOverMs;
                record.fwdFirstMillis(first)
                    .fwdLastMillis(Math.max(fwdHostPackets > 0 ? record.fwdLastMillis() : first, hardware.lastSeenMs));
            }
            if (hardware.revPackets > 0)
            {
                record.revPackets(revHostPackets + hardware.revPackets)
                    .revL2Octets(revHostL2Octets + hardware.revBytes)
                    .revOctets(revHostOctets + hardwareIpOctets(hardware.revPackets, hardware.revBytes,
                        revHostPackets > 0 ? revHostPackets : fwdHostPackets,
                        revHostPackets > 0 ? revHostL2Octets - revHostOctets : fwdHostL2Octets - fwdHostOctets));
                final long first = revHostPackets > 0 ? record.revFirstMillis() : handedOverMs;
                record.revFirstMillis(first)
                    .revLastMillis(Math.max(revHostPackets > 0 ? record.revLastMillis() : first, hardware.lastSeenMs));
            }
        }
        if ((keyFlags & FlowKey.IPV6) != 0)
        {
            final long v6Base = (long)slot * V6_ADDRESSES_LENGTH;
            record.ipVersion(6)
                .srcIPv6(v6Addresses.get(LONG, v6Base), v6Addresses.get(LONG, v6Base + 8))
                .dstIPv6(v6Addresses.get(LONG, v6Base + 16), v6Addresses.get(LONG, v6Base + 24));
        }
        else
        {
            final long addresses = entries.get(LONG, base + ADDRESSES);
            record.ipVersion(4).srcIPv4((int)(addresses >>> 32)).dstIPv4((int)addresses);
        }
        if (listener != null)
        {
            listener.onRecord(slot, record, ending);
        }
        recordsByReason[reason]++;
        handler.onExpired(record);
    }

    /**
     * IP octets of packets a device counted as frame bytes: the frame bytes less the layer-2 overhead per packet the
     * host measured on the same flow ({@code hostPackets} packets with {@code hostOverhead} bytes beyond their IP
     * packets in all), rounded. Exact when the flow's frames all have the same link header and no padding. With no
     * host packet to measure (only after a counter overflow split), the frame bytes themselves.
     */
    static long hardwareIpOctets(
        final long packets, final long frameBytes, final long hostPackets, final long hostOverhead)
    {
        if (hostPackets == 0)
        {
            return frameBytes;
        }
        return Math.max(0, frameBytes - (packets * hostOverhead + hostPackets / 2) / hostPackets);
    }

    private void resetCounters(final int slot)
    {
        // Times stay: they still tell when the flow was last seen; the zero counters say the
        // new record has no packet yet.
        final long base = (long)slot * ENTRY_LENGTH;
        entries.set(LONG, base + FWD_PACKETS, 0L);
        entries.set(LONG, base + FWD_OCTETS, 0L);
        entries.set(LONG, base + FWD_L2_OCTETS, 0L);
        entries.set(BYTE, base + FWD_TCP_FLAGS, (byte)0);
        entries.set(BYTE, base + REV_TCP_FLAGS, (byte)0);
    }

    /** The flow hash recomputed from the entry's key (the same value the capture thread computed). */
    private int hashOf(final int slot)
    {
        final long base = (long)slot * ENTRY_LENGTH;
        final long key = entries.get(LONG, base + KEY);
        final int ports = (int)key;
        final int protocol = (int)(key >>> 32) & 0xFF;
        final int keyBits = (int)(key >>> KEY_FLAGS_SHIFT) & FlowKey.KEY_BITS;
        final int vlan = (int)(key >>> 48) & 0xFFFF;
        if ((keyBits & FlowKey.IPV6) != 0)
        {
            final long v6Base = (long)slot * V6_ADDRESSES_LENGTH;
            return (int)FlowHash.of(
                v6Addresses.get(LONG, v6Base), v6Addresses.get(LONG, v6Base + 8), ports >>> 16,
                v6Addresses.get(LONG, v6Base + 16), v6Addresses.get(LONG, v6Base + 24), ports & 0xFFFF,
                protocol, vlan, keyBits);
        }
        final long addresses = entries.get(LONG, base + ADDRESSES);
        return (int)FlowHash.of(0, addresses >>> 32, ports >>> 16, 0, addresses & 0xFFFF_FFFFL, ports & 0xFFFF,
            protocol, vlan, keyBits);
    }

    private boolean v6Equals(final int slot, final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        final long v6Base = (long)slot * V6_ADDRESSES_LENGTH;
        return v6Addresses.get(LONG, v6Base) == srcHi && v6Addresses.get(LONG, v6Base + 8) == srcLo &&
            v6Addresses.get(LONG, v6Base + 16) == dstHi && v6Addresses.get(LONG, v6Base + 24) == dstLo;
    }

    /** An order-sensitive 64-bit summary of an IPv6 address pair: (a, b) and (b, a) differ. */
    private static long fingerprint(final long aHi, final long aLo, final long bHi, final long bLo)
    {
        return FlowHash.mix(FlowHash.mix(aHi ^ Long.rotateLeft(aLo, 32)) + (bHi * 0x9E3779B97F4A7C15L ^ bLo));
    }

    private int state(final int slot)
    {
        return entries.get(BYTE, (long)slot * ENTRY_LENGTH + STATE) & 0xFF;
    }

    private void offloadState(final int slot, final int offloadState)
    {
        entries.set(BYTE, (long)slot * ENTRY_LENGTH + STATE, (byte)(state(slot) & ~STATE_OFFLOAD | offloadState));
    }

    private int generation(final int slot)
    {
        return entries.get(BYTE, (long)slot * ENTRY_LENGTH + GENERATION) & 0xFF;
    }

    /** PENDING or OFFLOADED: only the device's expiry event may end the flow. */
    private static boolean isDeviceOwned(final int state)
    {
        final int offload = state & STATE_OFFLOAD;
        return offload == OFFLOAD_PENDING || offload == OFFLOAD_OFFLOADED;
    }

    private static boolean isClosed(final int state)
    {
        return (state & STATE_RST) != 0 || (state & (STATE_FIN_FWD | STATE_FIN_REV)) == (STATE_FIN_FWD | STATE_FIN_REV);
    }

    private boolean hasPackets(final long base)
    {
        // Both directions' packet counters in one read.
        return entries.get(LONG, base + FWD_PACKETS) != 0;
    }

    private int lastSeen(final long base)
    {
        final int fwd = entries.get(INT, base + FWD_LAST_MS);
        final int rev = entries.get(INT, base + REV_LAST_MS);
        return rev - fwd > 0 ? rev : fwd;
    }

    private int recordStart(final long base)
    {
        final boolean fwd = entries.get(INT, base + FWD_PACKETS) != 0;
        final boolean rev = entries.get(INT, base + REV_PACKETS) != 0;
        final int fwdFirst = entries.get(INT, base + FWD_FIRST_MS);
        final int revFirst = entries.get(INT, base + REV_FIRST_MS);
        if (fwd && rev)
        {
            return revFirst - fwdFirst < 0 ? revFirst : fwdFirst;
        }
        return fwd ? fwdFirst : revFirst;
    }

    /** Rebuilds epoch milliseconds from the low 32 bits kept in the entry, relative to now. */
    private long epochMillis(final int lowBits)
    {
        return nowMs - ((int)nowMs - lowBits);
    }
}
