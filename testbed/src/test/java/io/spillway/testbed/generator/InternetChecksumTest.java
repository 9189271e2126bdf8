package io.spillway.testbed.generator;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InternetChecksumTest
{
    @Test
    void matchesTheRfc1071Example()
    {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2.
        final ByteBuffer buffer = ByteBuffer.wrap(new byte[]{0x00, 0x01, (byte)0xf2, 0x03, (byte)0xf4, (byte)0xf5,
            (byte)0xf6, (byte)0xf7});

        assertEquals(~0xddf2 & 0xFFFF, InternetChecksum.checksum(InternetChecksum.add(0, buffer, 0, 8)));
    }

    @Test
    void agreesWithSixteenBitWordsForEveryLengthAndOffset()
    {
        final SplittableRandom random = new SplittableRandom(5);
        final byte[] bytes = new byte[256];
        random.nextBytes(bytes);
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        for (int offset = 0; offset < 8; offset += 2)
        {
            for (int length = 0; length < 200; length++)
            {
                assertEquals(byWords(bytes, offset, length),
                    InternetChecksum.checksum(InternetChecksum.add(0, buffer, offset, length)),
                    "offset " + offset + ", length " + length);
            }
        }
    }

    @Test
    void allOnesSumsFoldToZeroChecksum()
    {
        final ByteBuffer buffer = ByteBuffer.wrap(new byte[]{(byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF});

        assertEquals(0, InternetChecksum.checksum(InternetChecksum.add(0, buffer, 0, 4)));
        assertEquals(0xFFFF, InternetChecksum.checksum(0));
    }

    private static int byWords(final byte[] bytes, final int offset, final int length)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            final int high = bytes[offset + i] & 0xFF;
            final int low = i + 1 < length ? bytes[offset + i + 1] & 0xFF : 0;
            sum += high << 8 | low;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }

        return (int)(~sum & 0xFFFF);
    }
}
