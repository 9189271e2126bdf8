package io.spillway.testbed.generator;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HMAC-SHA256 (RFC 2104) over one reused {@link MessageDigest}, so that deriving per-flow QUIC keys allocates
 * nothing (a {@code javax.crypto.Mac} needs a new key object, and allocates, for every key).
 */
final class HmacSha256
{
    static final int LENGTH = 32;

    private static final int BLOCK = 64;

    private final MessageDigest sha256;
    private final byte[] pad = new byte[BLOCK];
    private final byte[] inner = new byte[LENGTH];

    HmacSha256()
    {
        try
        {
            sha256 = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
        }
    }

    /**
     * Writes HMAC(key, data) at {@code out[outOffset]}; {@code out} may be the key's or the data's array.
     *
     * @param keyLength at most 64 bytes, all QUIC ever uses.
     */
    void mac(final byte[] key, final int keyLength, final byte[] data, final int dataLength, final byte[] out,
        final int outOffset)
    {
        try
        {
            fillPad(key, keyLength, 0x36);
            sha256.update(pad);
            sha256.update(data, 0, dataLength);
            sha256.digest(inner, 0, LENGTH);
            fillPad(key, keyLength, 0x5C);
            sha256.update(pad);
            sha256.update(inner);
            sha256.digest(out, outOffset, LENGTH);
        }
        catch (final DigestException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private void fillPad(final byte[] key, final int keyLength, final int value)
    {
        for (int i = 0; i < BLOCK; i++)
        {
            pad[i] = (byte)((i < keyLength ? key[i] : 0) ^ value);
        }
    }
}
