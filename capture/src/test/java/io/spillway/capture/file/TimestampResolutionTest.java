package io.spillway.capture.file;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Conversions to nanoseconds agree with exact big-integer arithmetic for every resolution pcapng can state. */
class TimestampResolutionTest
{
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);
    private static final BigInteger LONG_RANGE = BigInteger.ONE.shiftLeft(63);

    @Test
    void powersOfTenMatchExactArithmetic()
    {
        for (int exponent = 0; exponent <= 127; exponent++)
        {
            final TimestampResolution resolution = TimestampResolution.ofPowerOfTen(exponent);
            final BigInteger unitsPerSecond = BigInteger.TEN.pow(exponent);
            for (final long units : samples(exponent))
            {
                assertExact(resolution, unitsPerSecond, units);
            }
        }
    }

    @Test
    void powersOfTwoMatchExactArithmetic()
    {
        for (int exponent = 0; exponent <= 127; exponent++)
        {
            final TimestampResolution resolution = TimestampResolution.ofPowerOfTwo(exponent);
            final BigInteger unitsPerSecond = BigInteger.ONE.shiftLeft(exponent);
            for (final long units : samples(exponent))
            {
                assertExact(resolution, unitsPerSecond, units);
            }
        }
    }

    @Test
    void knownValues()
    {
        final long seconds = 1_700_000_000L;
        assertEquals(seconds * 1_000_000_000L, TimestampResolution.ofPowerOfTen(0).toNanos(seconds));
        assertEquals(seconds * 1_000_000_000L + 123_456_000L,
            TimestampResolution.MICROSECONDS.toNanos(seconds * 1_000_000L + 123_456L));
        assertEquals(seconds * 1_000_000_000L + 123_456_789L,
            TimestampResolution.NANOSECONDS.toNanos(seconds * 1_000_000_000L + 123_456_789L));
        // Picoseconds truncate to the nanosecond below.
        assertEquals(1_999_999_999L, TimestampResolution.ofPowerOfTen(12).toNanos(1_999_999_999_999L));
        // 2^-1 s: three half seconds; 2^-10 s: 1023/1024 s = 999023437.5 ns, floored.
        assertEquals(1_500_000_000L, TimestampResolution.ofPowerOfTwo(1).toNanos(3));
        assertEquals(999_023_437L, TimestampResolution.ofPowerOfTwo(10).toNanos(1023));
        // 2^-32 s units (NTP-like fractions): one second plus half a second.
        assertEquals(1_500_000_000L, TimestampResolution.ofPowerOfTwo(32).toNanos((1L << 32) + (1L << 31)));
        // Counts are unsigned: 2^64 - 1 units of 10^-19 s is 1844674407 ns.
        assertEquals(1_844_674_407L, TimestampResolution.ofPowerOfTen(19).toNanos(-1L));
    }

    @Test
    void decodesTsresolByte()
    {
        assertEquals("10^-6 s", TimestampResolution.ofTsresol((byte)6).toString());
        assertEquals("10^-9 s", TimestampResolution.ofTsresol((byte)9).toString());
        assertEquals("2^-10 s", TimestampResolution.ofTsresol((byte)0x8A).toString());
        assertEquals("2^-0 s", TimestampResolution.ofTsresol((byte)0x80).toString());
        assertEquals("10^-127 s", TimestampResolution.ofTsresol((byte)0x7F).toString());
        assertEquals("2^-127 s", TimestampResolution.ofTsresol((byte)0xFF).toString());
    }

    @Test
    void rejectsExponentsOutsideTheTsresolRange()
    {
        assertThrows(IllegalArgumentException.class, () -> TimestampResolution.ofPowerOfTen(-1));
        assertThrows(IllegalArgumentException.class, () -> TimestampResolution.ofPowerOfTwo(128));
    }

    /** Counts of units whose exact nanosecond value fits a long, from tiny to the largest such. */
    private static long[] samples(final int exponent)
    {
        final SplittableRandom random = new SplittableRandom(exponent);
        final long[] samples = new long[200];
        samples[0] = 0;
        samples[1] = 1;
        samples[2] = -1L;
        for (int i = 3; i < samples.length; i++)
        {
            // Spread over every magnitude: a random 64-bit value shifted right by a random amount.
            samples[i] = random.nextLong() >>> random.nextInt(64);
        }
        return samples;
    }

    private static void assertExact(
        final TimestampResolution resolution, final BigInteger unitsPerSecond, final long units)
    {
        final BigInteger exact = new BigInteger(Long.toUnsignedString(units)).multiply(NANOS_PER_SECOND)
            .divide(unitsPerSecond);
        if (exact.compareTo(LONG_RANGE) < 0)
        {
            assertEquals(exact.longValueExact(), resolution.toNanos(units), resolution + " of " +
                Long.toUnsignedString(units) + " units");
        }
    }
}
