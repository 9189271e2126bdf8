package io.spillway.capture.live;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Writes whole link-layer frames, byte for byte, onto an interface of a test namespace through an AF_PACKET
 * socket. The socket is bound with protocol 0, so it receives nothing itself. A frame sent on one end of a veth pair
 * arrives on the other end as received traffic.
 */
public final class FrameInjector implements AutoCloseable
{
    private static final long SIOCGIFINDEX = 0x8933;
    private static final int IFREQ_SIZE = 40;
    private static final int SOCKADDR_LL_SIZE = 20;
    private static final int MAX_FRAME = 65_536;

    private final Arena arena;
    private final MemorySegment state;
    private final MemorySegment buffer;
    private final int fd;
    private final String interfaceName;
    private boolean closed;

    private FrameInjector(final Arena arena, final MemorySegment state, final int fd, final String interfaceName)
    {
        this.arena = arena;
        this.state = state;
        this.buffer = arena.allocate(MAX_FRAME, 64);
        this.fd = fd;
        this.interfaceName = interfaceName;
    }

    /** A sender on {@code interfaceName} inside {@code ns}. */
    public static FrameInjector open(final NetNs ns, final String interfaceName)
    {
        return ns.call(() -> open(interfaceName));
    }

    private static FrameInjector open(final String interfaceName)
    {
        final Arena arena = Arena.ofShared();
        final MemorySegment state = LiveNative.callState(arena);
        final int fd = LiveNative.socket(state, LiveNative.AF_PACKET, LiveNative.SOCK_RAW | LiveNative.SOCK_CLOEXEC,
            0);
        if (fd < 0)
        {
            arena.close();
            throw LiveNative.failure("socket(AF_PACKET)", state);
        }
        final FrameInjector injector = new FrameInjector(arena, state, fd, interfaceName);
        try
        {
            final MemorySegment request = arena.allocate(IFREQ_SIZE);
            request.setString(0, interfaceName);
            if (LiveNative.ioctl(state, fd, SIOCGIFINDEX, request) != 0)
            {
                throw LiveNative.failure("SIOCGIFINDEX " + interfaceName, state);
            }
            final MemorySegment address = arena.allocate(SOCKADDR_LL_SIZE);
            address.set(ValueLayout.JAVA_SHORT, 0, (short)LiveNative.AF_PACKET);
            address.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 2, (short)0);
            address.set(ValueLayout.JAVA_INT, 4, request.get(ValueLayout.JAVA_INT, 16));
            if (LiveNative.bind(state, fd, address, SOCKADDR_LL_SIZE) != 0)
            {
                throw LiveNative.failure("bind to " + interfaceName, state);
            }
            return injector;
        }
        catch (final RuntimeException ex)
        {
            injector.close();
            throw ex;
        }
    }

    /** Sends one frame as it is (no padding, no checksum). */
    public void send(final byte[] frame)
    {
        MemorySegment.copy(frame, 0, buffer, ValueLayout.JAVA_BYTE, 0, frame.length);
        final long sent = LiveNative.send(state, fd, buffer, frame.length);
        if (sent != frame.length)
        {
            throw LiveNative.failure("send of a " + frame.length + "-byte frame on " + interfaceName, state);
        }
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        LiveNative.close(state, fd);
        arena.close();
    }
}
