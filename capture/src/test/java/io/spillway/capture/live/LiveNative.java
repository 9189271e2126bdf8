package io.spillway.capture.live;

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
 * The few libc calls the live-test fixture makes itself (entering a namespace, sending raw frames, creating and
 * writing tun devices), kept apart from the capture code so the tests exercise that code and not a copy of it.
 */
final class LiveNative
{
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int CLONE_NEWNET = 0x40000000;

    private static final MemoryLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle SETNS;
    private static final MethodHandle SOCKET;
    private static final MethodHandle BIND;
    private static final MethodHandle SEND;
    private static final MethodHandle WRITE;
    private static final MethodHandle IOCTL;
    private static final MethodHandle STRERROR;

    static
    {
        final Linker linker = Linker.nativeLinker();
        final SymbolLookup libc = linker.defaultLookup();
        final Linker.Option errno = Linker.Option.captureCallState("errno");
        final ValueLayout i32 = ValueLayout.JAVA_INT;
        final ValueLayout i64 = ValueLayout.JAVA_LONG;
        final ValueLayout ptr = ValueLayout.ADDRESS;
        OPEN = linker.downcallHandle(libc.findOrThrow("open"), FunctionDescriptor.of(i32, ptr, i32, i32), errno,
            Linker.Option.firstVariadicArg(2));
        CLOSE = linker.downcallHandle(libc.findOrThrow("close"), FunctionDescriptor.of(i32, i32), errno);
        SETNS = linker.downcallHandle(libc.findOrThrow("setns"), FunctionDescriptor.of(i32, i32, i32), errno);
        SOCKET = linker.downcallHandle(libc.findOrThrow("socket"), FunctionDescriptor.of(i32, i32, i32, i32), errno);
        BIND = linker.downcallHandle(libc.findOrThrow("bind"), FunctionDescriptor.of(i32, i32, ptr, i32), errno);
        SEND = linker.downcallHandle(libc.findOrThrow("send"), FunctionDescriptor.of(i64, i32, ptr, i64, i32),
            errno);
        WRITE = linker.downcallHandle(libc.findOrThrow("write"), FunctionDescriptor.of(i64, i32, ptr, i64), errno);
        IOCTL = linker.downcallHandle(libc.findOrThrow("ioctl"), FunctionDescriptor.of(i32, i32, i64, ptr), errno,
            Linker.Option.firstVariadicArg(2));
        STRERROR = linker.downcallHandle(libc.findOrThrow("strerror"), FunctionDescriptor.of(ptr, i32));
    }

    private LiveNative()
    {
    }

    static MemorySegment callState(final Arena arena)
    {
        return arena.allocate(CALL_STATE);
    }

    static int open(final MemorySegment state, final MemorySegment path, final int flags)
    {
        try
        {
            return (int)OPEN.invokeExact(state, path, flags, 0);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static int close(final MemorySegment state, final int fd)
    {
        try
        {
            return (int)CLOSE.invokeExact(state, fd);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static int setns(final MemorySegment state, final int fd, final int type)
    {
        try
        {
            return (int)SETNS.invokeExact(state, fd, type);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static int socket(final MemorySegment state, final int domain, final int type, final int protocol)
    {
        try
        {
            return (int)SOCKET.invokeExact(state, domain, type, protocol);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static int bind(final MemorySegment state, final int fd, final MemorySegment address, final int length)
    {
        try
        {
            return (int)BIND.invokeExact(state, fd, address, length);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static long send(final MemorySegment state, final int fd, final MemorySegment data, final long length)
    {
        try
        {
            return (long)SEND.invokeExact(state, fd, data, length, 0);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static long write(final MemorySegment state, final int fd, final MemorySegment data, final long length)
    {
        try
        {
            return (long)WRITE.invokeExact(state, fd, data, length);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    static int ioctl(final MemorySegment state, final int fd, final long request, final MemorySegment argument)
    {
        try
        {
            return (int)IOCTL.invokeExact(state, fd, request, argument);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** "errno 19 (No such device)" for the failure of {@code what}. */
    static IllegalStateException failure(final String what, final MemorySegment state)
    {
        final int errno = (int)ERRNO.get(state, 0L);
        String text;
        try
        {
            text = ((MemorySegment)STRERROR.invokeExact(errno)).reinterpret(Integer.MAX_VALUE).getString(0);
        }
        catch (final Throwable ex)
        {
            text = "?";
        }
        return new IllegalStateException(what + " failed: errno " + errno + " (" + text + ")");
    }
}
