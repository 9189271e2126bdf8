package io.spillway.capture.afpacket;

/**
 * How the kernel spreads an interface's frames over the sockets of one fanout group ({@code PACKET_FANOUT_*} of
 * linux/if_packet.h). Only {@link #HASH} is symmetric: both directions of a flow land on the same socket, which is
 * what a per-queue flow table needs.
 */
public enum FanoutMode
{
    /**
     * By flow: {@code fanout_demux_hash} in net/packet/af_packet.c scales {@code __skb_get_hash_symmetric}, a hash
     * of the addresses and ports that is the same for both directions.
     */
    HASH(0),
    /** Round robin, frame by frame: flows are split over every socket. */
    LB(1),
    /** By the CPU that received the frame: symmetric only when the NIC's RSS hash is symmetric. */
    CPU(2),
    /** Fill one socket until its ring is full, then the next. */
    ROLLOVER(3),
    /** At random, frame by frame. */
    RND(4),
    /** By the NIC's receive queue ({@code skb_get_queue_mapping}): symmetric only with a symmetric RSS key. */
    QM(5);

    private final int kernelValue;

    FanoutMode(final int kernelValue)
    {
        this.kernelValue = kernelValue;
    }

    /** The {@code PACKET_FANOUT_*} value, bits 16 to 23 of the PACKET_FANOUT argument. */
    public int kernelValue()
    {
        return kernelValue;
    }
}
