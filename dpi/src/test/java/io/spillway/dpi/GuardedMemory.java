package io.spillway.dpi;

import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Off-heap memory followed by an inaccessible page: a packet written to end exactly at
 * {@link #capacity()} makes any read past its length fault instead of silently reading garbage.
 */
@SuppressWarnings("restricted")
final class GuardedMemory implements AutoCloseable
{
    private static final long PAGE = 4096;
    private static final int PROT_NONE = 0;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final MethodHandle MMAP;
    private static final MethodHandle MPROTECT;
    private static final MethodHandle MUNMAP;

    static
    {
        final Linker linker = Linker.nativeLinker();
        MMAP = linker.downcallHandle(linker.defaultLookup().findOrThrow("mmap"), FunctionDescriptor.of(
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        MPROTECT = linker.downcallHandle(linker.defaultLookup().findOrThrow("mprotect"), FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        MUNMAP = linker.downcallHandle(linker.defaultLookup().findOrThrow("munmap"), FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
    }

    private final long address;
    private final long mappedLength;
    private final int capacity;
    private final UnsafeBuffer buffer;

    /** At least {@code bytes} usable bytes, rounded up to whole pages, then the guard page. */
    GuardedMemory(final int bytes)
    {
        capacity = (int)((bytes + PAGE - 1) / PAGE * PAGE);
        mappedLength = capacity + PAGE;
        try
        {
            address = (long)MMAP.invokeExact(0L, mappedLength, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (address == -1L || (int)MPROTECT.invokeExact(address + capacity, PAGE, PROT_NONE) != 0)
            {
                throw new IllegalStateException("cannot map guarded memory");
            }
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
        buffer = new UnsafeBuffer(address, capacity);
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    int capacity()
    {
        return capacity;
    }

    @Override
    public void close()
    {
        try
        {
            final int ignored = (int)MUNMAP.invokeExact(address, mappedLength);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
