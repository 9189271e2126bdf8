package io.spillway.exporter.ipfix;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Frames one IPFIX message at a time in a buffer (RFC 7011 section 3): the 16-byte message header, then sets of
 * records; consecutive records of the same set ID share one set. Nothing is allocated.
 * <p>
 * Use: {@link #reserve} room for each record and write it there, then {@link #finish} the message, send it, and
 * {@link #reset} for the next one.
 */
public final class IpfixMessageWriter
{
    public static final int VERSION = 10;
    public static final int HEADER_LENGTH = 16;
    public static final int SET_HEADER_LENGTH = 4;
    /** The message length field is 16 bits. */
    public static final int MAX_MESSAGE_LENGTH = 65535;

    private static final ByteOrder BIG = ByteOrder.BIG_ENDIAN;
    private static final int NO_SET = -1;

    private final MutableDirectBuffer buffer;
    private final int offset;
    private final int capacity;
    private int position;
    private int setStart;
    private int setId;

    /**
     * @param buffer   where messages are framed.
     * @param offset   where each message starts in {@code buffer}.
     * @param capacity the largest message, at most {@link #MAX_MESSAGE_LENGTH}.
     */
    public IpfixMessageWriter(final MutableDirectBuffer buffer, final int offset, final int capacity)
    {
        if (capacity < HEADER_LENGTH + SET_HEADER_LENGTH || capacity > MAX_MESSAGE_LENGTH ||
            offset + capacity > buffer.capacity())
        {
            throw new IllegalArgumentException("message capacity " + capacity + " at " + offset +
                " does not fit a buffer of " + buffer.capacity() + " or the IPFIX limits");
        }

        this.buffer = buffer;
        this.offset = offset;
        this.capacity = capacity;
        reset();
    }

    /** Starts an empty message. */
    public void reset()
    {
        position = offset + HEADER_LENGTH;
        setStart = NO_SET;
        setId = NO_SET;
    }

    /** True when no record was reserved since {@link #reset}. */
    public boolean isEmpty()
    {
        return position == offset + HEADER_LENGTH;
    }

    /** Whether a record of {@code length} bytes in set {@code setId} fits in this message. */
    public boolean fits(final int setId, final int length)
    {
        final int setHeader = setId == this.setId ? 0 : SET_HEADER_LENGTH;

        return position - offset + setHeader + length <= capacity;
    }

    /**
     * Makes room for one record of exactly {@code length} bytes in a set of {@code setId}, opening a new set when the
     * previous record was in another one.
     *
     * @return the index where the caller writes the record, or -1 when it does not fit in this message.
     */
    public int reserve(final int setId, final int length)
    {
        if (!fits(setId, length))
        {
            return -1;
        }

        if (setId != this.setId)
        {
            closeSet();
            setStart = position;
            this.setId = setId;
            buffer.putShort(position, (short)setId, BIG);
            position += SET_HEADER_LENGTH;
        }

        final int index = position;
        position += length;

        return index;
    }

    /**
     * Completes the header. Sets are not padded: RFC 7011 allows padding, never requires it.
     *
     * @param exportTimeSeconds   seconds since the epoch when the message leaves.
     * @param sequenceNumber      data records sent in this observation domain before this message, modulo 2^32.
     * @param observationDomainId of this message.
     * @return the message length; the message starts at the writer's offset.
     */
    public int finish(final long exportTimeSeconds, final long sequenceNumber, final long observationDomainId)
    {
        closeSet();
        final int length = position - offset;
        buffer.putShort(offset, (short)VERSION, BIG);
        buffer.putShort(offset + 2, (short)length, BIG);
        buffer.putInt(offset + 4, (int)exportTimeSeconds, BIG);
        buffer.putInt(offset + 8, (int)sequenceNumber, BIG);
        buffer.putInt(offset + 12, (int)observationDomainId, BIG);

        return length;
    }

    /** The length field of the message header at {@code offset}. */
    public static int messageLength(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + 2, BIG) & 0xFFFF;
    }

    /** The sequence number field of the message header at {@code offset}, as an unsigned value. */
    public static long sequenceNumber(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + 8, BIG) & 0xFFFF_FFFFL;
    }

    /** Rewrites the export time and sequence number of the finished message at {@code offset}. */
    public static void restamp(
        final MutableDirectBuffer buffer, final int offset, final long exportTimeSeconds, final long sequenceNumber)
    {
        buffer.putInt(offset + 4, (int)exportTimeSeconds, BIG);
        buffer.putInt(offset + 8, (int)sequenceNumber, BIG);
    }

    private void closeSet()
    {
        if (NO_SET != setStart)
        {
            buffer.putShort(setStart + 2, (short)(position - setStart), BIG);
            setStart = NO_SET;
            setId = NO_SET;
        }
    }
}
