package io.spillway.exporter.json;

/**
 * Writes integers as ASCII decimal digits into a byte array, without allocating.
 * <p>
 * Each method writes at {@code index} and returns the index just past the last digit. The caller guarantees
 * room for {@link #MAX_LENGTH} bytes.
 */
public final class DecimalAscii
{
    /** Longest text written: 20 digits for 2^64 - 1, or a sign and 19 digits for Long.MIN_VALUE. */
    public static final int MAX_LENGTH = 20;

    private static final int MAX_SIGNED_DIGITS = 19;

    private DecimalAscii()
    {
    }

    /**
     * Writes {@code value} read as an unsigned 64-bit integer (IPFIX unsigned64).
     *
     * @return the index after the last digit.
     */
    public static int putUnsigned(final byte[] dst, final int index, final long value)
    {
        if (value >= 0)
        {
            return putNonNegative(dst, index, value);
        }

        // At or above 2^63: halve first so the division stays within signed range.
        final long quotient = (value >>> 1) / 5;
        final long lastDigit = value - quotient * 10;
        final int next = putNonNegative(dst, index, quotient);
        dst[next] = (byte)('0' + lastDigit);

        return next + 1;
    }

    /**
     * Writes {@code value} as a signed integer, with a leading '-' when negative.
     *
     * @return the index after the last digit.
     */
    public static int putSigned(final byte[] dst, final int index, final long value)
    {
        if (value >= 0)
        {
            return putNonNegative(dst, index, value);
        }

        dst[index] = '-';

        // -Long.MIN_VALUE overflows back to itself, whose unsigned reading is the right magnitude.
        return putUnsigned(dst, index + 1, -value);
    }

    private static int putNonNegative(final byte[] dst, final int index, final long value)
    {
        final int end = index + digitCount(value);
        long remaining = value;
        int i = end;
        do
        {
            final long next = remaining / 10;
            dst[--i] = (byte)('0' + (remaining - next * 10));
            remaining = next;
        }
        while (remaining != 0);

        return end;
    }

    private static int digitCount(final long nonNegative)
    {
        int count = 1;
        long bound = 10;
        while (count < MAX_SIGNED_DIGITS && nonNegative >= bound)
        {
            count++;
            bound *= 10;
        }

        return count;
    }
}
