package io.spillway.packet;

import org.agrona.MutableDirectBuffer;

/**
 * The packets a receive queue hands its worker in one call: {@link #count()} {@link PacketDescriptor}s back to back
 * from {@link #offset()} in {@link #buffer()}, and the queue's time. A flyweight, valid only during the call; a batch
 * of no packet is a time advance from a quiet queue.
 * <p>
 * A <em>parsed</em> batch holds complete descriptors: a single-stream source's dispatcher parsed every packet once
 * (or the device did). A <em>raw</em> batch holds only the fields a receive path knows (timestamp, frame address,
 * captured and wire length, flowId), with one link type and input port for the whole batch; the worker parses it in
 * place, which is why the buffer is mutable and owned by the queue until the call returns.
 */
public final class PacketBatch
{
    /** {@link #timeNs()} of a batch whose time is only that of its packets. */
    public static final long NO_TIME = Long.MIN_VALUE;

    private MutableDirectBuffer buffer;
    private int offset;
    private int count;
    private long timeNs;
    private boolean parsed;
    private int linkType;
    private int port;

    /** A batch of complete descriptors; {@code timeNs} is the queue's time (at least every packet's), or NO_TIME. */
    public PacketBatch wrapParsed(final MutableDirectBuffer buffer, final int offset, final int count, final long timeNs)
    {
        return wrap(buffer, offset, count, timeNs, true, 0, 0);
    }

    /** A batch of received frames, to be parsed with {@code linkType}; {@code port} is their input port. */
    public PacketBatch wrapRaw(
        final MutableDirectBuffer buffer, final int offset, final int count, final long timeNs, final int linkType,
        final int port)
    {
        return wrap(buffer, offset, count, timeNs, false, linkType, port);
    }

    /** No packet: the queue's time moved to {@code timeNs} (a quiet queue still expires its flows). */
    public PacketBatch wrapTime(final long timeNs)
    {
        return wrap(null, 0, 0, timeNs, true, 0, 0);
    }

    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    /** Offset of the first descriptor. */
    public int offset()
    {
        return offset;
    }

    public int count()
    {
        return count;
    }

    /** Offset of descriptor {@code index}. */
    public int descriptorOffset(final int index)
    {
        return offset + index * PacketDescriptor.LENGTH;
    }

    /** The time the worker's flows move to before the batch is counted, or {@link #NO_TIME}. */
    public long timeNs()
    {
        return timeNs;
    }

    public boolean isParsed()
    {
        return parsed;
    }

    /** Raw batches: the LINKTYPE_* of every frame. */
    public int linkType()
    {
        return linkType;
    }

    /** Raw batches: the input port of every frame (its index among the device's ports). */
    public int port()
    {
        return port;
    }

    /** The batch now holds {@code count} packets, parsed (after the worker parsed a raw batch in place). */
    public void parsedInPlace(final int count)
    {
        this.count = count;
        this.parsed = true;
    }

    private PacketBatch wrap(
        final MutableDirectBuffer buffer, final int offset, final int count, final long timeNs, final boolean parsed,
        final int linkType, final int port)
    {
        this.buffer = buffer;
        this.offset = offset;
        this.count = count;
        this.timeNs = timeNs;
        this.parsed = parsed;
        this.linkType = linkType;
        this.port = port;
        return this;
    }
}
