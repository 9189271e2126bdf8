package io.spillway.probe.flow;

import org.agrona.concurrent.status.AtomicCounter;
import io.spillway.packet.FlowHash;
import io.spillway.packet.FlowKey;
import io.spillway.packet.PacketDescriptor;
import io.spillway.packet.memory.OffHeapMemory;
import org.agrona.DirectBuffer;

import java.lang.foreign.Arena;

/**
 * Where a worker's flows are kept and how a packet finds its own: the {@link FlowEntries}, the
 * {@link Ipv6Addresses} side table, the {@link FlowIndex} from flow hash to slot, and the free slots. Memory comes
 * from anonymous {@code mmap}, so a table sized for millions of flows costs only the pages it touches.
 */
final class FlowTable implements AutoCloseable
{
    /** What {@link #find} and {@link #match} return for a packet of no flow of the table. */
    static final int NOT_FOUND = -1;
    /** The bit of a found flow that says the packet goes in its reverse direction. */
    static final int REVERSE = 1;
    /** Below this many flows the table fits in the CPU caches and prefetching only costs time. */
    static final int PREFETCH_MIN_FLOWS = 32 * 1024;

    private final Arena arena = Arena.ofShared();
    private final int queue;
    private final int capacity;
    private final FlowEntries entries;
    private final Ipv6Addresses ipv6Addresses;
    private final FlowIndex index;
    private final int[] freeSlots;

    private int freeCount;
    private int highWater;
    private int live;
    private final AtomicCounter flowsCreated;
    /** {@link #live} for readers on other threads (a metrics scrape); written per flow, not per packet. */
    private final AtomicCounter flowsActive;
    /** Written once per batch so the JIT keeps the prefetching loads of {@link #prefetch}. */
    private long prefetchSink;

    /**
     * @param queue    the worker queue this table belongs to, part of every {@link FlowId}
     * @param capacity the most flows held at once
     */
    FlowTable(final int queue, final int capacity, final AtomicCounter flowsCreated, final AtomicCounter flowsActive)
    {
        this.flowsCreated = flowsCreated;
        this.flowsActive = flowsActive;
        if (capacity < 1 || capacity > (1 << 30))
        {
            throw new IllegalArgumentException("flow cache capacity must be in [1, 2^30]: " + capacity);
        }
        this.queue = queue;
        this.capacity = capacity;
        entries = new FlowEntries(OffHeapMemory.allocate((long)capacity * FlowEntries.LENGTH, arena));
        ipv6Addresses = new Ipv6Addresses(OffHeapMemory.allocate((long)capacity * Ipv6Addresses.LENGTH, arena));
        index = new FlowIndex(capacity, arena);
        freeSlots = new int[capacity];
    }

    FlowEntries entries()
    {
        return entries;
    }

    Ipv6Addresses ipv6Addresses()
    {
        return ipv6Addresses;
    }

    /**
     * The flow of a packet with these keys of both directions (see {@link EntryKey}): {@code slot << 1}, with
     * {@link #REVERSE} set when the packet goes in the flow's reverse direction, or {@link #NOT_FOUND}.
     */
    int find(
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

    /** As {@link #find}, for the flow in {@code slot} only. */
    int match(
        final int slot, final long fwdAddresses, final long fwdKey, final long revAddresses, final long revKey,
        final boolean v6, final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        final long addresses = entries.addresses(slot);
        final long key = entries.key(slot) & EntryKey.MASK;
        if (addresses == fwdAddresses && key == fwdKey &&
            (!v6 || ipv6Addresses.matches(slot, srcHi, srcLo, dstHi, dstLo)))
        {
            return slot << 1;
        }
        if (addresses == revAddresses && key == revKey &&
            (!v6 || ipv6Addresses.matches(slot, dstHi, dstLo, srcHi, srcLo)))
        {
            return slot << 1 | REVERSE;
        }
        return NOT_FOUND;
    }

    boolean isFull()
    {
        return live == capacity;
    }

    /** A new flow, the packet's direction forward, in a free slot: the table must not be full. */
    int create(
        final int hash, final long addresses, final long key, final int keyFlags, final boolean v6,
        final long srcHi, final long srcLo, final long dstHi, final long dstLo, final int timeMs)
    {
        final int slot = freeCount > 0 ? freeSlots[--freeCount] : highWater++;
        entries.init(slot, addresses, EntryKey.stored(key, keyFlags), timeMs);
        if (v6)
        {
            ipv6Addresses.set(slot, srcHi, srcLo, dstHi, dstLo);
        }
        index.put(hash, slot);
        live++;
        flowsActive.setOpaque(live);
        flowsCreated.incrementOpaque();
        return slot;
    }

    /** Frees the flow's slot: a new generation, so that its {@link FlowId} names no flow any more. */
    void remove(final int slot)
    {
        index.remove(hashOf(slot), slot);
        entries.state(slot, 0);
        entries.nextGeneration(slot);
        freeSlots[freeCount++] = slot;
        live--;
        flowsActive.setOpaque(live);
    }

    /** The flow's {@link FlowId}: this queue, the slot and the slot's current generation. */
    long flowId(final int slot)
    {
        return FlowId.of(queue, slot, entries.generation(slot));
    }

    /** The slot of a live flow of this table named by {@code flowId}, or -1 when it names none (ended, recycled). */
    int slotOf(final long flowId)
    {
        final int slot = FlowId.slot(flowId);
        if (flowId == 0 || FlowId.queue(flowId) != queue || slot < 0 || slot >= highWater ||
            (entries.state(slot) & FlowEntries.STATE_LIVE) == 0 ||
            entries.generation(slot) != FlowId.generation(flowId))
        {
            return -1;
        }
        return slot;
    }

    /**
     * Touches the index line and the likely entry line of {@code count} descriptors, {@code stride}
     * bytes apart, before they are counted: the loads of a whole batch are in flight together, so
     * their cache misses overlap instead of costing one memory latency after another. Skipped while
     * the table is small enough to stay in the CPU caches.
     */
    void prefetch(final DirectBuffer descriptors, final int offset, final int count, final int stride)
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
                touched += entries.addresses(FlowIndex.slotOf(entry));
            }
        }
        prefetchSink += touched;
    }

    /** Slots in use or used since the table was created: every flow is below it. */
    int highWater()
    {
        return highWater;
    }

    int live()
    {
        return live;
    }

    int capacity()
    {
        return capacity;
    }

    long flowsCreated()
    {
        return flowsCreated.get();
    }

    /** Bytes of memory reserved for the table (entries, IPv6 side table, index). */
    long reservedBytes()
    {
        return entries.bytes() + ipv6Addresses.bytes() + index.bytes();
    }

    long indexBytes()
    {
        return index.bytes();
    }

    @Override
    public void close()
    {
        arena.close();
    }

    /** The flow hash recomputed from the entry's key (the same value the capture thread computed). */
    private int hashOf(final int slot)
    {
        final long key = entries.key(slot);
        final int keyBits = EntryKey.flags(key) & FlowKey.KEY_BITS;
        if ((keyBits & FlowKey.IPV6) != 0)
        {
            return (int)FlowHash.of(
                ipv6Addresses.srcHi(slot), ipv6Addresses.srcLo(slot), EntryKey.srcPort(key),
                ipv6Addresses.dstHi(slot), ipv6Addresses.dstLo(slot), EntryKey.dstPort(key),
                EntryKey.protocol(key), EntryKey.vlan(key), keyBits);
        }
        final long addresses = entries.addresses(slot);
        return (int)FlowHash.of(0, EntryKey.ipv4Src(addresses), EntryKey.srcPort(key),
            0, EntryKey.ipv4Dst(addresses), EntryKey.dstPort(key), EntryKey.protocol(key), EntryKey.vlan(key), keyBits);
    }
}
