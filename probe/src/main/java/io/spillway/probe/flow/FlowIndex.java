package io.spillway.probe.flow;

import io.spillway.packet.memory.OffHeapMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Maps a flow's 32-bit hash to its entry slot: open addressing with linear probing over 8-byte
 * entries (hash in the high half, slot + 1 in the low half, 0 = empty), at most 3/4 full.
 * Eight entries share a cache line, so a lookup usually costs one miss here and one in the entry.
 * Deletion shifts later entries back (no tombstones), so lookups never degrade under churn.
 */
final class FlowIndex
{
    private static final ValueLayout.OfLong ENTRY = ValueLayout.JAVA_LONG;

    private final MemorySegment entries;
    private final int size;

    FlowIndex(final int capacity, final Arena arena)
    {
        size = (int)Math.min(Integer.MAX_VALUE - 8, capacity + (capacity + 2L) / 3 + 1);
        entries = OffHeapMemory.allocate((long)size * Long.BYTES, arena);
    }

    /** Where probing for {@code hash} starts: multiply-shift maps the hash onto [0, size). */
    int home(final int hash)
    {
        return (int)(((hash & 0xFFFF_FFFFL) * size) >>> 32);
    }

    int next(final int position)
    {
        final int next = position + 1;
        return next == size ? 0 : next;
    }

    long entry(final int position)
    {
        return entries.getAtIndex(ENTRY, position);
    }

    static int hashOf(final long entry)
    {
        return (int)(entry >>> 32);
    }

    static int slotOf(final long entry)
    {
        return (int)entry - 1;
    }

    /** Touches the home line of {@code hash} so its cache miss overlaps with other work. */
    long prefetch(final int hash)
    {
        return entries.getAtIndex(ENTRY, home(hash));
    }

    void put(final int hash, final int slot)
    {
        int position = home(hash);
        while (entry(position) != 0)
        {
            position = next(position);
        }
        entries.setAtIndex(ENTRY, position, (long)hash << 32 | (slot + 1L));
    }

    void remove(final int hash, final int slot)
    {
        final long wanted = (long)hash << 32 | (slot + 1L);
        int hole = home(hash);
        long found;
        while ((found = entry(hole)) != wanted)
        {
            if (found == 0)
            {
                throw new IllegalStateException("flow index has no entry for slot " + slot);
            }
            hole = next(hole);
        }

        // Backward shift: move up every later entry of the run that may not sit past the hole.
        int position = hole;
        while (true)
        {
            position = next(position);
            final long entry = entry(position);
            if (entry == 0)
            {
                break;
            }
            final int home = home(hashOf(entry));
            final boolean homeAfterHole = hole <= position ? (home > hole && home <= position) :
                (home > hole || home <= position);
            if (!homeAfterHole)
            {
                entries.setAtIndex(ENTRY, hole, entry);
                hole = position;
            }
        }
        entries.setAtIndex(ENTRY, hole, 0L);
    }

    int size()
    {
        return size;
    }

    long bytes()
    {
        return entries.byteSize();
    }
}
