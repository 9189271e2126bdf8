package io.spillway.testbed.generator;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Client Initial packet protection of QUIC version 1 (RFC 9001 section 5), keyed again for each flow's
 * Destination Connection ID: the keys come from the DCID through HKDF-SHA256, the payload is sealed with
 * AES-128-GCM and the header protected with AES (one block, as AES-ECB).
 * <p>
 * Why not javax.crypto: a new key costs a new {@code SecretKeySpec} and a {@code Cipher.init} or
 * {@code Mac.init}, which allocate, and GCM must be initialised again for every nonce. Every flow has its own
 * DCID (tshark tracks QUIC connections by it, and would take Initials sharing one for retransmissions), so
 * here HMAC runs over a reused digest, AES-128 keys expand into reused arrays, and GCM is counter mode plus
 * GHASH over them. Keying and protecting a packet allocate nothing; tests check every step against javax.crypto
 * and RFC 9001's test vectors, and the captures against tshark and nDPI, which decrypt them.
 */
final class QuicInitialProtection
{
    static final int TAG_LENGTH = 16;

    private static final byte[] INITIAL_SALT_V1 = HexFormat.of().parseHex("38762cf7f55934b34d179ae6a4c80cadccbb7f0a");
    private static final byte[] CLIENT_IN = expandLabelInfo("client in", HmacSha256.LENGTH);
    private static final byte[] QUIC_KEY = expandLabelInfo("quic key", 16);
    private static final byte[] QUIC_IV = expandLabelInfo("quic iv", 12);
    private static final byte[] QUIC_HP = expandLabelInfo("quic hp", 16);
    private static final int BLOCK = 16;
    private static final int SAMPLE_OFFSET = 4;
    private static final long GHASH_REDUCTION = 0xE100_0000_0000_0000L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** The current keys, for the tests. */
    final byte[] key = new byte[16];
    final byte[] iv = new byte[12];
    final byte[] headerProtectionKey = new byte[16];

    private final HmacSha256 hmac = new HmacSha256();
    private final byte[] secret = new byte[HmacSha256.LENGTH];
    private final byte[] expanded = new byte[HmacSha256.LENGTH];
    private final int[] packetRoundKeys = new int[Aes128.ROUND_KEY_WORDS];
    private final int[] headerRoundKeys = new int[Aes128.ROUND_KEY_WORDS];
    private final byte[] counter = new byte[BLOCK];
    private final byte[] keyStream = new byte[BLOCK];
    private final byte[] tagMask = new byte[BLOCK];
    private final byte[] block = new byte[BLOCK];
    private long hashKeyHigh;
    private long hashKeyLow;
    private long hashHigh;
    private long hashLow;

    /** Derives the client's Initial keys from a Destination Connection ID (RFC 9001 section 5.2). */
    void rekey(final byte[] destinationConnectionId, final int length)
    {
        hmac.mac(INITIAL_SALT_V1, INITIAL_SALT_V1.length, destinationConnectionId, length, secret, 0);
        expandLabel(secret, CLIENT_IN, secret, HmacSha256.LENGTH);
        expandLabel(secret, QUIC_KEY, key, key.length);
        expandLabel(secret, QUIC_IV, iv, iv.length);
        expandLabel(secret, QUIC_HP, headerProtectionKey, headerProtectionKey.length);
        Aes128.expandKey(key, 0, packetRoundKeys);
        Aes128.expandKey(headerProtectionKey, 0, headerRoundKeys);
        Arrays.fill(block, (byte)0);
        Aes128.encryptBlock(packetRoundKeys, block, 0, block, 0);
        hashKeyHigh = (long)LONGS.get(block, 0);
        hashKeyLow = (long)LONGS.get(block, Long.BYTES);
    }

    /**
     * Protects the packet that starts at {@code packet[start]} in place: seals
     * {@code packet[payloadOffset, payloadOffset + payloadLength)} with the header before it as associated data,
     * writes the tag after it, then masks the first byte's low bits and the packet number, the last
     * {@code packetNumberLength} bytes of the header.
     */
    void protect(final byte[] packet, final int start, final int payloadOffset, final int payloadLength,
        final int packetNumberLength, final long packetNumber)
    {
        // Counter block 1 (J0) masks the tag, blocks 2.. the payload; the nonce is the IV xor the packet number.
        System.arraycopy(iv, 0, counter, 0, iv.length);
        for (int j = 0; j < Long.BYTES; j++)
        {
            counter[iv.length - 1 - j] ^= (byte)(packetNumber >>> (Byte.SIZE * j));
        }
        setCounter(1);
        Aes128.encryptBlock(packetRoundKeys, counter, 0, tagMask, 0);
        for (int offset = 0; offset < payloadLength; offset += BLOCK)
        {
            setCounter(2 + offset / BLOCK);
            Aes128.encryptBlock(packetRoundKeys, counter, 0, keyStream, 0);
            final int end = Math.min(BLOCK, payloadLength - offset);
            for (int i = 0; i < end; i++)
            {
                packet[payloadOffset + offset + i] ^= keyStream[i];
            }
        }

        hashHigh = 0;
        hashLow = 0;
        ghash(packet, start, payloadOffset - start);
        ghash(packet, payloadOffset, payloadLength);
        hashBlock((long)(payloadOffset - start) * Byte.SIZE, (long)payloadLength * Byte.SIZE);
        final int tag = payloadOffset + payloadLength;
        LONGS.set(packet, tag, hashHigh ^ (long)LONGS.get(tagMask, 0));
        LONGS.set(packet, tag + Long.BYTES, hashLow ^ (long)LONGS.get(tagMask, Long.BYTES));

        final int packetNumberOffset = payloadOffset - packetNumberLength;
        Aes128.encryptBlock(headerRoundKeys, packet, packetNumberOffset + SAMPLE_OFFSET, block, 0);
        packet[start] ^= (byte)(block[0] & 0x0F);
        for (int i = 0; i < packetNumberLength; i++)
        {
            packet[packetNumberOffset + i] ^= block[1 + i];
        }
    }

    private void setCounter(final int value)
    {
        counter[12] = (byte)(value >>> 24);
        counter[13] = (byte)(value >>> 16);
        counter[14] = (byte)(value >>> 8);
        counter[15] = (byte)value;
    }

    /** Adds {@code length} bytes to the running GHASH, the last block padded with zeros. */
    private void ghash(final byte[] data, final int offset, final int length)
    {
        int position = offset;
        final int end = offset + length;
        while (end - position >= BLOCK)
        {
            hashBlock((long)LONGS.get(data, position), (long)LONGS.get(data, position + Long.BYTES));
            position += BLOCK;
        }
        if (position < end)
        {
            Arrays.fill(block, (byte)0);
            System.arraycopy(data, position, block, 0, end - position);
            hashBlock((long)LONGS.get(block, 0), (long)LONGS.get(block, Long.BYTES));
        }
    }

    /** hash = (hash xor block) * H in GF(2^128), bit by bit as NIST SP 800-38D section 6.3 gives it. */
    private void hashBlock(final long high, final long low)
    {
        final long xHigh = hashHigh ^ high;
        final long xLow = hashLow ^ low;
        long zHigh = 0;
        long zLow = 0;
        long vHigh = hashKeyHigh;
        long vLow = hashKeyLow;
        for (int i = 0; i < 128; i++)
        {
            final long bit = i < 64 ? xHigh >>> (63 - i) : xLow >>> (127 - i);
            // Branch-free: all ones when the bit is set.
            final long select = -(bit & 1);
            zHigh ^= vHigh & select;
            zLow ^= vLow & select;
            final long carry = -(vLow & 1);
            vLow = vLow >>> 1 | vHigh << 63;
            vHigh = vHigh >>> 1 ^ GHASH_REDUCTION & carry;
        }
        hashHigh = zHigh;
        hashLow = zLow;
    }

    /** HKDF-Expand-Label with an empty context for at most 32 bytes: one HMAC of the label's info block. */
    private void expandLabel(final byte[] fromSecret, final byte[] info, final byte[] out, final int length)
    {
        hmac.mac(fromSecret, HmacSha256.LENGTH, info, info.length, expanded, 0);
        System.arraycopy(expanded, 0, out, 0, length);
    }

    /** TLS 1.3's HkdfLabel (RFC 8446 section 7.1) with an empty context, then HKDF-Expand's block counter 1. */
    private static byte[] expandLabelInfo(final String label, final int length)
    {
        final byte[] fullLabel = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
        final byte[] info = new byte[2 + 1 + fullLabel.length + 1 + 1];
        info[0] = (byte)(length >>> 8);
        info[1] = (byte)length;
        info[2] = (byte)fullLabel.length;
        System.arraycopy(fullLabel, 0, info, 3, fullLabel.length);
        info[info.length - 1] = 1;
        return info;
    }
}
