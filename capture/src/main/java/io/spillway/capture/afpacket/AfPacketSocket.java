package io.spillway.capture.afpacket;

import io.spillway.packet.LinkType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One AF_PACKET socket with a TPACKET_V3 receive ring on one interface, in one fanout group. One thread uses it;
 * the socket stays in the network namespace of the thread that opened it, whichever thread uses it later.
 *
 * <p>Opening follows libpcap and the kernel's packet_mmap.rst: socket with protocol 0 (no delivery yet), bind to
 * the interface to learn its type, TPACKET_V3, a drop-everything filter, the ring, mmap, bind with ETH_P_ALL (now
 * the kernel delivers, but the filter drops), promiscuous membership, fanout, and last the snap-length filter
 * {@code ret #snapLength}. The closed filter means the socket never sees a frame outside its fanout share, not even
 * in the moment between bind and joining the group. The ring is mapped without MAP_LOCKED: its pages are kernel
 * pages that are never swapped, and RLIMIT_MEMLOCK would only cap the ring size.
 *
 * <p>Fanout: the kernel spreads the interface's frames over the sockets of a group; only {@link FanoutMode#HASH}
 * is symmetric (both directions of a flow reach the same socket, fanout_demux_hash uses
 * __skb_get_hash_symmetric), and with {@link AfPacketConfig#fanoutDefrag} IP fragments are reassembled first so
 * they follow their flow. Kernels before a late-2024 change ("af_packet: allow fanout_add when socket is not
 * RUNNING"; the 6.18 measured here has it, Debian 12's 6.1 does not) let a socket join only while its interface is
 * up. There a socket opened on a down interface gets its group id at once (a unique one is reserved through a
 * short-lived socket when the configuration asks for 0) and joins on the first {@link #linkState} or {@link #await}
 * that finds the interface up; until then its filter keeps it from receiving anything.
 *
 * <p>Link changes, as measured on a veth pair in a network namespace (Linux 6.18): {@code ip link set down} makes
 * the kernel take the socket out of delivery and out of its fanout group and report ENETDOWN (poll sees POLLERR,
 * SO_ERROR clears it); frames in the ring stay readable. {@code ip link set up} puts the socket back into delivery
 * and into its group, without anything to do here. {@code ip link del} (or a move to another namespace) unbinds the
 * socket for good: getsockname then reports interface index -1, which {@link #linkState} reports as
 * {@link LinkState#REMOVED}; an interface created again under the same name is a new interface and needs a new
 * socket.
 */
public final class AfPacketSocket implements AutoCloseable
{
    private static final int PACKET_FANOUT_FLAG_UNIQUEID = 0x2000;
    private static final int PACKET_FANOUT_FLAG_DEFRAG = 0x8000;
    private static final int FANOUT_GROUP_MASK = 0xFFFF;

    private final AfPacketConfig config;
    private final Arena arena;
    private final NativePacketSocket socket;
    private final MemorySegment closeCallState;
    private final RxRing ring;
    private final int ifIndex;
    private final int linkType;
    private final int fanoutGroupId;
    private boolean fanoutJoined;
    private int lastSocketError;
    private long kernelPackets;
    private long kernelDrops;
    private long freezes;
    private boolean closed;

    private AfPacketSocket(
        final AfPacketConfig config, final Arena arena, final NativePacketSocket socket,
        final MemorySegment closeCallState, final RxRing ring, final int ifIndex, final int linkType,
        final int fanoutGroupId, final boolean fanoutJoined)
    {
        this.config = config;
        this.arena = arena;
        this.socket = socket;
        this.closeCallState = closeCallState;
        this.ring = ring;
        this.ifIndex = ifIndex;
        this.linkType = linkType;
        this.fanoutGroupId = fanoutGroupId;
        this.fanoutJoined = fanoutJoined;
    }

    /**
     * Opens, configures and maps. An interface that is down is fine: capture starts when it comes up.
     *
     * @throws CaptureUnavailableException when the interface does not exist, the process may not capture
     *                                     (CAP_NET_RAW), the interface type is not supported, the kernel refuses
     *                                     the ring or the fanout group; the message says which and what to do
     */
    public static AfPacketSocket open(final AfPacketConfig config)
    {
        return open(config, false);
    }

    /**
     * As {@link #open(AfPacketConfig)}; {@code joinOnlyWhenUp} makes a socket on a down interface wait to join its
     * fanout group even where the kernel would let it join at once, the way older kernels require, so that path can
     * be tested on any kernel.
     */
    static AfPacketSocket open(final AfPacketConfig config, final boolean joinOnlyWhenUp)
    {
        final String name = config.interfaceName();
        final Arena arena = Arena.ofShared();
        final MemorySegment closeCallState = Libc.newCallState(Arena.ofAuto());
        NativePacketSocket socket = null;
        try
        {
            final MemorySegment callState = Libc.newCallState(arena);
            final int ifIndex = Libc.ifNameToIndex(callState, arena.allocateFrom(name));
            if (ifIndex == 0)
            {
                throw noInterface(name);
            }
            socket = NativePacketSocket.open(arena, callState);
            if (socket == null)
            {
                throw socketFailure(name, Libc.errno(callState));
            }
            require(socket.bind(0, ifIndex), socket, name, "bind");
            require(socket.readBoundAddress(), socket, name, "getsockname");
            final int linkType = ArpHardwareType.linkType(socket.boundHardwareType());
            if (linkType == ArpHardwareType.UNSUPPORTED)
            {
                throw new CaptureUnavailableException(name, "its interface type " +
                    ArpHardwareType.describe(socket.boundHardwareType()) + " is not supported; Spillway captures on " +
                    "Ethernet, loopback and interfaces without a link-layer header (tun, PPP, IP tunnels)");
            }
            if (!socket.setIntOption(NativePacketSocket.SOL_PACKET, NativePacketSocket.PACKET_VERSION,
                NativePacketSocket.TPACKET_V3))
            {
                throw failure(name, "the kernel refused TPACKET_V3 rings (Linux 3.2 or later is needed)", socket);
            }
            require(socket.attachReturnFilter(0), socket, name, "SO_ATTACH_FILTER");
            final MemorySegment mapped = mapRing(config, socket);
            final MemorySegment ringMemory =
                mapped.reinterpret(config.ringBytes(), arena, segment -> unmap(segment, closeCallState));
            require(socket.bind(NativePacketSocket.ETH_P_ALL, ifIndex), socket, name, "bind");
            if (config.promiscuous())
            {
                require(socket.addPromiscuousMembership(ifIndex), socket, name,
                    "PACKET_ADD_MEMBERSHIP PACKET_MR_PROMISC");
            }
            // A bind while the interface is down leaves ENETDOWN pending; it says nothing new.
            socket.takeSocketError();
            final FanoutJoin fanout = joinFanout(config, socket, ifIndex, arena, callState, joinOnlyWhenUp);
            if (fanout.joined())
            {
                require(socket.attachReturnFilter(config.snapLength()), socket, name, "SO_ATTACH_FILTER");
            }
            final RxRing rxRing = new RxRing(ringMemory, config.blockSize(), config.blockCount(), config.snapLength(),
                linkType == LinkType.ETHERNET);
            return new AfPacketSocket(config, arena, socket, closeCallState, rxRing, ifIndex, linkType,
                fanout.groupId(), fanout.joined());
        }
        catch (final RuntimeException | Error ex)
        {
            arena.close();
            if (socket != null)
            {
                socket.close(closeCallState);
            }
            throw ex;
        }
    }

    /**
     * Hands every frame of the next ready block to the handler, then {@link FrameHandler#onBlockEnd}, then gives the
     * block back to the kernel. Never blocks; allocates nothing. If the handler throws, the block still goes back and
     * the exception propagates; the block's remaining frames are lost.
     *
     * @return the frames delivered, 0 when no block is ready
     */
    public int receiveBlock(final FrameHandler handler)
    {
        return ring.receiveBlock(handler);
    }

    /**
     * Waits up to {@code timeoutMs} for a block (poll(2) on the socket), for idle waiting. A block is ready when it
     * is full or its retire timeout ran out with frames in it. Returns early, false, when the kernel reports a socket
     * error such as ENETDOWN, which it clears. Allocates nothing once the JIT compiled it (before, a downcall costs
     * some 40 bytes).
     *
     * @return true when a block is ready
     */
    public boolean await(final int timeoutMs)
    {
        if (timeoutMs < 0)
        {
            throw new IllegalArgumentException("timeout " + timeoutMs + " ms is negative");
        }
        if (ring.blockReady())
        {
            return true;
        }
        if (!fanoutJoined)
        {
            joinFanoutWhenUp();
        }
        final int events = socket.poll(Libc.POLLIN, timeoutMs);
        if (events < 0 && socket.errno() != Libc.EINTR)
        {
            throw new IllegalStateException("poll on the capture socket of '" + config.interfaceName() +
                "' failed: " + Libc.describe(socket.errno()));
        }
        if (events > 0 && (events & Libc.POLLERR) != 0)
        {
            lastSocketError = socket.takeSocketError();
        }
        return ring.blockReady();
    }

    /**
     * What happened to the interface: {@link LinkState#OK} when it is up with carrier, {@link LinkState#DOWN} when
     * it is administratively down or has no carrier (the kernel resumes delivery by itself when it is up again),
     * {@link LinkState#REMOVED} when it no longer exists. Three system calls and no allocation: cheap enough to
     * call whenever a poll finds nothing, e.g. every 100 ms. A socket opened while the interface was down joins its
     * fanout group here once the interface is up.
     */
    public LinkState linkState()
    {
        if (!socket.readBoundAddress())
        {
            throw new IllegalStateException("getsockname on the capture socket of '" + config.interfaceName() +
                "' failed: " + Libc.describe(socket.errno()));
        }
        if (socket.boundIfIndex() != ifIndex)
        {
            return LinkState.REMOVED;
        }
        final int flags = socket.interfaceFlags(ifIndex);
        if (flags < 0)
        {
            if (socket.errno() == Libc.ENODEV || socket.errno() == Libc.ENXIO)
            {
                return LinkState.REMOVED;
            }
            throw new IllegalStateException("the flags of '" + config.interfaceName() + "' cannot be read: " +
                Libc.describe(socket.errno()));
        }
        if (!fanoutJoined && (flags & Libc.IFF_UP) != 0)
        {
            tryJoinFanout();
        }
        final int upWithCarrier = Libc.IFF_UP | Libc.IFF_RUNNING;
        return (flags & upWithCarrier) == upWithCarrier ? LinkState.OK : LinkState.DOWN;
    }

    /**
     * Frames the kernel counted for this socket since open. On TPACKET_V3 this includes {@link #kernelDrops}:
     * packet_getsockopt adds the drops to the packets it reports, so the frames that reached the ring are
     * {@code kernelPackets() - kernelDrops()}. Measured: 2000 frames into an unread ring of two 4 KiB blocks gave
     * 21 frames in the ring, packets 2000, drops 1979, one freeze. Frames the kernel never offered this socket (the
     * other sockets' fanout share, frames its filter refused before it joined its group) are not counted. Each call
     * reads the kernel's counters, which the read resets, and adds them to the totals; no allocation.
     */
    public long kernelPackets()
    {
        updateStatistics();
        return kernelPackets;
    }

    /** Frames dropped since open because the ring was full (the reader was behind). */
    public long kernelDrops()
    {
        updateStatistics();
        return kernelDrops;
    }

    /**
     * Times since open the kernel froze the queue: it found the next block still held by the reader, and drops
     * frames until the reader gives it back.
     */
    public long freezes()
    {
        updateStatistics();
        return freezes;
    }

    /** The {@link LinkType} value of the frames: ETHERNET for Ethernet and loopback, RAW for tun, PPP, tunnels. */
    public int linkType()
    {
        return linkType;
    }

    public String interfaceName()
    {
        return config.interfaceName();
    }

    public int ifIndex()
    {
        return ifIndex;
    }

    /** The fanout group, for the other sockets of the same capture to join; known even before the socket joins. */
    public int fanoutGroupId()
    {
        return fanoutGroupId;
    }

    /** False while a socket opened on a down interface waits for it to come up to join its fanout group. */
    public boolean fanoutJoined()
    {
        return fanoutJoined;
    }

    public AfPacketConfig config()
    {
        return config;
    }

    /** The errno of the last socket error {@link #await} cleared (ENETDOWN when the link went down), 0 if none. */
    int lastSocketError()
    {
        return lastSocketError;
    }

    /** Tags the ring had no room to write back (see {@link RxRing#vlanTagsNotRestored}); 0 in practice. */
    long vlanTagsNotRestored()
    {
        return ring.vlanTagsNotRestored();
    }

    /**
     * Unmaps the ring and closes the socket, which leaves promiscuous mode and the fanout group. Idempotent; every
     * other method throws IllegalStateException afterwards.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        arena.close();
        socket.close(closeCallState);
    }

    @Override
    public String toString()
    {
        return "AfPacketSocket[" + config.interfaceName() + " (ifindex " + ifIndex + "), fanout group " +
            fanoutGroupId() + " " + config.fanoutMode() + (fanoutJoined ? "" : " (joins when up)") + ", " +
            config.blockCount() + " blocks of " + config.blockSize() + " bytes]";
    }

    private void updateStatistics()
    {
        if (!socket.readStatistics())
        {
            throw new IllegalStateException("PACKET_STATISTICS on '" + config.interfaceName() + "' failed: " +
                Libc.describe(socket.errno()));
        }
        kernelPackets += socket.packets();
        kernelDrops += socket.drops();
        freezes += socket.freezes();
    }

    private void joinFanoutWhenUp()
    {
        final int flags = socket.interfaceFlags(ifIndex);
        if (flags >= 0 && (flags & Libc.IFF_UP) != 0)
        {
            tryJoinFanout();
        }
    }

    private void tryJoinFanout()
    {
        if (socket.joinFanout(fanoutArgument(config, fanoutGroupId, false)))
        {
            if (!socket.attachReturnFilter(config.snapLength()))
            {
                throw new IllegalStateException("SO_ATTACH_FILTER on '" + config.interfaceName() + "' failed: " +
                    Libc.describe(socket.errno()));
            }
            fanoutJoined = true;
        }
    }

    /** Joins the configured group, or, when the interface is down, settles which group to join when it is up. */
    private static FanoutJoin joinFanout(
        final AfPacketConfig config, final NativePacketSocket socket, final int ifIndex, final Arena arena,
        final MemorySegment callState, final boolean joinOnlyWhenUp)
    {
        final String name = config.interfaceName();
        final int requested = config.fanoutGroupId();
        for (int attempt = 0; attempt < 2; attempt++)
        {
            if (!joinOnlyWhenUp || !isDown(socket, ifIndex))
            {
                if (socket.joinFanout(fanoutArgument(config, requested, requested == 0)))
                {
                    final long membership = socket.fanoutMembership();
                    require(membership >= 0, socket, name, "getsockopt PACKET_FANOUT");
                    return new FanoutJoin((int)membership & FANOUT_GROUP_MASK, true);
                }
                if (socket.errno() != Libc.EINVAL)
                {
                    throw fanoutFailure(config, socket.errno());
                }
            }
            if (isDown(socket, ifIndex))
            {
                // Older kernels join only sockets that receive, and one on a down interface does not.
                final int groupId = requested != 0 ? requested : reserveUniqueGroupId(config, arena, callState);
                return new FanoutJoin(groupId, false);
            }
            // Up: either it came up meanwhile (try once more) or the group exists with other settings.
        }
        throw new CaptureUnavailableException(name, "fanout group " + requested + " already exists in this " +
            "network namespace with another mode or flags (this socket asks for " + describeFanout(config) + "); " +
            "give every socket of one capture the same fanout settings, or choose another group id");
    }

    private static boolean isDown(final NativePacketSocket socket, final int ifIndex)
    {
        final int flags = socket.interfaceFlags(ifIndex);
        return flags >= 0 && (flags & Libc.IFF_UP) == 0;
    }

    /**
     * A group id no other group uses, for a socket that cannot join yet: a short-lived socket bound to every
     * interface (which is always up) creates a unique group and leaves it. The kernel hands out unique ids in
     * increasing order, so it will not give this one to another group before it wraps around 65536 ids.
     */
    private static int reserveUniqueGroupId(final AfPacketConfig config, final Arena arena,
        final MemorySegment callState)
    {
        final String name = config.interfaceName();
        final NativePacketSocket probe = NativePacketSocket.open(arena, callState);
        if (probe == null)
        {
            throw socketFailure(name, Libc.errno(callState));
        }
        try
        {
            require(probe.attachReturnFilter(0), probe, name, "SO_ATTACH_FILTER");
            require(probe.bind(NativePacketSocket.ETH_P_ALL, 0), probe, name, "bind");
            if (!probe.joinFanout(fanoutArgument(config, 0, true)))
            {
                throw fanoutFailure(config, probe.errno());
            }
            final long membership = probe.fanoutMembership();
            require(membership >= 0, probe, name, "getsockopt PACKET_FANOUT");
            return (int)membership & FANOUT_GROUP_MASK;
        }
        finally
        {
            probe.close(callState);
        }
    }

    private record FanoutJoin(int groupId, boolean joined)
    {
    }

    private static int fanoutArgument(final AfPacketConfig config, final int groupId, final boolean unique)
    {
        final int flags = (config.fanoutDefrag() ? PACKET_FANOUT_FLAG_DEFRAG : 0) |
            (unique ? PACKET_FANOUT_FLAG_UNIQUEID : 0);
        return groupId | (config.fanoutMode().kernelValue() | flags) << 16;
    }

    private static String describeFanout(final AfPacketConfig config)
    {
        return config.fanoutMode() + (config.fanoutDefrag() ? " with" : " without") + " IP defragmentation";
    }

    private static MemorySegment mapRing(final AfPacketConfig config, final NativePacketSocket socket)
    {
        final String name = config.interfaceName();
        final String ring = config.blockCount() + " blocks of " + config.blockSize() + " bytes (" +
            mebibytes(config.ringBytes()) + " MiB)";
        if (!socket.setReceiveRing(config.blockSize(), config.blockCount(), AfPacketConfig.FRAME_SIZE,
            config.blockTimeoutMs()))
        {
            if (socket.errno() == Libc.ENOMEM)
            {
                throw new CaptureUnavailableException(name, "the kernel has no memory for a receive ring of " + ring +
                    ": " + Libc.describe(Libc.ENOMEM) + "; configure a smaller ring (fewer or smaller blocks)");
            }
            throw failure(name, "the kernel refused a receive ring of " + ring, socket);
        }
        final MemorySegment mapped = socket.mapRing(config.ringBytes());
        if (mapped.equals(MemorySegment.NULL))
        {
            final String advice = socket.errno() == Libc.ENOMEM || socket.errno() == Libc.EAGAIN ?
                "; configure a smaller ring (fewer or smaller blocks)" : "";
            throw new CaptureUnavailableException(name, "mapping the receive ring of " + ring + " failed: " +
                Libc.describe(socket.errno()) + advice);
        }
        return mapped;
    }

    private static void unmap(final MemorySegment ring, final MemorySegment callState)
    {
        Libc.munmap(callState, ring, ring.byteSize());
    }

    private static String mebibytes(final long bytes)
    {
        final long tenths = bytes * 10 / (1 << 20);
        return tenths % 10 == 0 ? Long.toString(tenths / 10) : tenths / 10 + "." + tenths % 10;
    }

    private static CaptureUnavailableException noInterface(final String name)
    {
        return new CaptureUnavailableException(name, "no interface '" + name + "' in this network namespace " +
            "('ip link' lists the interfaces)");
    }

    private static CaptureUnavailableException socketFailure(final String name, final int errno)
    {
        if (errno == Libc.EPERM || errno == Libc.EACCES)
        {
            return new CaptureUnavailableException(name, "live capture needs root or the CAP_NET_RAW capability, " +
                "and socket(AF_PACKET) got " + Libc.describe(errno) + ": run as root, or grant it to the JVM, e.g. " +
                "'setcap cap_net_raw+ep <path of bin/java>' or AmbientCapabilities=CAP_NET_RAW in a systemd unit");
        }
        if (errno == Libc.EAFNOSUPPORT)
        {
            return new CaptureUnavailableException(name, "this kernel has no AF_PACKET sockets (CONFIG_PACKET)");
        }
        return new CaptureUnavailableException(name, "socket(AF_PACKET) failed: " + Libc.describe(errno));
    }

    private static CaptureUnavailableException fanoutFailure(final AfPacketConfig config, final int errno)
    {
        if (errno == Libc.ENOSPC)
        {
            return new CaptureUnavailableException(config.interfaceName(), "fanout group " + config.fanoutGroupId() +
                " is full (the kernel allows 256 sockets in a group)");
        }
        return new CaptureUnavailableException(config.interfaceName(), "joining fanout group " +
            config.fanoutGroupId() + " (" + describeFanout(config) + ") failed: " + Libc.describe(errno));
    }

    private static void require(
        final boolean succeeded, final NativePacketSocket socket, final String name, final String call)
    {
        if (!succeeded)
        {
            if (socket.errno() == Libc.ENODEV || socket.errno() == Libc.ENXIO)
            {
                throw noInterface(name);
            }
            throw failure(name, call + " failed", socket);
        }
    }

    private static CaptureUnavailableException failure(
        final String name, final String what, final NativePacketSocket socket)
    {
        return new CaptureUnavailableException(name, what + ": " + Libc.describe(socket.errno()));
    }
}
