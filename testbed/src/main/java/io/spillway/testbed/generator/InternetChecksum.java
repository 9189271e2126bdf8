package io.spillway.testbed.generator;

import java.nio.ByteBuffer;

/**
 * The RFC 1071 checksum. The one's complement sum is accumulated 64 bits at a time with end-around carry
 * and folded to 16 bits at the end, which gives the same result as adding 16-bit words (2^16 - 1 divides
 * 2^64 - 1) at a quarter of the additions.
 */
final class InternetChecksum
{
    private InternetChecksum()
    {
    }

    /** Adds the big-endian bytes {@code [offset, offset + length)} of {@code buffer} to {@code sum}. */
    static long add(final long sum, final ByteBuffer buffer, final int offset, final int length)
    {
        long total = sum;
        int position = offset;
        final int end = offset + length;
        while (end - position >= Long.BYTES)
        {
            total = add(total, buffer.getLong(position));
            position += Long.BYTES;
        }
        if (end - position >= Integer.BYTES)
        {
            total = add(total, buffer.getInt(position) & 0xFFFF_FFFFL);
            position += Integer.BYTES;
        }
        if (end - position >= Short.BYTES)
        {
            total = add(total, buffer.getShort(position) & 0xFFFFL);
            position += Short.BYTES;
        }
        if (end > position)
        {
            // An odd last byte is the high half of a word padded with zero.
            total = add(total, (buffer.get(position) & 0xFFL) << 8);
        }

        return total;
    }

    /** Adds {@code value}, read as an unsigned 64-bit word, with end-around carry. */
    static long add(final long sum, final long value)
    {
        final long total = sum + value;

        return Long.compareUnsigned(total, value) < 0 ? total + 1 : total;
    }

    /** The checksum field for the data summed: the one's complement of the folded sum. */
    static int checksum(final long sum)
    {
        long folded = (sum >>> 32) + (sum & 0xFFFF_FFFFL);
        while ((folded >>> 16) != 0)
        {
            folded = (folded >>> 16) + (folded & 0xFFFFL);
        }

        return (int)(~folded & 0xFFFF);
    }
}
