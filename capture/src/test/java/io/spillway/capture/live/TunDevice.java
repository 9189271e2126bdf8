package io.spillway.capture.live;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A tun device in a test namespace, held open by this object and gone when it closes: an interface without a
 * link-layer header (ARPHRD_NONE) whose "received" packets are the IP packets written to it. The interface type
 * can be changed before it is up (TUNSETLINK), which gives tests an interface of a type capture does not support.
 */
public final class TunDevice implements AutoCloseable
{
    /** Keep the tun device's own type, ARPHRD_NONE. */
    public static final int KEEP_TYPE = -1;
    private static final long TUNSETIFF = 0x400454CAL;
    private static final long TUNSETLINK = 0x400454CDL;
    private static final short IFF_TUN = 0x0001;
    private static final short IFF_NO_PI = 0x1000;
    private static final int IFREQ_SIZE = 40;
    private static final int MAX_PACKET = 65_536;

    private final Arena arena;
    private final MemorySegment state;
    private final MemorySegment buffer;
    private final int fd;
    private final String name;
    private boolean closed;

    private TunDevice(final Arena arena, final MemorySegment state, final int fd, final String name)
    {
        this.arena = arena;
        this.state = state;
        this.buffer = arena.allocate(MAX_PACKET, 64);
        this.fd = fd;
        this.name = name;
    }

    /** Creates tun device {@code name} in {@code ns}, down, of ARPHRD type {@code arpHardwareType} (or its own). */
    public static TunDevice create(final NetNs ns, final String name, final int arpHardwareType)
    {
        return ns.call(() -> create(name, arpHardwareType));
    }

    private static TunDevice create(final String name, final int arpHardwareType)
    {
        final Arena arena = Arena.ofShared();
        final MemorySegment state = LiveNative.callState(arena);
        final int fd = LiveNative.open(state, arena.allocateFrom("/dev/net/tun"),
            LiveNative.O_RDWR | LiveNative.O_CLOEXEC);
        if (fd < 0)
        {
            arena.close();
            throw LiveNative.failure("open /dev/net/tun", state);
        }
        final TunDevice device = new TunDevice(arena, state, fd, name);
        try
        {
            final MemorySegment request = arena.allocate(IFREQ_SIZE);
            request.setString(0, name);
            request.set(ValueLayout.JAVA_SHORT, 16, (short)(IFF_TUN | IFF_NO_PI));
            if (LiveNative.ioctl(state, fd, TUNSETIFF, request) != 0)
            {
                throw LiveNative.failure("TUNSETIFF " + name, state);
            }
            // TUNSETLINK takes the type itself as its argument, not a pointer to it.
            if (arpHardwareType != KEEP_TYPE &&
                LiveNative.ioctl(state, fd, TUNSETLINK, MemorySegment.ofAddress(arpHardwareType)) != 0)
            {
                throw LiveNative.failure("TUNSETLINK " + name + " " + arpHardwareType, state);
            }
            return device;
        }
        catch (final RuntimeException ex)
        {
            device.close();
            throw ex;
        }
    }

    public String name()
    {
        return name;
    }

    /** Hands {@code packet} (an IP packet) to the kernel as if the device had received it. */
    public void inject(final byte[] packet)
    {
        MemorySegment.copy(packet, 0, buffer, ValueLayout.JAVA_BYTE, 0, packet.length);
        if (LiveNative.write(state, fd, buffer, packet.length) != packet.length)
        {
            throw LiveNative.failure("write of a " + packet.length + "-byte packet to " + name, state);
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
