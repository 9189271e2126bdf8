package io.spillway.capture.afpacket;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls an AF_PACKET socket needs, bound once through the foreign function interface. Every call that can
 * fail captures {@code errno} into a caller-owned segment from {@link #newCallState}, so the hot path (poll) passes
 * a segment it made at open and allocates nothing. Return values are the raw libc ones: -1 means look at errno.
 */
final class Libc
{
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_ERROR = 4;
    static final int SO_ATTACH_FILTER = 26;

    static final int PROT_READ_WRITE = 0x1 | 0x2;
    static final int MAP_SHARED = 0x01;
    static final long MAP_FAILED = -1L;

    static final short POLLIN = 0x001;
    static final short POLLERR = 0x008;
    static final short POLLHUP = 0x010;
    static final short POLLNVAL = 0x020;

    static final long SIOCGIFNAME = 0x8910;
    static final long SIOCGIFFLAGS = 0x8913;
    static final int IFF_UP = 0x1;
    static final int IFF_RUNNING = 0x40;
    static final int IFNAMSIZ = 16;
    static final int IFREQ_SIZE = 40;

    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int ENOPROTOOPT = 92;
    static final int EAFNOSUPPORT = 97;
    static final int ENETDOWN = 100;
    static final int ENOBUFS = 105;
    static final int EALREADY = 114;

    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
        CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SOCKET;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle GETSOCKOPT;
    private static final MethodHandle BIND;
    private static final MethodHandle GETSOCKNAME;
    private static final MethodHandle IOCTL;
    private static final MethodHandle IF_NAMETOINDEX;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle POLL;
    private static final MethodHandle CLOSE;
    private static final MethodHandle STRERROR;

    static
    {
        final Linker linker = Linker.nativeLinker();
        final SymbolLookup libc = linker.defaultLookup();
        final Linker.Option errno = Linker.Option.captureCallState("errno");
        final ValueLayout i32 = ValueLayout.JAVA_INT;
        final ValueLayout i64 = ValueLayout.JAVA_LONG;
        final ValueLayout ptr = ValueLayout.ADDRESS;
        SOCKET = linker.downcallHandle(libc.findOrThrow("socket"), FunctionDescriptor.of(i32, i32, i32, i32), errno);
        SETSOCKOPT = linker.downcallHandle(libc.findOrThrow("setsockopt"),
            FunctionDescriptor.of(i32, i32, i32, i32, ptr, i32), errno);
        GETSOCKOPT = linker.downcallHandle(libc.findOrThrow("getsockopt"),
            FunctionDescriptor.of(i32, i32, i32, i32, ptr, ptr), errno);
        BIND = linker.downcallHandle(libc.findOrThrow("bind"), FunctionDescriptor.of(i32, i32, ptr, i32), errno);
        GETSOCKNAME = linker.downcallHandle(libc.findOrThrow("getsockname"),
            FunctionDescriptor.of(i32, i32, ptr, ptr), errno);
        // ioctl is variadic in C; the request and one pointer are passed the way x86-64 passes fixed arguments.
        IOCTL = linker.downcallHandle(libc.findOrThrow("ioctl"), FunctionDescriptor.of(i32, i32, i64, ptr),
            errno, Linker.Option.firstVariadicArg(2));
        IF_NAMETOINDEX = linker.downcallHandle(libc.findOrThrow("if_nametoindex"), FunctionDescriptor.of(i32, ptr),
            errno);
        MMAP = linker.downcallHandle(libc.findOrThrow("mmap"),
            FunctionDescriptor.of(ptr, ptr, i64, i32, i32, i32, i64), errno);
        MUNMAP = linker.downcallHandle(libc.findOrThrow("munmap"), FunctionDescriptor.of(i32, ptr, i64), errno);
        POLL = linker.downcallHandle(libc.findOrThrow("poll"), FunctionDescriptor.of(i32, ptr, i64, i32), errno);
        CLOSE = linker.downcallHandle(libc.findOrThrow("close"), FunctionDescriptor.of(i32, i32), errno);
        STRERROR = linker.downcallHandle(libc.findOrThrow("strerror"), FunctionDescriptor.of(ptr, i32));
    }

    private Libc()
    {
    }

    /** A segment for the errno of the calls made with it; one per thread of use. */
    static MemorySegment newCallState(final Arena arena)
    {
        return arena.allocate(CALL_STATE);
    }

    /** The errno the last failed call made with {@code callState} left behind. */
    static int errno(final MemorySegment callState)
    {
        return (int)ERRNO.get(callState, 0L);
    }

    static int socket(final MemorySegment callState, final int domain, final int type, final int protocol)
    {
        try
        {
            return (int)SOCKET.invokeExact(callState, domain, type, protocol);
        }
        catch (final Throwable ex)
        {
            throw unexpected(ex);
        }
    }

    static int setsockopt(
        final MemorySegment callState, final int fd, final int level, final int name, final MemorySegment value,
        final int length)
    {
        try
        {
            return (int)SETSOCKOPT.invokeExact(callState, fd, level, name, value, length);
        }
        catch (final Throwable ex)
        {
            throw unexpected(ex);
        }
    }

    /** {@code length} holds the size of {@code value} on entry (a 4-byte socklen_t) and what was written after. */
    static int getsockopt(
        final MemorySegment callState, final int fd, final int level, final int name, final MemorySegment value,
        final MemorySegment length)
    {
        try
        {
            return (int)GETSOCKOPT.invokeExact(callState, fd, level, name, value, length);
        }
        catch (final Throwable ex)
        {
            throw unexpected(ex);
        }
    }

    static int bind(final MemorySegment callState, final int fd, final MemorySegment address, final int length)
    {
        try
        {
            return (int)BIND.invokeExact(callState, fd, address, length);
        }
        catch (final Throwable ex)
        {
            throw unexpected(ex);
        }
    }

    static int getsockname(
        final MemorySegment callState, final int fd, final MemorySegment address, final MemorySegment length)
    {
        try
        {
            return (int)GETSOCKNAME.invokeExact(callState, fd, address, length);
        }
        catch (final Throwable ex)
        {
            throw unexpected(ex);
        }
    }

    static int ioctl(final MemorySegment callState, final int fd, final long request, final MemorySegment argument)
    {
        try
        {
            return (int)IOCTL.invokeExact(callState, fd, request, argument);
        }
        catch (final Throwable ex)
        {
            throw unexpected(ex);
        }
    }

    /** The index of the interface named {@code name} in the calling thread's network namespace, 0 when none. */
    static int ifNameToIndex(final MemorySegment callState, final MemorySegment name)
    {
        try
        {
            return (int)IF_NAMETOINDEX.invokeExact(callState, name);
        }
        catch (final Throwable ex)
        {
            throw unexpected(ex);
        }
    }

    static MemorySegment mmap(
        final MemorySegment callState, final long length, final int protection, final int flags, final int fd)
    {
        try
        {
            return (MemorySegment)MMAP.invokeExact(callState, MemorySegment.NULL, length, protection, flags, fd, 0L);
        }
        catch (final Throwable ex)
        {
            throw unexpected(ex);
        }
    }

    static int munmap(final MemorySegment callState, final MemorySegment address, final long length)
    {
        try
        {
            return (int)MUNMAP.invokeExact(callState, address, length);
        }
        catch (final Throwable ex)
        {
            throw unexpected(ex);
        }
    }

    static int poll(final MemorySegment callState, final MemorySegment fds, final long count, final int timeoutMs)
    {
        try
        {
            return (int)POLL.invokeExact(callState, fds, count, timeoutMs);
        }
        catch (final Throwable ex)
        {
            throw unexpected(ex);
        }
    }

    static int close(final MemorySegment callState, final int fd)
    {
        try
        {
            return (int)CLOSE.invokeExact(callState, fd);
        }
        catch (final Throwable ex)
        {
            throw unexpected(ex);
        }
    }

    /** "ENOMEM (Cannot allocate memory)": the symbolic name an operator can search for, and libc's text. */
    static String describe(final int errno)
    {
        final String text;
        try
        {
            final MemorySegment message = (MemorySegment)STRERROR.invokeExact(errno);
            text = message.reinterpret(Integer.MAX_VALUE).getString(0);
        }
        catch (final Throwable ex)
        {
            throw unexpected(ex);
        }
        final String name = errnoName(errno);
        return name == null ? text + " (errno " + errno + ")" : name + " (" + text + ")";
    }

    private static String errnoName(final int errno)
    {
        return switch (errno)
        {
            case EPERM -> "EPERM";
            case EINTR -> "EINTR";
            case ENXIO -> "ENXIO";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EBUSY -> "EBUSY";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case ENOPROTOOPT -> "ENOPROTOOPT";
            case EAFNOSUPPORT -> "EAFNOSUPPORT";
            case ENETDOWN -> "ENETDOWN";
            case ENOBUFS -> "ENOBUFS";
            case EALREADY -> "EALREADY";
            default -> null;
        };
    }

    private static RuntimeException unexpected(final Throwable ex)
    {
        if (ex instanceof Error error)
        {
            throw error;
        }
        return ex instanceof RuntimeException runtime ? runtime : new IllegalStateException(ex);
    }
}
