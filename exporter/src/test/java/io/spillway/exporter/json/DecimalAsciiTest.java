package io.spillway.exporter.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DecimalAsciiTest
{
    private final byte[] scratch = new byte[64];

    @Test
    void shouldWriteUnsignedValuesAcrossTheFullRange()
    {
        assertEquals("0", unsigned(0));
        assertEquals("7", unsigned(7));
        assertEquals("9223372036854775807", unsigned(Long.MAX_VALUE));
        assertEquals("9223372036854775808", unsigned(Long.MIN_VALUE));
        assertEquals("18446744073709551615", unsigned(-1L));
        assertEquals("18446744073709551606", unsigned(-10L));
    }

    @Test
    void shouldWriteEveryPowerOfTenAndItsPredecessor()
    {
        long power = 1;
        for (int digits = 1; digits <= 19; digits++)
        {
            assertEquals(Long.toString(power), unsigned(power));
            assertEquals(Long.toString(power - 1), unsigned(power - 1));
            power *= 10;
        }
    }

    @Test
    void shouldMatchTheJdkForRandomValues()
    {
        final SplittableRandom random = new SplittableRandom(5952);
        for (int i = 0; i < 100_000; i++)
        {
            // Shift by a random amount so every digit count is well represented.
            final long value = random.nextLong() >>> random.nextInt(64);
            final long anyValue = random.nextLong();
            assertEquals(Long.toUnsignedString(value), unsigned(value));
            assertEquals(Long.toUnsignedString(anyValue), unsigned(anyValue));
            assertEquals(Long.toString(anyValue), signed(anyValue));
            assertEquals(Long.toString(-value), signed(-value));
        }
    }

    @Test
    void shouldWriteSignedExtremes()
    {
        assertEquals("-1", signed(-1));
        assertEquals("-9223372036854775808", signed(Long.MIN_VALUE));
        assertEquals("9223372036854775807", signed(Long.MAX_VALUE));
        assertEquals(DecimalAscii.MAX_LENGTH, signed(Long.MIN_VALUE).length());
        assertEquals(DecimalAscii.MAX_LENGTH, unsigned(-1L).length());
    }

    @Test
    void shouldWriteAtTheGivenIndexAndLeaveTheRestAlone()
    {
        scratch[2] = 'x';
        scratch[6] = 'y';
        final int end = DecimalAscii.putUnsigned(scratch, 3, 123);

        assertEquals(6, end);
        assertEquals("x123y", new String(scratch, 2, 5, StandardCharsets.US_ASCII));
    }

    private String unsigned(final long value)
    {
        final int end = DecimalAscii.putUnsigned(scratch, 1, value);
        return new String(scratch, 1, end - 1, StandardCharsets.US_ASCII);
    }

    private String signed(final long value)
    {
        final int end = DecimalAscii.putSigned(scratch, 1, value);
        return new String(scratch, 1, end - 1, StandardCharsets.US_ASCII);
    }
}
