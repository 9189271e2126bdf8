package io.spillway.offload.emulated;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One receive queue's host ring, as the DMA ring of a NIC stream: bounded, written by the device's receive path
 * (one thread) and read by the queue's worker (one thread). A packet that finds the ring full is dropped at the NIC
 * and counted, never waited for: this is the loss a probe that falls behind suffers on real hardware.
 * <p>
 * A message is the packet's flowId (8 bytes, 0 when none) followed by the bytes the receive path was given.
 */
public final class HostRing
{
    private static final int MESSAGE_TYPE = 1;
    private static final int FLOW_ID_LENGTH = Long.BYTES;

    private final OneToOneRingBuffer ring;
    private final AtomicLong drops = new AtomicLong();
    private final MessageHandler adapter = this::onMessage;
    private HostPacketHandler handler;

    /** @param capacityBytes ring size in bytes, a power of two */
    HostRing(final int capacityBytes)
    {
        if (!BitUtil.isPowerOfTwo(capacityBytes))
        {
            throw new IllegalArgumentException("host ring capacity must be a power of two: " + capacityBytes);
        }
        final ByteBuffer memory = ByteBuffer.allocateDirect(capacityBytes + RingBufferDescriptor.TRAILER_LENGTH);
        ring = new OneToOneRingBuffer(new UnsafeBuffer(memory));
    }

    /** Reader side: hands up to {@code limit} packets to the handler, oldest first; returns how many. */
    public int poll(final HostPacketHandler handler, final int limit)
    {
        this.handler = handler;
        try
        {
            return ring.read(adapter, limit);
        }
        finally
        {
            this.handler = null;
        }
    }

    /** Packets dropped at the NIC because this ring was full. */
    public long drops()
    {
        return drops.get();
    }

    /** Bytes waiting in the ring (approximate while the writer runs). */
    public int size()
    {
        return ring.size();
    }

    /** Writer side: false (and one more drop) when the ring has no room for the packet. */
    boolean offer(final long flowId, final DirectBuffer packet, final int offset, final int length)
    {
        final int index = ring.tryClaim(MESSAGE_TYPE, FLOW_ID_LENGTH + length);
        if (index < 0)
        {
            drops.setRelease(drops.getPlain() + 1);
            return false;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putLong(index, flowId);
        if (length > 0)
        {
            buffer.putBytes(index + FLOW_ID_LENGTH, packet, offset, length);
        }
        ring.commit(index);
        return true;
    }

    private void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        handler.onPacket(buffer.getLong(index), buffer, index + FLOW_ID_LENGTH, length - FLOW_ID_LENGTH);
    }
}
