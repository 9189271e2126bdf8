package io.spillway.offload.emulated;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * flowId to table slot, for {@code unlearn(flowId)} and the live-flowId check: open addressing with linear
 * probing, at most half full, off-heap. Deletion shifts later keys back, so there are no tombstones. flowId 0 marks
 * an empty position (a flowId is never 0). Not thread-safe: the device guards it with its lock.
 */
final class FlowIdIndex
{
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final MemorySegment flowIds;
    private final MemorySegment slots;
    private final long mask;

    FlowIdIndex(final int maxEntries, final Arena arena)
    {
        final long size = Long.highestOneBit(Math.max(2L, 2L * maxEntries - 1)) << 1;
        mask = size - 1;
        flowIds = arena.allocate(size * Long.BYTES, 64);
        slots = arena.allocate(size * Integer.BYTES, 64);
    }

    /** The slot of {@code flowId}, or -1. */
    int get(final long flowId)
    {
        for (long position = home(flowId); ; position = (position + 1) & mask)
        {
            final long found = flowIds.getAtIndex(LONG, position);
            if (found == flowId)
            {
                return slots.getAtIndex(INT, position);
            }
            if (found == 0)
            {
                return -1;
            }
        }
    }

    /** Adds a flowId that is not in the index. */
    void put(final long flowId, final int slot)
    {
        long position = home(flowId);
        while (flowIds.getAtIndex(LONG, position) != 0)
        {
            position = (position + 1) & mask;
        }
        flowIds.setAtIndex(LONG, position, flowId);
        slots.setAtIndex(INT, position, slot);
    }

    void remove(final long flowId)
    {
        long hole = home(flowId);
        while (flowIds.getAtIndex(LONG, hole) != flowId)
        {
            if (flowIds.getAtIndex(LONG, hole) == 0)
            {
                throw new IllegalStateException("flowId index has no entry for " + flowId);
            }
            hole = (hole + 1) & mask;
        }
        // Backward shift: move up every later key of the run that may live at the hole.
        long position = hole;
        while (true)
        {
            position = (position + 1) & mask;
            final long candidate = flowIds.getAtIndex(LONG, position);
            if (candidate == 0)
            {
                break;
            }
            final long home = home(candidate);
            final boolean movable = ((position - home) & mask) >= ((position - hole) & mask);
            if (movable)
            {
                flowIds.setAtIndex(LONG, hole, candidate);
                slots.setAtIndex(INT, hole, slots.getAtIndex(INT, position));
                hole = position;
            }
        }
        flowIds.setAtIndex(LONG, hole, 0L);
    }

    private long home(final long flowId)
    {
        return KeyHash.mix(flowId) & mask;
    }
}
