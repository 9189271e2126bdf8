package io.spillway.capture.afpacket;

import java.util.Objects;

/**
 * How to open one {@link AfPacketSocket}. Start from {@link #of} or {@link #builder} and change what differs; every
 * value is checked here, so a bad one fails with a message naming it before any socket exists.
 *
 * @param interfaceName  the interface to capture on, as {@code ip link} names it (at most 15 characters)
 * @param blockSize      bytes per ring block, a multiple of the 4096-byte page; a block holds many frames and goes
 *                       to the reader whole, so it must hold at least one frame of {@code snapLength} plus headers
 * @param blockCount     blocks in the ring; the ring is {@code blockSize * blockCount} bytes of kernel memory
 * @param blockTimeoutMs how long the kernel keeps filling a block before handing it over partly full, so that a
 *                       quiet link still delivers; 0 lets the kernel derive it from the link speed. On a light
 *                       stream blocks fill by time, not bytes: {@code blockCount * blockTimeoutMs} is how long the
 *                       reader may stall before the kernel drops
 * @param snapLength     bytes kept of each frame (the rest is cut in the kernel, the wire length is kept)
 * @param promiscuous    whether to put the interface in promiscuous mode while the socket is open, so frames to
 *                       other MAC addresses are seen too
 * @param fanoutMode     how the kernel spreads frames over the sockets of the fanout group
 * @param fanoutGroupId  the fanout group to join, 1 to 65535; 0 asks the kernel for a fresh unique group, whose
 *                       id {@link AfPacketSocket#fanoutGroupId} then tells the other sockets of the same capture
 * @param fanoutDefrag   whether the kernel reassembles IP fragments before fanout, so all fragments of a datagram
 *                       reach the same socket as its first one (the only one with ports)
 */
public record AfPacketConfig(
    String interfaceName, int blockSize, int blockCount, int blockTimeoutMs, int snapLength, boolean promiscuous,
    FanoutMode fanoutMode, int fanoutGroupId, boolean fanoutDefrag)
{
    public static final int DEFAULT_BLOCK_SIZE = 1 << 20;
    public static final int DEFAULT_BLOCK_COUNT = 8;
    public static final int DEFAULT_BLOCK_TIMEOUT_MS = 10;
    public static final int DEFAULT_SNAP_LENGTH = 65_535;
    /** libpcap's largest snap length: nothing on a Linux link is longer. */
    public static final int MAX_SNAP_LENGTH = 262_144;
    public static final int MIN_SNAP_LENGTH = 64;
    public static final int MAX_BLOCK_TIMEOUT_MS = 60_000;
    public static final int MAX_FANOUT_GROUP_ID = 0xFFFF;
    public static final int PAGE_SIZE = 4096;
    /**
     * Room a block needs beside one frame's bytes: the block header (48), the frame's header with its sockaddr_ll
     * and the padding that aligns the network header (at most 96 before the frame), the 8-byte alignment of the
     * frame's end; rounded up.
     */
    public static final int FRAME_OVERHEAD = 176;
    private static final int IFNAMSIZ = 16;
    /** The kernel counts ring frames of this size in a u32 even though TPACKET_V3 packs frames by their length. */
    static final int FRAME_SIZE = 2048;

    public AfPacketConfig
    {
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(fanoutMode, "fanoutMode");
        checkInterfaceName(interfaceName);
        if (blockSize <= 0 || blockSize % PAGE_SIZE != 0)
        {
            throw new IllegalArgumentException("ring block size " + blockSize + " is not a positive multiple of " +
                "the page size " + PAGE_SIZE);
        }
        if (blockCount < 2)
        {
            throw new IllegalArgumentException("ring block count " + blockCount + " is below 2: the kernel fills " +
                "one block while the reader works through another");
        }
        if ((long)blockSize * blockCount / FRAME_SIZE > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("ring of " + blockCount + " blocks of " + blockSize + " bytes is " +
                "larger than the kernel can count");
        }
        if (blockTimeoutMs < 0 || blockTimeoutMs > MAX_BLOCK_TIMEOUT_MS)
        {
            throw new IllegalArgumentException("block timeout " + blockTimeoutMs + " ms is outside 0 to " +
                MAX_BLOCK_TIMEOUT_MS + " ms (0 lets the kernel choose)");
        }
        if (snapLength < MIN_SNAP_LENGTH || snapLength > MAX_SNAP_LENGTH)
        {
            throw new IllegalArgumentException("snap length " + snapLength + " is outside " + MIN_SNAP_LENGTH +
                " to " + MAX_SNAP_LENGTH + " bytes");
        }
        if ((long)snapLength + FRAME_OVERHEAD > blockSize)
        {
            final long needed = ((long)snapLength + FRAME_OVERHEAD + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
            throw new IllegalArgumentException("ring block size " + blockSize + " cannot hold one frame of snap " +
                "length " + snapLength + " (" + FRAME_OVERHEAD + " bytes of headers come with it): use blocks of " +
                "at least " + needed + " bytes or a smaller snap length");
        }
        if (fanoutGroupId < 0 || fanoutGroupId > MAX_FANOUT_GROUP_ID)
        {
            throw new IllegalArgumentException("fanout group id " + fanoutGroupId + " is outside 0 to " +
                MAX_FANOUT_GROUP_ID + " (0 asks the kernel for a unique one)");
        }
    }

    /**
     * Defaults for {@code interfaceName}: eight 1 MiB blocks retired after 10 ms, whole frames up to 65535 bytes,
     * promiscuous, a new unique {@link FanoutMode#HASH} group with IP defragmentation.
     */
    public static AfPacketConfig of(final String interfaceName)
    {
        return builder(interfaceName).build();
    }

    /** Total bytes of the ring. */
    public long ringBytes()
    {
        return (long)blockSize * blockCount;
    }

    /** A builder starting from the {@link #of defaults}, for changing values that depend on each other. */
    public static Builder builder(final String interfaceName)
    {
        return new Builder(interfaceName, DEFAULT_BLOCK_SIZE, DEFAULT_BLOCK_COUNT, DEFAULT_BLOCK_TIMEOUT_MS,
            DEFAULT_SNAP_LENGTH, true, FanoutMode.HASH, 0, true);
    }

    public Builder toBuilder()
    {
        return new Builder(interfaceName, blockSize, blockCount, blockTimeoutMs, snapLength, promiscuous, fanoutMode,
            fanoutGroupId, fanoutDefrag);
    }

    /** The same configuration in another fanout group: for the other sockets of a capture, once the first is open. */
    public AfPacketConfig withFanoutGroupId(final int fanoutGroupId)
    {
        return new AfPacketConfig(interfaceName, blockSize, blockCount, blockTimeoutMs, snapLength, promiscuous,
            fanoutMode, fanoutGroupId, fanoutDefrag);
    }

    /** Collects values; {@link #build} checks them together, so the order of the calls does not matter. */
    public static final class Builder
    {
        private String interfaceName;
        private int blockSize;
        private int blockCount;
        private int blockTimeoutMs;
        private int snapLength;
        private boolean promiscuous;
        private FanoutMode fanoutMode;
        private int fanoutGroupId;
        private boolean fanoutDefrag;

        private Builder(
            final String interfaceName, final int blockSize, final int blockCount, final int blockTimeoutMs,
            final int snapLength, final boolean promiscuous, final FanoutMode fanoutMode, final int fanoutGroupId,
            final boolean fanoutDefrag)
        {
            this.interfaceName = interfaceName;
            this.blockSize = blockSize;
            this.blockCount = blockCount;
            this.blockTimeoutMs = blockTimeoutMs;
            this.snapLength = snapLength;
            this.promiscuous = promiscuous;
            this.fanoutMode = fanoutMode;
            this.fanoutGroupId = fanoutGroupId;
            this.fanoutDefrag = fanoutDefrag;
        }

        public Builder interfaceName(final String interfaceName)
        {
            this.interfaceName = interfaceName;
            return this;
        }

        public Builder ring(final int blockSize, final int blockCount)
        {
            this.blockSize = blockSize;
            this.blockCount = blockCount;
            return this;
        }

        public Builder blockTimeoutMs(final int blockTimeoutMs)
        {
            this.blockTimeoutMs = blockTimeoutMs;
            return this;
        }

        public Builder snapLength(final int snapLength)
        {
            this.snapLength = snapLength;
            return this;
        }

        public Builder promiscuous(final boolean promiscuous)
        {
            this.promiscuous = promiscuous;
            return this;
        }

        /** The fanout mode and group; defragmentation follows the mode (on for {@link FanoutMode#HASH} only). */
        public Builder fanout(final FanoutMode fanoutMode, final int fanoutGroupId)
        {
            this.fanoutMode = fanoutMode;
            this.fanoutGroupId = fanoutGroupId;
            this.fanoutDefrag = fanoutMode == FanoutMode.HASH;
            return this;
        }

        public Builder fanoutGroupId(final int fanoutGroupId)
        {
            this.fanoutGroupId = fanoutGroupId;
            return this;
        }

        public Builder fanoutDefrag(final boolean fanoutDefrag)
        {
            this.fanoutDefrag = fanoutDefrag;
            return this;
        }

        /** @throws IllegalArgumentException naming the first value that is out of range or does not fit the rest */
        public AfPacketConfig build()
        {
            return new AfPacketConfig(interfaceName, blockSize, blockCount, blockTimeoutMs, snapLength, promiscuous,
                fanoutMode, fanoutGroupId, fanoutDefrag);
        }
    }

    private static void checkInterfaceName(final String name)
    {
        // dev_valid_name() of net/core/dev.c, narrowed to printable ASCII: the kernel never sees a name it refuses.
        boolean valid = !name.isEmpty() && name.length() < IFNAMSIZ && !name.equals(".") && !name.equals("..");
        for (int i = 0; valid && i < name.length(); i++)
        {
            final char c = name.charAt(i);
            valid = c > ' ' && c < 0x7F && c != '/' && c != ':';
        }
        if (!valid)
        {
            throw new IllegalArgumentException("'" + name + "' is not a Linux interface name (1 to " +
                (IFNAMSIZ - 1) + " printable ASCII characters, no '/', ':' or blanks)");
        }
    }
}
