package io.spillway.testbed.generator;

/**
 * The AES-128 block cipher, encryption only, with keys expanded into caller-owned arrays. QUIC Initial keys
 * change with every flow, and javax.crypto's {@code Cipher.init} allocates for each new key; this does not.
 * The tables are derived at class load from the field arithmetic, not typed in; tests compare every result
 * with javax.crypto's AES.
 */
final class Aes128
{
    /** Round keys of AES-128: 11 of 4 words. */
    static final int ROUND_KEY_WORDS = 44;

    private static final int[] SBOX = new int[256];
    private static final int[] T0 = new int[256];
    private static final int[] T1 = new int[256];
    private static final int[] T2 = new int[256];
    private static final int[] T3 = new int[256];

    static
    {
        for (int x = 0; x < 256; x++)
        {
            int inverse = 0;
            for (int y = 1; y < 256 && x != 0; y++)
            {
                if (multiply(x, y) == 1)
                {
                    inverse = y;
                    break;
                }
            }
            int s = inverse;
            for (int shift = 1; shift <= 4; shift++)
            {
                s ^= ((inverse << shift) | (inverse >>> (8 - shift))) & 0xFF;
            }
            SBOX[x] = s ^ 0x63;
        }
        for (int x = 0; x < 256; x++)
        {
            final int s = SBOX[x];
            T0[x] = multiply(s, 2) << 24 | s << 16 | s << 8 | multiply(s, 3);
            T1[x] = Integer.rotateRight(T0[x], 8);
            T2[x] = Integer.rotateRight(T0[x], 16);
            T3[x] = Integer.rotateRight(T0[x], 24);
        }
    }

    private Aes128()
    {
    }

    /** Expands the 16-byte key at {@code key[offset]} into {@code roundKeys} ({@link #ROUND_KEY_WORDS} words). */
    static void expandKey(final byte[] key, final int offset, final int[] roundKeys)
    {
        for (int i = 0; i < 4; i++)
        {
            roundKeys[i] = word(key, offset + 4 * i);
        }
        int roundConstant = 1;
        for (int i = 4; i < ROUND_KEY_WORDS; i++)
        {
            int temp = roundKeys[i - 1];
            if (i % 4 == 0)
            {
                temp = subWord(Integer.rotateLeft(temp, 8)) ^ roundConstant << 24;
                roundConstant = multiply(roundConstant, 2);
            }
            roundKeys[i] = roundKeys[i - 4] ^ temp;
        }
    }

    /** Encrypts the block at {@code in[inOffset]} into {@code out[outOffset]}; the two may be the same. */
    static void encryptBlock(final int[] roundKeys, final byte[] in, final int inOffset, final byte[] out,
        final int outOffset)
    {
        int s0 = word(in, inOffset) ^ roundKeys[0];
        int s1 = word(in, inOffset + 4) ^ roundKeys[1];
        int s2 = word(in, inOffset + 8) ^ roundKeys[2];
        int s3 = word(in, inOffset + 12) ^ roundKeys[3];
        for (int round = 1; round < 10; round++)
        {
            final int k = 4 * round;
            final int t0 = T0[s0 >>> 24] ^ T1[(s1 >>> 16) & 0xFF] ^ T2[(s2 >>> 8) & 0xFF] ^ T3[s3 & 0xFF] ^
                roundKeys[k];
            final int t1 = T0[s1 >>> 24] ^ T1[(s2 >>> 16) & 0xFF] ^ T2[(s3 >>> 8) & 0xFF] ^ T3[s0 & 0xFF] ^
                roundKeys[k + 1];
            final int t2 = T0[s2 >>> 24] ^ T1[(s3 >>> 16) & 0xFF] ^ T2[(s0 >>> 8) & 0xFF] ^ T3[s1 & 0xFF] ^
                roundKeys[k + 2];
            final int t3 = T0[s3 >>> 24] ^ T1[(s0 >>> 16) & 0xFF] ^ T2[(s1 >>> 8) & 0xFF] ^ T3[s2 & 0xFF] ^
                roundKeys[k + 3];
            s0 = t0;
            s1 = t1;
            s2 = t2;
            s3 = t3;
        }
        putWord(out, outOffset, lastRound(s0, s1, s2, s3) ^ roundKeys[40]);
        putWord(out, outOffset + 4, lastRound(s1, s2, s3, s0) ^ roundKeys[41]);
        putWord(out, outOffset + 8, lastRound(s2, s3, s0, s1) ^ roundKeys[42]);
        putWord(out, outOffset + 12, lastRound(s3, s0, s1, s2) ^ roundKeys[43]);
    }

    /** SubBytes and ShiftRows of one output column; the last round has no MixColumns. */
    private static int lastRound(final int a, final int b, final int c, final int d)
    {
        return SBOX[a >>> 24] << 24 | SBOX[(b >>> 16) & 0xFF] << 16 | SBOX[(c >>> 8) & 0xFF] << 8 | SBOX[d & 0xFF];
    }

    private static int subWord(final int word)
    {
        return SBOX[word >>> 24] << 24 | SBOX[(word >>> 16) & 0xFF] << 16 | SBOX[(word >>> 8) & 0xFF] << 8 |
            SBOX[word & 0xFF];
    }

    /** Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
    private static int multiply(final int a, final int b)
    {
        int product = 0;
        int x = a;
        for (int y = b; y != 0; y >>>= 1)
        {
            if ((y & 1) != 0)
            {
                product ^= x;
            }
            x <<= 1;
            if ((x & 0x100) != 0)
            {
                x ^= 0x11B;
            }
        }
        return product;
    }

    private static int word(final byte[] bytes, final int offset)
    {
        return (bytes[offset] & 0xFF) << 24 | (bytes[offset + 1] & 0xFF) << 16 | (bytes[offset + 2] & 0xFF) << 8 |
            bytes[offset + 3] & 0xFF;
    }

    private static void putWord(final byte[] bytes, final int offset, final int word)
    {
        bytes[offset] = (byte)(word >>> 24);
        bytes[offset + 1] = (byte)(word >>> 16);
        bytes[offset + 2] = (byte)(word >>> 8);
        bytes[offset + 3] = (byte)word;
    }
}
