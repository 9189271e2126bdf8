package io.spillway.dpi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One worker's off-heap blocks of per-flow DPI state: fixed size, bounded count, reused through a
 * free list. A flow takes a block when it starts inspection and gives it back when classified or
 * expired, so {@link #liveStates()} returns to zero once no flow is being inspected.
 * <p>
 * Blocks are 64-byte aligned and a multiple of 64 bytes apart (no block shares a cache line with
 * another). Their content is not managed here: the classifier initialises a block on
 * {@link Classifier#startFlow} and must {@link Classifier#endFlow end} it before {@link #release}.
 * Not thread-safe: the owning worker is the only user. Allocation and release allocate nothing.
 */
public final class DpiStatePool implements AutoCloseable
{
    public static final int ALIGNMENT = 64;

    /** Where the blocks live: {@code bytes} of zeroed memory, aligned to at least 64, owned by {@code arena}. */
    @FunctionalInterface
    public interface Memory
    {
        MemorySegment allocate(long bytes, Arena arena);
    }

    private final int capacity;
    private final int stride;
    private final Arena arena = Arena.ofShared();
    private final long baseAddress;
    private final int[] freeIndices;
    private final long[] liveBits;

    private int freeCount;
    private int highWater;
    private int liveStates;
    private long exhaustions;
    private boolean closed;

    /**
     * A pool whose memory is allocated (and zeroed, so committed) up front.
     *
     * @param stateSize bytes per flow state ({@link Classifier#flowStateSize()})
     * @param capacity  the most flows inspected at once
     */
    public DpiStatePool(final int stateSize, final int capacity)
    {
        this(stateSize, capacity, (bytes, arena) -> arena.allocate(bytes, ALIGNMENT));
    }

    /**
     * A pool over memory from {@code memory}: a probe sized for millions of flows passes lazily
     * committed memory, so only blocks ever used cost resident memory.
     */
    public DpiStatePool(final int stateSize, final int capacity, final Memory memory)
    {
        if (stateSize < 1)
        {
            throw new IllegalArgumentException("state size must be positive: " + stateSize);
        }
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        stride = (stateSize + ALIGNMENT - 1) & -ALIGNMENT;
        final MemorySegment blocks = memory.allocate((long)stride * capacity, arena);
        if ((blocks.address() & (ALIGNMENT - 1)) != 0 || blocks.byteSize() < (long)stride * capacity)
        {
            throw new IllegalArgumentException("DPI state memory must be 64-byte aligned and large enough");
        }
        baseAddress = blocks.address();
        freeIndices = new int[capacity];
        liveBits = new long[(capacity + 63) >>> 6];
    }

    /** A free block's index, or -1 when every block is in use (counted in {@link #exhaustions()}). */
    public int allocate()
    {
        checkOpen();
        final int index;
        if (freeCount > 0)
        {
            index = freeIndices[--freeCount];
        }
        else if (highWater < capacity)
        {
            index = highWater++;
        }
        else
        {
            exhaustions++;
            return -1;
        }
        liveBits[index >>> 6] |= 1L << index;
        liveStates++;
        return index;
    }

    /** Address of an allocated block. */
    public long address(final int index)
    {
        checkOpen();
        if (!isLive(index))
        {
            throw new IllegalStateException("DPI state " + index + " is not allocated");
        }
        return baseAddress + (long)index * stride;
    }

    /** Returns a block to the pool; releasing a block that is not allocated (twice, or never) throws. */
    public void release(final int index)
    {
        checkOpen();
        if (!isLive(index))
        {
            throw new IllegalStateException("DPI state " + index + " released but not allocated (double release?)");
        }
        liveBits[index >>> 6] &= ~(1L << index);
        freeIndices[freeCount++] = index;
        liveStates--;
    }

    /** Blocks allocated and not yet released. */
    public int liveStates()
    {
        return liveStates;
    }

    /** Times {@link #allocate()} found no free block. */
    public long exhaustions()
    {
        return exhaustions;
    }

    public int capacity()
    {
        return capacity;
    }

    /** Distance between blocks: the state size rounded up to {@link #ALIGNMENT}. */
    public int stride()
    {
        return stride;
    }

    /** Frees the memory; every address handed out becomes invalid. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            arena.close();
        }
    }

    private boolean isLive(final int index)
    {
        return index >= 0 && index < capacity && (liveBits[index >>> 6] & (1L << index)) != 0;
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("DPI state pool is closed");
        }
    }
}
