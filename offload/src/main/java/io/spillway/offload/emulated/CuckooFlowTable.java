package io.spillway.offload.emulated;

import io.spillway.offload.OffloadFlowKey;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The hardware flow table: a bucketised cuckoo hash (2 hash functions, 4-way buckets, as in DPDK's rte_hash and
 * the Napatech flow manager) over an off-heap store of fixed 128-byte entries.
 * <p>
 * A bucket cell is a long: the key hash's low 32 bits as a signature and the entry slot + 1 (0 = empty). Entries
 * never move; relocation moves only cells, so a slot is a stable handle for the life of a flow. Insertion puts the
 * key in a free cell of either bucket, else searches breadth-first for a relocation path of at most
 * {@link #MAX_MOVES} moves among at most {@link #MAX_SEARCH_NODES} buckets, else fails: the table is then "full"
 * even when a few slots are free, as a real cuckoo table is above about 95% fill.
 * <p>
 * An entry matches a packet only inside its time window {@code [effectiveAt, removeAt)}: a learned flow takes
 * effect after the receive buffer delay and an unlearned one stays until its in-flight packets are counted, so two
 * entries with one key (an old flow being unlearned, a new one learned) can coexist with disjoint windows.
 * <p>
 * Not thread-safe: the device guards it with its lock.
 */
final class CuckooFlowTable
{
    static final int WAYS = 4;
    /** Depth of the relocation search: a path moves at most this many cells (then the new key takes the last). */
    static final int MAX_MOVES = 5;
    /** Buckets the relocation search may look at, bounding the cost of one failing insertion. */
    static final int MAX_SEARCH_NODES = 1024;
    static final long NEVER = Long.MAX_VALUE;

    static final int FORWARD = 0;
    static final int REVERSE = 1;

    // Entry layout: key, then the device's per-flow state.
    private static final int ENTRY_LENGTH = 128;
    private static final long SRC_HI = 0;
    private static final long SRC_LO = 8;
    private static final long DST_HI = 16;
    private static final long DST_LO = 24;
    private static final long SRC_PORT = 32;        // short
    private static final long DST_PORT = 34;        // short
    private static final long PROTOCOL = 36;        // byte
    private static final long IP_VERSION = 37;      // byte
    private static final long VLAN = 38;            // short
    private static final long HASH = 40;
    private static final long FLOW_ID = 48;
    private static final long EFFECTIVE_AT = 56;
    private static final long REMOVE_AT = 64;
    private static final long IDLE_TIMEOUT = 72;
    private static final long LAST_SEEN = 80;
    private static final long PACKETS = 88;         // forward, reverse: 16 bytes apart
    private static final long BYTES = 96;
    private static final long DIRECTION_STRIDE = 16;
    private static final long TCP_FLAGS = 120;      // byte per direction
    private static final long ACTION = 122;         // byte
    private static final long FLAGS = 123;          // byte: IN_USE, AUTO_UNLEARN, FIN_SEEN << direction
    private static final long PORTS = 124;          // short per direction

    static final int IN_USE = 0x01;
    static final int AUTO_UNLEARN = 0x02;
    static final int FIN_FORWARD = 0x04;
    static final int FIN_REVERSE = 0x08;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final int capacity;
    private final int bucketCount;
    private final MemorySegment entries;
    private final MemorySegment cells;
    private final MemorySegment freeSlots;
    private int freeCount;

    // Relocation search, preallocated: node = a bucket reached by moving the cell (parent bucket, parent way).
    private final int[] nodeBucket = new int[MAX_SEARCH_NODES];
    private final int[] nodeParent = new int[MAX_SEARCH_NODES];
    private final int[] nodeParentWay = new int[MAX_SEARCH_NODES];
    private final int[] nodeDepth = new int[MAX_SEARCH_NODES];
    private final int[] pathBucket = new int[MAX_MOVES + 1];
    private final int[] pathWay = new int[MAX_MOVES + 1];

    private long relocations;
    private int longestRelocation;

    CuckooFlowTable(final int capacity, final Arena arena)
    {
        if (capacity < WAYS)
        {
            throw new IllegalArgumentException("flow table capacity must be at least " + WAYS + ": " + capacity);
        }
        this.capacity = capacity;
        bucketCount = Math.max(2, (capacity + WAYS - 1) / WAYS);
        entries = arena.allocate((long)capacity * ENTRY_LENGTH, 64);
        cells = arena.allocate((long)bucketCount * WAYS * Long.BYTES, 64);
        freeSlots = arena.allocate((long)capacity * Integer.BYTES, 64);
        // Stack of free slots, lowest on top, so slot numbers are deterministic.
        for (int i = 0; i < capacity; i++)
        {
            freeSlots.setAtIndex(INT, i, capacity - 1 - i);
        }
        freeCount = capacity;
    }

    int capacity()
    {
        return capacity;
    }

    /** Entries in use, including flows being unlearned whose window has not closed yet. */
    int size()
    {
        return capacity - freeCount;
    }

    /** Total cell moves made by relocations since creation. */
    long relocations()
    {
        return relocations;
    }

    /** Most cell moves one insertion needed; at most {@link #MAX_MOVES}. */
    int longestRelocation()
    {
        return longestRelocation;
    }

    /**
     * Inserts the key in a new entry whose state is zero (not in use for matching until the caller sets its
     * window and {@link #IN_USE}).
     *
     * @return the entry's slot, or -1 when there is no free slot or no relocation path
     */
    int insert(final OffloadFlowKey key, final long hash)
    {
        if (freeCount == 0)
        {
            return -1;
        }
        final int primary = primaryBucket(hash);
        final int secondary = secondaryBucket(hash, primary);
        int way = freeWay(primary);
        if (way >= 0)
        {
            return place(primary, way, key, hash);
        }
        way = freeWay(secondary);
        if (way >= 0)
        {
            return place(secondary, way, key, hash);
        }
        final long freedCell = relocate(primary, secondary);
        if (freedCell < 0)
        {
            return -1;
        }
        return place((int)(freedCell >>> 32), (int)freedCell, key, hash);
    }

    /** Removes the entry in {@code slot} from its bucket and frees the slot. */
    void remove(final int slot)
    {
        final long hash = hash(slot);
        final long wanted = cellValue(hash, slot);
        final int primary = primaryBucket(hash);
        if (!clearCell(primary, wanted) && !clearCell(secondaryBucket(hash, primary), wanted))
        {
            throw new IllegalStateException("flow table has no cell for slot " + slot);
        }
        final long base = base(slot);
        for (long offset = 0; offset < ENTRY_LENGTH; offset += Long.BYTES)
        {
            entries.set(LONG, base + offset, 0L);
        }
        freeSlots.setAtIndex(INT, freeCount++, slot);
    }

    /**
     * Finds the entry matching a packet at device time {@code timeNs}: same key in either direction, window
     * containing the time.
     *
     * @return {@code slot << 1 | direction} ({@link #FORWARD} or {@link #REVERSE}), or -1
     */
    int lookup(final OffloadFlowKey key, final long hash, final long timeNs)
    {
        final int primary = primaryBucket(hash);
        final int found = lookupInBucket(primary, key, hash, timeNs, false);
        return found >= 0 ? found : lookupInBucket(secondaryBucket(hash, primary), key, hash, timeNs, false);
    }

    /** Finds an entry with this key, either direction, that is not being removed ({@code removeAt} = NEVER). */
    int findLive(final OffloadFlowKey key, final long hash)
    {
        final int primary = primaryBucket(hash);
        final int found = lookupInBucket(primary, key, hash, 0, true);
        final int result = found >= 0 ? found : lookupInBucket(secondaryBucket(hash, primary), key, hash, 0, true);
        return result >= 0 ? result >> 1 : -1;
    }

    boolean inUse(final int slot)
    {
        return (flags(slot) & IN_USE) != 0;
    }

    long hash(final int slot)
    {
        return entries.get(LONG, base(slot) + HASH);
    }

    int protocol(final int slot)
    {
        return entries.get(BYTE, base(slot) + PROTOCOL) & 0xFF;
    }

    long flowId(final int slot)
    {
        return entries.get(LONG, base(slot) + FLOW_ID);
    }

    void flowId(final int slot, final long flowId)
    {
        entries.set(LONG, base(slot) + FLOW_ID, flowId);
    }

    long effectiveAt(final int slot)
    {
        return entries.get(LONG, base(slot) + EFFECTIVE_AT);
    }

    void effectiveAt(final int slot, final long timeNs)
    {
        entries.set(LONG, base(slot) + EFFECTIVE_AT, timeNs);
    }

    long removeAt(final int slot)
    {
        return entries.get(LONG, base(slot) + REMOVE_AT);
    }

    void removeAt(final int slot, final long timeNs)
    {
        entries.set(LONG, base(slot) + REMOVE_AT, timeNs);
    }

    long idleTimeout(final int slot)
    {
        return entries.get(LONG, base(slot) + IDLE_TIMEOUT);
    }

    void idleTimeout(final int slot, final long timeoutNs)
    {
        entries.set(LONG, base(slot) + IDLE_TIMEOUT, timeoutNs);
    }

    long lastSeen(final int slot)
    {
        return entries.get(LONG, base(slot) + LAST_SEEN);
    }

    void lastSeen(final int slot, final long timeNs)
    {
        entries.set(LONG, base(slot) + LAST_SEEN, timeNs);
    }

    long packets(final int slot, final int direction)
    {
        return entries.get(LONG, base(slot) + PACKETS + direction * DIRECTION_STRIDE);
    }

    long bytes(final int slot, final int direction)
    {
        return entries.get(LONG, base(slot) + BYTES + direction * DIRECTION_STRIDE);
    }

    int tcpFlags(final int slot, final int direction)
    {
        return entries.get(BYTE, base(slot) + TCP_FLAGS + direction) & 0xFF;
    }

    /** Counts one consumed packet in the given direction. */
    void count(final int slot, final int direction, final int frameLength, final int tcpFlags)
    {
        final long base = base(slot);
        final long packets = base + PACKETS + direction * DIRECTION_STRIDE;
        final long bytes = base + BYTES + direction * DIRECTION_STRIDE;
        entries.set(LONG, packets, entries.get(LONG, packets) + 1);
        entries.set(LONG, bytes, entries.get(LONG, bytes) + frameLength);
        final long flags = base + TCP_FLAGS + direction;
        entries.set(BYTE, flags, (byte)(entries.get(BYTE, flags) | tcpFlags));
    }

    int action(final int slot)
    {
        return entries.get(BYTE, base(slot) + ACTION);
    }

    void action(final int slot, final int action)
    {
        entries.set(BYTE, base(slot) + ACTION, (byte)action);
    }

    int flags(final int slot)
    {
        return entries.get(BYTE, base(slot) + FLAGS) & 0xFF;
    }

    void flags(final int slot, final int flags)
    {
        entries.set(BYTE, base(slot) + FLAGS, (byte)flags);
    }

    int port(final int slot, final int direction)
    {
        return entries.get(SHORT, base(slot) + PORTS + direction * Short.BYTES) & 0xFFFF;
    }

    void ports(final int slot, final int forwardPort, final int reversePort)
    {
        entries.set(SHORT, base(slot) + PORTS, (short)forwardPort);
        entries.set(SHORT, base(slot) + PORTS + Short.BYTES, (short)reversePort);
    }

    private int lookupInBucket(
        final int bucket, final OffloadFlowKey key, final long hash, final long timeNs, final boolean liveOnly)
    {
        final int signature = (int)hash;
        final long first = (long)bucket * WAYS;
        for (int way = 0; way < WAYS; way++)
        {
            final long cell = cells.getAtIndex(LONG, first + way);
            if (cell != 0 && (int)(cell >>> 32) == signature)
            {
                final int slot = (int)cell - 1;
                if (hash(slot) == hash && (flags(slot) & IN_USE) != 0)
                {
                    final int direction = direction(slot, key);
                    if (direction >= 0 && (liveOnly ? removeAt(slot) == NEVER :
                        effectiveAt(slot) <= timeNs && timeNs < removeAt(slot)))
                    {
                        return slot << 1 | direction;
                    }
                }
            }
        }
        return -1;
    }

    /** {@link #FORWARD} when the key equals the entry's, {@link #REVERSE} when it is its other direction, else -1. */
    private int direction(final int slot, final OffloadFlowKey key)
    {
        final long base = base(slot);
        if ((entries.get(BYTE, base + IP_VERSION) & 0xFF) != key.ipVersion() ||
            (entries.get(BYTE, base + PROTOCOL) & 0xFF) != key.protocol() ||
            (entries.get(SHORT, base + VLAN) & 0xFFFF) != key.vlanId())
        {
            return -1;
        }
        final long srcHi = entries.get(LONG, base + SRC_HI);
        final long srcLo = entries.get(LONG, base + SRC_LO);
        final long dstHi = entries.get(LONG, base + DST_HI);
        final long dstLo = entries.get(LONG, base + DST_LO);
        final int srcPort = entries.get(SHORT, base + SRC_PORT) & 0xFFFF;
        final int dstPort = entries.get(SHORT, base + DST_PORT) & 0xFFFF;
        if (srcHi == key.srcHi() && srcLo == key.srcLo() && srcPort == key.srcPort() &&
            dstHi == key.dstHi() && dstLo == key.dstLo() && dstPort == key.dstPort())
        {
            return FORWARD;
        }
        if (srcHi == key.dstHi() && srcLo == key.dstLo() && srcPort == key.dstPort() &&
            dstHi == key.srcHi() && dstLo == key.srcLo() && dstPort == key.srcPort())
        {
            return REVERSE;
        }
        return -1;
    }

    private int place(final int bucket, final int way, final OffloadFlowKey key, final long hash)
    {
        final int slot = freeSlots.getAtIndex(INT, --freeCount);
        final long base = base(slot);
        entries.set(LONG, base + SRC_HI, key.srcHi());
        entries.set(LONG, base + SRC_LO, key.srcLo());
        entries.set(LONG, base + DST_HI, key.dstHi());
        entries.set(LONG, base + DST_LO, key.dstLo());
        entries.set(SHORT, base + SRC_PORT, (short)key.srcPort());
        entries.set(SHORT, base + DST_PORT, (short)key.dstPort());
        entries.set(BYTE, base + PROTOCOL, (byte)key.protocol());
        entries.set(BYTE, base + IP_VERSION, (byte)key.ipVersion());
        entries.set(SHORT, base + VLAN, (short)key.vlanId());
        entries.set(LONG, base + HASH, hash);
        cells.setAtIndex(LONG, (long)bucket * WAYS + way, cellValue(hash, slot));
        return slot;
    }

    /**
     * Breadth-first search for a chain of moves that frees a cell in one of the key's two buckets (both full),
     * then makes the moves, deepest first, so every cell moved into is free at that moment.
     *
     * @return the freed cell as {@code bucket << 32 | way}, or -1 when no path within the bounds exists
     */
    private long relocate(final int primary, final int secondary)
    {
        int tail = 0;
        tail = enqueue(tail, primary, -1, -1, 0);
        tail = enqueue(tail, secondary, -1, -1, 0);
        for (int node = 0; node < tail; node++)
        {
            final int bucket = nodeBucket[node];
            for (int way = 0; way < WAYS; way++)
            {
                final long victimHash = hash((int)cellAt(bucket, way) - 1);
                final int alternative = alternativeBucket(victimHash, bucket);
                final int freeWay = freeWay(alternative);
                if (freeWay >= 0 && pathIsSimple(node, way))
                {
                    return movePath(node, way, alternative, freeWay);
                }
                final boolean backToParent = nodeParent[node] >= 0 && nodeBucket[nodeParent[node]] == alternative;
                if (freeWay < 0 && !backToParent && nodeDepth[node] + 1 < MAX_MOVES && tail < MAX_SEARCH_NODES)
                {
                    tail = enqueue(tail, alternative, node, way, nodeDepth[node] + 1);
                }
            }
        }
        return -1;
    }

    private int enqueue(final int tail, final int bucket, final int parent, final int parentWay, final int depth)
    {
        nodeBucket[tail] = bucket;
        nodeParent[tail] = parent;
        nodeParentWay[tail] = parentWay;
        nodeDepth[tail] = depth;
        return tail + 1;
    }

    /** A path is executable only if it never uses the same cell twice (a search may revisit a bucket). */
    private boolean pathIsSimple(final int node, final int way)
    {
        int length = 0;
        int bucket = nodeBucket[node];
        int cellWay = way;
        int current = node;
        while (true)
        {
            for (int i = 0; i < length; i++)
            {
                if (pathBucket[i] == bucket && pathWay[i] == cellWay)
                {
                    return false;
                }
            }
            pathBucket[length] = bucket;
            pathWay[length] = cellWay;
            length++;
            final int parent = nodeParent[current];
            if (parent < 0)
            {
                return true;
            }
            cellWay = nodeParentWay[current];
            current = parent;
            bucket = nodeBucket[current];
        }
    }

    private long movePath(final int node, final int way, final int freeBucket, final int freeWay)
    {
        moveCell(nodeBucket[node], way, freeBucket, freeWay);
        int moves = 1;
        int emptyBucket = nodeBucket[node];
        int emptyWay = way;
        int current = node;
        while (nodeParent[current] >= 0)
        {
            final int parent = nodeParent[current];
            final int parentWay = nodeParentWay[current];
            moveCell(nodeBucket[parent], parentWay, emptyBucket, emptyWay);
            moves++;
            emptyBucket = nodeBucket[parent];
            emptyWay = parentWay;
            current = parent;
        }
        relocations += moves;
        longestRelocation = Math.max(longestRelocation, moves);
        return (long)emptyBucket << 32 | emptyWay;
    }

    private void moveCell(final int fromBucket, final int fromWay, final int toBucket, final int toWay)
    {
        final long from = (long)fromBucket * WAYS + fromWay;
        cells.setAtIndex(LONG, (long)toBucket * WAYS + toWay, cells.getAtIndex(LONG, from));
        cells.setAtIndex(LONG, from, 0L);
    }

    private int freeWay(final int bucket)
    {
        final long first = (long)bucket * WAYS;
        for (int way = 0; way < WAYS; way++)
        {
            if (cells.getAtIndex(LONG, first + way) == 0)
            {
                return way;
            }
        }
        return -1;
    }

    private long cellAt(final int bucket, final int way)
    {
        return cells.getAtIndex(LONG, (long)bucket * WAYS + way);
    }

    private boolean clearCell(final int bucket, final long wanted)
    {
        final long first = (long)bucket * WAYS;
        for (int way = 0; way < WAYS; way++)
        {
            if (cells.getAtIndex(LONG, first + way) == wanted)
            {
                cells.setAtIndex(LONG, first + way, 0L);
                return true;
            }
        }
        return false;
    }

    /** Multiply-shift maps 32 hash bits onto [0, bucketCount) for any bucket count. */
    private int primaryBucket(final long hash)
    {
        return (int)(((hash >>> 32) * bucketCount) >>> 32);
    }

    private int secondaryBucket(final long hash, final int primary)
    {
        final int bucket = (int)(((KeyHash.mix(hash) >>> 32) * bucketCount) >>> 32);
        return bucket != primary ? bucket : (primary + 1 == bucketCount ? 0 : primary + 1);
    }

    private int alternativeBucket(final long hash, final int bucket)
    {
        final int primary = primaryBucket(hash);
        return bucket == primary ? secondaryBucket(hash, primary) : primary;
    }

    private static long cellValue(final long hash, final int slot)
    {
        return (hash & 0xFFFF_FFFFL) << 32 | (slot + 1L);
    }

    private static long base(final int slot)
    {
        return (long)slot * ENTRY_LENGTH;
    }
}
