package io.spillway.testbed.generator;

import java.util.SplittableRandom;

/** A reusable big-endian cursor over a byte array, for building protocol openings without allocating. */
final class ByteWriter
{
    private static final byte[] LOWER_CASE = "abcdefghijklmnopqrstuvwxyz0123456789".getBytes();

    byte[] bytes;
    int position;

    ByteWriter(final int capacity)
    {
        bytes = new byte[capacity];
    }

    ByteWriter at(final int offset)
    {
        position = offset;
        return this;
    }

    ByteWriter u8(final int value)
    {
        bytes[position++] = (byte)value;
        return this;
    }

    ByteWriter u16(final int value)
    {
        bytes[position++] = (byte)(value >>> 8);
        bytes[position++] = (byte)value;
        return this;
    }

    ByteWriter u24(final int value)
    {
        bytes[position++] = (byte)(value >>> 16);
        return u16(value);
    }

    ByteWriter u32(final int value)
    {
        u16(value >>> 16);
        return u16(value);
    }

    ByteWriter put(final byte[] source)
    {
        System.arraycopy(source, 0, bytes, position, source.length);
        position += source.length;
        return this;
    }

    ByteWriter zeros(final int count)
    {
        java.util.Arrays.fill(bytes, position, position + count, (byte)0);
        position += count;
        return this;
    }

    ByteWriter random(final SplittableRandom random, final int count)
    {
        for (int i = 0; i < count; i += Long.BYTES)
        {
            long bits = random.nextLong();
            for (int j = i; j < Math.min(count, i + Long.BYTES); j++)
            {
                bytes[position + j] = (byte)bits;
                bits >>>= Byte.SIZE;
            }
        }
        position += count;
        return this;
    }

    /** Random lower-case letters and digits, for padding text protocols. */
    ByteWriter randomText(final SplittableRandom random, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            bytes[position++] = LOWER_CASE[random.nextInt(LOWER_CASE.length)];
        }
        return this;
    }

    /** Writes a 16-bit length at {@code at}: the bytes from {@code at + 2} to the position. */
    void patchLength16(final int at)
    {
        final int length = position - at - 2;
        bytes[at] = (byte)(length >>> 8);
        bytes[at + 1] = (byte)length;
    }

    /** Writes a 24-bit length at {@code at}: the bytes from {@code at + 3} to the position. */
    void patchLength24(final int at)
    {
        final int length = position - at - 3;
        bytes[at] = (byte)(length >>> 16);
        bytes[at + 1] = (byte)(length >>> 8);
        bytes[at + 2] = (byte)length;
    }
}
