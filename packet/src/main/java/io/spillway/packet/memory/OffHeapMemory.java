package io.spillway.packet.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Large zeroed off-heap regions from anonymous {@code mmap}, and advice to the kernel about mapped
 * files. Unlike {@link Arena#allocate} the pages are not touched up front: a flow table sized for
 * millions of flows costs memory only as it fills. Regions of 2 MB or more ask for transparent
 * huge pages, which cuts TLB misses on random flow lookups.
 */
public final class OffHeapMemory
{
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS_NORESERVE = 0x02 | 0x20 | 0x4000;
    private static final int MADV_SEQUENTIAL = 2;
    private static final int MADV_HUGEPAGE = 14;
    private static final int MADV_POPULATE_READ = 22;
    private static final long HUGE_PAGE = 2L << 20;
    private static final long MAP_FAILED = -1L;

    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;

    static
    {
        final Linker linker = Linker.nativeLinker();
        MMAP = linker.downcallHandle(linker.defaultLookup().findOrThrow("mmap"), FunctionDescriptor.of(
            ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        MUNMAP = linker.downcallHandle(linker.defaultLookup().findOrThrow("munmap"), FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        MADVISE = linker.downcallHandle(linker.defaultLookup().findOrThrow("madvise"), FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    }

    private OffHeapMemory()
    {
    }

    /**
     * Maps {@code bytes} of zeroed memory, unmapped when {@code arena} closes.
     *
     * @throws OutOfMemoryError when the kernel refuses the mapping
     */
    public static MemorySegment allocate(final long bytes, final Arena arena)
    {
        final long size = Math.max(bytes, 1);
        final MemorySegment raw;
        try
        {
            raw = (MemorySegment)MMAP.invokeExact(MemorySegment.NULL, size, PROT_READ_WRITE,
                MAP_PRIVATE_ANONYMOUS_NORESERVE, -1, 0L);
            if (raw.address() == MAP_FAILED)
            {
                throw new OutOfMemoryError("mmap of " + size + " bytes failed");
            }
            if (size >= HUGE_PAGE)
            {
                // Advice only: a kernel without THP just ignores it.
                final int ignored = (int)MADVISE.invokeExact(raw, size, MADV_HUGEPAGE);
            }
        }
        catch (final Error | RuntimeException ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
        return raw.reinterpret(size, arena, OffHeapMemory::unmap);
    }

    /** Tells the kernel a mapped file will be read front to back: deeper read-ahead. Advice only. */
    public static void adviseSequential(final MemorySegment mapped)
    {
        advise(mapped.address(), mapped.byteSize(), MADV_SEQUENTIAL);
    }

    /**
     * Maps the page tables of {@code [offset, offset + length)} of a file mapping in one system call
     * (Linux 5.14 and later), instead of one page fault every few pages as a reader walks it; a page
     * fault costs most inside a virtual machine. {@code offset} must be a multiple of the page size.
     * Ignored where the kernel does not support it.
     */
    public static void populate(final MemorySegment mapped, final long offset, final long length)
    {
        advise(mapped.address() + offset, Math.min(length, mapped.byteSize() - offset), MADV_POPULATE_READ);
    }

    private static void advise(final long address, final long length, final int advice)
    {
        if (length <= 0)
        {
            return;
        }
        try
        {
            final int ignored = (int)MADVISE.invokeExact(MemorySegment.ofAddress(address), length, advice);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void unmap(final MemorySegment segment)
    {
        try
        {
            final int ignored = (int)MUNMAP.invokeExact(segment, segment.byteSize());
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
