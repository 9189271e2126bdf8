package io.spillway.capture.afpacket;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The system calls on one AF_PACKET socket descriptor, with their argument memory made once, so that the calls a
 * capture loop makes (poll, statistics, link checks) allocate nothing. Calls report failure as false or -1 and leave
 * the reason in {@link #errno()}; what a failure means for the operator is decided by the caller.
 */
final class NativePacketSocket
{
    static final int SOL_PACKET = 263;
    static final int PACKET_ADD_MEMBERSHIP = 1;
    static final int PACKET_RX_RING = 5;
    static final int PACKET_STATISTICS = 6;
    static final int PACKET_VERSION = 10;
    static final int PACKET_FANOUT = 18;
    static final int TPACKET_V3 = 2;
    static final int PACKET_MR_PROMISC = 1;
    static final int ETH_P_ALL = 0x0003;

    private static final ValueLayout.OfShort SHORT_BIG_ENDIAN =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** {@code struct sockaddr_ll}: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8]. */
    private static final int SOCKADDR_LL_SIZE = 20;
    private static final int SLL_PROTOCOL = 2;
    private static final int SLL_IFINDEX = 4;
    private static final int SLL_HATYPE = 8;
    /** {@code struct packet_mreq}: ifindex, type, alen, address[8]. */
    private static final int PACKET_MREQ_SIZE = 16;
    /** {@code struct tpacket_req3}: seven u32. */
    private static final int TPACKET_REQ3_SIZE = 28;
    /** {@code struct tpacket_stats_v3}: packets, drops, freeze_q_cnt. */
    private static final int TPACKET_STATS_V3_SIZE = 12;
    /** {@code struct sock_filter} (code u16, jt u8, jf u8, k u32) and {@code struct sock_fprog} (len, pointer). */
    private static final int SOCK_FILTER_SIZE = 8;
    private static final int SOCK_FPROG_SIZE = 16;
    private static final short BPF_RET_K = 0x06;
    /** {@code struct pollfd}: fd, events, revents. */
    private static final int POLLFD_SIZE = 8;
    private static final int IFR_IFINDEX = 16;
    private static final int IFR_FLAGS = 16;

    private final int fd;
    private final MemorySegment callState;
    private final MemorySegment intValue;
    private final MemorySegment length;
    private final MemorySegment address;
    private final MemorySegment membership;
    private final MemorySegment ringRequest;
    private final MemorySegment statistics;
    private final MemorySegment filter;
    private final MemorySegment filterProgram;
    private final MemorySegment pollFd;
    private final MemorySegment interfaceRequest;

    private NativePacketSocket(final int fd, final MemorySegment callState, final Arena arena)
    {
        this.fd = fd;
        this.callState = callState;
        this.intValue = arena.allocate(ValueLayout.JAVA_INT);
        this.length = arena.allocate(ValueLayout.JAVA_INT);
        this.address = arena.allocate(SOCKADDR_LL_SIZE, 8);
        this.membership = arena.allocate(PACKET_MREQ_SIZE, 8);
        this.ringRequest = arena.allocate(TPACKET_REQ3_SIZE, 8);
        this.statistics = arena.allocate(TPACKET_STATS_V3_SIZE, 8);
        this.filter = arena.allocate(SOCK_FILTER_SIZE, 8);
        this.filterProgram = arena.allocate(SOCK_FPROG_SIZE, 8);
        this.pollFd = arena.allocate(POLLFD_SIZE, 8);
        this.interfaceRequest = arena.allocate(Libc.IFREQ_SIZE, 8);
        filterProgram.set(ValueLayout.JAVA_SHORT, 0, (short)1);
        filterProgram.set(ValueLayout.ADDRESS, 8, filter);
        pollFd.set(ValueLayout.JAVA_INT, 0, fd);
    }

    /**
     * A raw AF_PACKET socket that receives nothing yet: protocol 0 registers no receive hook until a bind names a
     * protocol, so no frame arrives before the ring exists. Null when socket(2) fails; the reason is in the errno
     * of {@code callState}.
     */
    static NativePacketSocket open(final Arena arena, final MemorySegment callState)
    {
        final int fd = Libc.socket(callState, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
        return fd < 0 ? null : new NativePacketSocket(fd, callState, arena);
    }

    int errno()
    {
        return Libc.errno(callState);
    }

    boolean setIntOption(final int level, final int name, final int value)
    {
        intValue.set(ValueLayout.JAVA_INT, 0, value);
        return Libc.setsockopt(callState, fd, level, name, intValue, Integer.BYTES) == 0;
    }

    /**
     * Replaces the socket filter with the one-instruction classic BPF program {@code ret #returnValue}: 0 drops
     * every frame, n keeps the first n bytes of each. This is how libpcap sets the snap length on Linux.
     */
    boolean attachReturnFilter(final int returnValue)
    {
        filter.set(ValueLayout.JAVA_SHORT, 0, BPF_RET_K);
        filter.set(ValueLayout.JAVA_BYTE, 2, (byte)0);
        filter.set(ValueLayout.JAVA_BYTE, 3, (byte)0);
        filter.set(ValueLayout.JAVA_INT, 4, returnValue);
        return Libc.setsockopt(callState, fd, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, filterProgram,
            SOCK_FPROG_SIZE) == 0;
    }

    /** PACKET_RX_RING with a {@code struct tpacket_req3}; no private block area, no feature requests. */
    boolean setReceiveRing(final int blockSize, final int blockCount, final int frameSize, final int timeoutMs)
    {
        final long frames = (long)blockSize / frameSize * blockCount;
        ringRequest.set(ValueLayout.JAVA_INT, 0, blockSize);
        ringRequest.set(ValueLayout.JAVA_INT, 4, blockCount);
        ringRequest.set(ValueLayout.JAVA_INT, 8, frameSize);
        ringRequest.set(ValueLayout.JAVA_INT, 12, (int)frames);
        ringRequest.set(ValueLayout.JAVA_INT, 16, timeoutMs);
        ringRequest.set(ValueLayout.JAVA_INT, 20, 0);
        ringRequest.set(ValueLayout.JAVA_INT, 24, 0);
        return Libc.setsockopt(callState, fd, SOL_PACKET, PACKET_RX_RING, ringRequest, TPACKET_REQ3_SIZE) == 0;
    }

    /** Maps the ring shared with the kernel; {@link MemorySegment#NULL} on failure. */
    MemorySegment mapRing(final long bytes)
    {
        final MemorySegment mapped = Libc.mmap(callState, bytes, Libc.PROT_READ_WRITE, Libc.MAP_SHARED, fd);
        return mapped.address() == Libc.MAP_FAILED ? MemorySegment.NULL : mapped;
    }

    /** Binds to one interface; {@code protocol} 0 only records the interface, ETH_P_ALL starts delivery. */
    boolean bind(final int protocol, final int ifIndex)
    {
        address.fill((byte)0);
        address.set(ValueLayout.JAVA_SHORT, 0, (short)Libc.AF_PACKET);
        address.set(SHORT_BIG_ENDIAN, SLL_PROTOCOL, (short)protocol);
        address.set(ValueLayout.JAVA_INT, SLL_IFINDEX, ifIndex);
        return Libc.bind(callState, fd, address, SOCKADDR_LL_SIZE) == 0;
    }

    /**
     * Reads the bound address (getsockname) for {@link #boundIfIndex} and {@link #boundHardwareType}. The kernel
     * reports the interface index as -1 once the interface is gone.
     */
    boolean readBoundAddress()
    {
        length.set(ValueLayout.JAVA_INT, 0, SOCKADDR_LL_SIZE);
        return Libc.getsockname(callState, fd, address, length) == 0;
    }

    int boundIfIndex()
    {
        return address.get(ValueLayout.JAVA_INT, SLL_IFINDEX);
    }

    /** The ARPHRD_* type of the bound interface. */
    int boundHardwareType()
    {
        return Short.toUnsignedInt(address.get(ValueLayout.JAVA_SHORT, SLL_HATYPE));
    }

    /** PACKET_ADD_MEMBERSHIP PACKET_MR_PROMISC: the interface is promiscuous while this socket lives. */
    boolean addPromiscuousMembership(final int ifIndex)
    {
        membership.fill((byte)0);
        membership.set(ValueLayout.JAVA_INT, 0, ifIndex);
        membership.set(ValueLayout.JAVA_SHORT, 4, (short)PACKET_MR_PROMISC);
        return Libc.setsockopt(callState, fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, membership, PACKET_MREQ_SIZE) == 0;
    }

    /** PACKET_FANOUT with {@code group id | (mode | flags) << 16}. */
    boolean joinFanout(final int argument)
    {
        return setIntOption(SOL_PACKET, PACKET_FANOUT, argument);
    }

    /** This socket's group, {@code id | mode << 16 | flags << 24} unsigned; 0 when none, -1 on failure. */
    long fanoutMembership()
    {
        length.set(ValueLayout.JAVA_INT, 0, Integer.BYTES);
        return Libc.getsockopt(callState, fd, SOL_PACKET, PACKET_FANOUT, intValue, length) == 0 ?
            Integer.toUnsignedLong(intValue.get(ValueLayout.JAVA_INT, 0)) : -1;
    }

    /**
     * Reads and thereby resets the kernel's counters (PACKET_STATISTICS), for {@link #packets}, {@link #drops} and
     * {@link #freezes}.
     */
    boolean readStatistics()
    {
        length.set(ValueLayout.JAVA_INT, 0, TPACKET_STATS_V3_SIZE);
        return Libc.getsockopt(callState, fd, SOL_PACKET, PACKET_STATISTICS, statistics, length) == 0;
    }

    long packets()
    {
        return Integer.toUnsignedLong(statistics.get(ValueLayout.JAVA_INT, 0));
    }

    long drops()
    {
        return Integer.toUnsignedLong(statistics.get(ValueLayout.JAVA_INT, 4));
    }

    long freezes()
    {
        return Integer.toUnsignedLong(statistics.get(ValueLayout.JAVA_INT, 8));
    }

    /** Reads and clears the pending socket error (SO_ERROR), e.g. ENETDOWN; 0 when none, -1 on failure. */
    int takeSocketError()
    {
        length.set(ValueLayout.JAVA_INT, 0, Integer.BYTES);
        return Libc.getsockopt(callState, fd, Libc.SOL_SOCKET, Libc.SO_ERROR, intValue, length) == 0 ?
            intValue.get(ValueLayout.JAVA_INT, 0) : -1;
    }

    /**
     * The IFF_* flags of interface {@code ifIndex}, asked through this socket so the answer comes from the socket's
     * network namespace whatever thread asks; -1 with ENODEV when no interface has that index.
     */
    int interfaceFlags(final int ifIndex)
    {
        interfaceRequest.fill((byte)0);
        interfaceRequest.set(ValueLayout.JAVA_INT, IFR_IFINDEX, ifIndex);
        if (Libc.ioctl(callState, fd, Libc.SIOCGIFNAME, interfaceRequest) != 0)
        {
            return -1;
        }
        interfaceRequest.set(ValueLayout.JAVA_INT, IFR_FLAGS, 0);
        if (Libc.ioctl(callState, fd, Libc.SIOCGIFFLAGS, interfaceRequest) != 0)
        {
            return -1;
        }
        return Short.toUnsignedInt(interfaceRequest.get(ValueLayout.JAVA_SHORT, IFR_FLAGS));
    }

    /** poll(2) on this socket alone: the returned events, 0 on timeout, -1 on failure. */
    int poll(final short events, final int timeoutMs)
    {
        pollFd.set(ValueLayout.JAVA_SHORT, 4, events);
        pollFd.set(ValueLayout.JAVA_SHORT, 6, (short)0);
        final int ready = Libc.poll(callState, pollFd, 1, timeoutMs);
        return ready <= 0 ? ready : Short.toUnsignedInt(pollFd.get(ValueLayout.JAVA_SHORT, 6));
    }

    /** Closes the descriptor; {@code closeCallState} because the socket's own memory may already be freed. */
    void close(final MemorySegment closeCallState)
    {
        Libc.close(closeCallState, fd);
    }
}
