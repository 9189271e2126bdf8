package io.spillway.capture.file;

/**
 * Converts a timestamp counted in units of a fixed resolution (10^-n or 2^-n seconds, as pcapng's if_tsresol
 * states it) to nanoseconds, exactly: the result is the floor of the true value, with no floating point.
 * Counts are unsigned 64-bit values; results beyond the year 2262 do not fit a long and wrap.
 */
final class TimestampResolution
{
    static final TimestampResolution MICROSECONDS = ofPowerOfTen(6);
    static final TimestampResolution NANOSECONDS = ofPowerOfTen(9);

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int NANOS_EXPONENT = 9;
    // 10^19 is the largest power of ten below 2^64: a count divided by anything larger is always zero.
    private static final int MAX_DIVISOR_EXPONENT = 19;

    private static final int MULTIPLY = 0;
    private static final int DIVIDE = 1;
    private static final int BINARY = 2;
    private static final int BELOW_ONE_NANOSECOND = 3;

    private final int kind;
    private final long factor;
    private final int shift;
    private final String description;

    private TimestampResolution(final int kind, final long factor, final int shift, final String description)
    {
        this.kind = kind;
        this.factor = factor;
        this.shift = shift;
        this.description = description;
    }

    /** One unit is 10^-exponent seconds. */
    static TimestampResolution ofPowerOfTen(final int exponent)
    {
        if (exponent < 0)
        {
            throw new IllegalArgumentException("negative exponent " + exponent);
        }
        final String description = "10^-" + exponent + " s";
        if (exponent <= NANOS_EXPONENT)
        {
            return new TimestampResolution(MULTIPLY, powerOfTen(NANOS_EXPONENT - exponent), 0, description);
        }
        if (exponent - NANOS_EXPONENT <= MAX_DIVISOR_EXPONENT)
        {
            return new TimestampResolution(DIVIDE, powerOfTen(exponent - NANOS_EXPONENT), 0, description);
        }
        return new TimestampResolution(BELOW_ONE_NANOSECOND, 0, 0, description);
    }

    /** One unit is 2^-exponent seconds. */
    static TimestampResolution ofPowerOfTwo(final int exponent)
    {
        if (exponent < 0 || exponent > 127)
        {
            throw new IllegalArgumentException("exponent " + exponent + " outside 0..127");
        }
        return new TimestampResolution(BINARY, 0, exponent, "2^-" + exponent + " s");
    }

    /** Decodes the if_tsresol option byte: the high bit selects a power of two, the rest is the exponent. */
    static TimestampResolution ofTsresol(final byte value)
    {
        final int exponent = value & 0x7F;
        return (value & 0x80) != 0 ? ofPowerOfTwo(exponent) : ofPowerOfTen(exponent);
    }

    /** @param units an unsigned count of units since the epoch. */
    long toNanos(final long units)
    {
        return switch (kind)
        {
            case MULTIPLY -> units * factor;
            case DIVIDE -> Long.divideUnsigned(units, factor);
            case BINARY -> binaryToNanos(units);
            default -> 0;
        };
    }

    @Override
    public String toString()
    {
        return description;
    }

    private long binaryToNanos(final long units)
    {
        // floor(units * 10^9 / 2^shift) over the exact 128-bit product, so no fractional nanosecond is lost.
        final long low = units * NANOS_PER_SECOND;
        final long high = Math.unsignedMultiplyHigh(units, NANOS_PER_SECOND);
        if (shift == 0)
        {
            return low;
        }
        if (shift < 64)
        {
            return (high << (64 - shift)) | (low >>> shift);
        }
        return high >>> (shift - 64);
    }

    private static long powerOfTen(final int exponent)
    {
        long value = 1;
        for (int i = 0; i < exponent; i++)
        {
            value *= 10;
        }
        return value;
    }
}
