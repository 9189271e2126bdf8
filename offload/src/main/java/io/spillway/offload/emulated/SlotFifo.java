package io.spillway.offload.emulated;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Slots of flows being unlearned, in the order of their unlearn: their removal times never decrease, so the
 * device finalises them from the head. Bounded by the table capacity (a slot is in it at most once). Off-heap.
 */
final class SlotFifo
{
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final MemorySegment slots;
    private final int capacity;
    private long head;
    private long tail;

    SlotFifo(final int capacity, final Arena arena)
    {
        this.capacity = capacity;
        slots = arena.allocate((long)capacity * Integer.BYTES, 64);
    }

    boolean isEmpty()
    {
        return head == tail;
    }

    void add(final int slot)
    {
        if (tail - head == capacity)
        {
            throw new IllegalStateException("more flows being unlearned than table slots");
        }
        slots.setAtIndex(INT, tail++ % capacity, slot);
    }

    int peek()
    {
        return slots.getAtIndex(INT, head % capacity);
    }

    int poll()
    {
        return slots.getAtIndex(INT, head++ % capacity);
    }
}
