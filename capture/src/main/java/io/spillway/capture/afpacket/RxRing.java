package io.spillway.capture.afpacket;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The reader's side of a mapped TPACKET_V3 receive ring: blocks the kernel filled are walked in ring order, their
 * frames handed out in place, and each block is given back by a release store of its status word, which the kernel
 * reads before it fills the block again. Layouts are those of linux/if_packet.h on x86-64 ({@code struct
 * tpacket_block_desc}, {@code struct tpacket3_hdr}).
 *
 * <p>The kernel takes 802.1Q and 802.1ad tags off received frames before a packet socket sees them (skb_vlan_untag
 * in __netif_receive_skb_core) and reports the outer tag in the frame header. On Ethernet the tag is written back
 * into the frame, as libpcap does: the two MAC addresses move 4 bytes towards the frame header, over padding (or
 * the sockaddr_ll the kernel writes after the header, which this reader does not use), and the tag goes between
 * them and the ethertype, so the handler sees the frame as it was on the wire and VLAN flows are keyed as in a
 * tcpdump capture. Inner tags of a double-tagged frame were never taken off.
 */
final class RxRing
{
    static final int TP_STATUS_KERNEL = 0;
    static final int TP_STATUS_USER = 1;
    static final int TP_STATUS_VLAN_VALID = 0x10;
    static final int TP_STATUS_VLAN_TPID_VALID = 0x40;

    /** {@code struct tpacket_block_desc}: version, offset_to_priv, then {@code struct tpacket_hdr_v1}. */
    static final int BLOCK_STATUS = 8;
    static final int BLOCK_NUM_PKTS = 12;
    static final int BLOCK_OFFSET_TO_FIRST_PKT = 16;

    /** {@code struct tpacket3_hdr}, 48 bytes; a {@code struct sockaddr_ll} follows it. */
    static final int FRAME_HEADER_LENGTH = 48;
    static final int TP_NEXT_OFFSET = 0;
    static final int TP_SEC = 4;
    static final int TP_NSEC = 8;
    static final int TP_SNAPLEN = 12;
    static final int TP_LEN = 16;
    static final int TP_STATUS = 20;
    static final int TP_MAC = 24;
    static final int TP_VLAN_TCI = 32;
    static final int TP_VLAN_TPID = 36;

    static final int VLAN_TAG_LENGTH = 4;
    static final int MAC_ADDRESSES_LENGTH = 12;
    static final int ETHERTYPE_VLAN = 0x8100;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final VarHandle STATUS = ValueLayout.JAVA_INT.varHandle();
    private static final ValueLayout.OfShort SHORT_BIG_ENDIAN =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment ring;
    private final long baseAddress;
    private final int blockSize;
    private final int blockCount;
    private final int snapLength;
    private final boolean restoreVlanTags;
    private int blockIndex;
    private long vlanTagsNotRestored;

    /**
     * @param ring            the whole mapping, {@code blockSize * blockCount} bytes
     * @param restoreVlanTags true on Ethernet, where a tag the kernel took off can be put back
     */
    RxRing(final MemorySegment ring, final int blockSize, final int blockCount, final int snapLength,
        final boolean restoreVlanTags)
    {
        this.ring = ring;
        this.baseAddress = ring.address();
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.snapLength = snapLength;
        this.restoreVlanTags = restoreVlanTags;
    }

    /** True when the kernel has handed over the next block in ring order. */
    boolean blockReady()
    {
        final int status = (int)STATUS.getAcquire(ring, (long)blockIndex * blockSize + BLOCK_STATUS);
        return (status & TP_STATUS_USER) != 0;
    }

    /**
     * Hands every frame of the next block to {@code handler}, then gives the block back. If the handler throws, the
     * block still goes back (a ring that is never given back stops capture) and the rest of its frames are lost.
     *
     * @return frames delivered, 0 when the kernel has not handed over the next block
     */
    int receiveBlock(final FrameHandler handler)
    {
        final long block = (long)blockIndex * blockSize;
        final int blockStatus = (int)STATUS.getAcquire(ring, block + BLOCK_STATUS);
        if ((blockStatus & TP_STATUS_USER) == 0)
        {
            return 0;
        }
        final int frames = ring.get(ValueLayout.JAVA_INT, block + BLOCK_NUM_PKTS);
        try
        {
            long frame = block + ring.get(ValueLayout.JAVA_INT, block + BLOCK_OFFSET_TO_FIRST_PKT);
            for (int i = 0; i < frames; i++)
            {
                deliver(frame, handler);
                frame += ring.get(ValueLayout.JAVA_INT, frame + TP_NEXT_OFFSET);
            }
            handler.onBlockEnd();
        }
        finally
        {
            STATUS.setRelease(ring, block + BLOCK_STATUS, TP_STATUS_KERNEL);
            blockIndex = blockIndex + 1 == blockCount ? 0 : blockIndex + 1;
        }
        return frames;
    }

    /**
     * Tags the kernel reported but that could not be written back because the frame started less than 4 bytes after
     * the 48-byte frame header; such frames were delivered as the kernel stored them, untagged, and counted here. The
     * kernel puts a frame at least 68 bytes into its slot (the header, then the sockaddr_ll), so this stays 0 unless
     * the ring layout changes.
     */
    long vlanTagsNotRestored()
    {
        return vlanTagsNotRestored;
    }

    private void deliver(final long frame, final FrameHandler handler)
    {
        final int status = ring.get(ValueLayout.JAVA_INT, frame + TP_STATUS);
        int mac = Short.toUnsignedInt(ring.get(ValueLayout.JAVA_SHORT, frame + TP_MAC));
        int captured = ring.get(ValueLayout.JAVA_INT, frame + TP_SNAPLEN);
        int wire = ring.get(ValueLayout.JAVA_INT, frame + TP_LEN);
        final long seconds = Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, frame + TP_SEC));
        final long nanos = Integer.toUnsignedLong(ring.get(ValueLayout.JAVA_INT, frame + TP_NSEC));
        if (restoreVlanTags && captured >= MAC_ADDRESSES_LENGTH)
        {
            final int tci = ring.get(ValueLayout.JAVA_INT, frame + TP_VLAN_TCI) & 0xFFFF;
            // libpcap's VLAN_VALID(): old kernels set no status bit and a tag with TCI 0 is then invisible.
            if ((status & TP_STATUS_VLAN_VALID) != 0 || tci != 0)
            {
                if (mac >= FRAME_HEADER_LENGTH + VLAN_TAG_LENGTH)
                {
                    final int tpid = (status & TP_STATUS_VLAN_TPID_VALID) != 0 ?
                        Short.toUnsignedInt(ring.get(ValueLayout.JAVA_SHORT, frame + TP_VLAN_TPID)) : ETHERTYPE_VLAN;
                    final long tagged = frame + mac - VLAN_TAG_LENGTH;
                    MemorySegment.copy(ring, frame + mac, ring, tagged, MAC_ADDRESSES_LENGTH);
                    ring.set(SHORT_BIG_ENDIAN, tagged + MAC_ADDRESSES_LENGTH, (short)tpid);
                    ring.set(SHORT_BIG_ENDIAN, tagged + MAC_ADDRESSES_LENGTH + 2, (short)tci);
                    mac -= VLAN_TAG_LENGTH;
                    // As libpcap: the tag counts towards the snap length, so captured never exceeds it.
                    captured = Math.min(captured + VLAN_TAG_LENGTH, snapLength);
                    wire += VLAN_TAG_LENGTH;
                }
                else
                {
                    vlanTagsNotRestored++;
                }
            }
        }
        handler.onFrame(baseAddress + frame + mac, captured, wire, seconds * NANOS_PER_SECOND + nanos);
    }
}
