package io.spillway.exporter.json;

/**
 * Writes IP addresses as ASCII text into a byte array, without allocating: IPv4 as a dotted quad, IPv6 in the
 * RFC 5952 canonical form.
 * <p>
 * Each method writes at {@code index} and returns the index just past the text. The caller guarantees room for
 * {@link #MAX_IPV6_LENGTH} bytes.
 */
public final class AddressAscii
{
    /** Longest IPv4 text: "255.255.255.255". */
    public static final int MAX_IPV4_LENGTH = 15;

    /** Longest IPv6 text: eight groups of four hex digits and seven colons. */
    public static final int MAX_IPV6_LENGTH = 39;

    private static final int GROUPS = 8;
    private static final long IPV4_MAPPED_MARKER = 0xFFFFL;
    private static final byte[] IPV4_MAPPED_PREFIX = { ':', ':', 'f', 'f', 'f', 'f', ':' };
    private static final byte[] HEX_DIGITS = { '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
        'a', 'b', 'c', 'd', 'e', 'f' };

    private AddressAscii()
    {
    }

    /**
     * Writes an IPv4 address as a dotted quad, e.g. "192.0.2.1".
     *
     * @param address the four address bytes as an int, first byte in the most significant position.
     * @return the index after the text.
     */
    public static int putIPv4(final byte[] dst, final int index, final int address)
    {
        int i = DecimalAscii.putUnsigned(dst, index, (address >>> 24) & 0xFF);
        dst[i++] = '.';
        i = DecimalAscii.putUnsigned(dst, i, (address >>> 16) & 0xFF);
        dst[i++] = '.';
        i = DecimalAscii.putUnsigned(dst, i, (address >>> 8) & 0xFF);
        dst[i++] = '.';

        return DecimalAscii.putUnsigned(dst, i, address & 0xFF);
    }

    /**
     * Writes an IPv6 address in RFC 5952 form: lowercase hex without leading zeros, the longest run of two or more
     * zero groups (the first one on ties) replaced by "::", and IPv4-mapped addresses as "::ffff:a.b.c.d".
     *
     * @param hi address bytes 0..7 as a big-endian long.
     * @param lo address bytes 8..15 as a big-endian long.
     * @return the index after the text.
     */
    public static int putIPv6(final byte[] dst, final int index, final long hi, final long lo)
    {
        if (hi == 0 && (lo >>> 32) == IPV4_MAPPED_MARKER)
        {
            System.arraycopy(IPV4_MAPPED_PREFIX, 0, dst, index, IPV4_MAPPED_PREFIX.length);
            return putIPv4(dst, index + IPV4_MAPPED_PREFIX.length, (int)lo);
        }

        // Find the longest run of zero groups; a run of one is never compressed (RFC 5952 section 4.2.2).
        int bestStart = -1;
        int bestLength = 1;
        int runStart = -1;
        for (int g = 0; g < GROUPS; g++)
        {
            if (group(hi, lo, g) != 0)
            {
                runStart = -1;
            }
            else
            {
                if (runStart < 0)
                {
                    runStart = g;
                }

                final int runLength = g - runStart + 1;
                if (runLength > bestLength)
                {
                    bestStart = runStart;
                    bestLength = runLength;
                }
            }
        }

        final int bestEnd = bestStart + bestLength;
        int i = index;
        int g = 0;
        while (g < GROUPS)
        {
            if (g == bestStart)
            {
                dst[i++] = ':';
                dst[i++] = ':';
                g = bestEnd;
            }
            else
            {
                if (g > 0 && g != bestEnd)
                {
                    dst[i++] = ':';
                }
                i = putHexGroup(dst, i, group(hi, lo, g));
                g++;
            }
        }

        return i;
    }

    private static int group(final long hi, final long lo, final int g)
    {
        final long half = g < 4 ? hi : lo;
        return (int)(half >>> (48 - 16 * (g & 3))) & 0xFFFF;
    }

    private static int putHexGroup(final byte[] dst, final int index, final int group)
    {
        int i = index;
        boolean leading = true;
        for (int shift = 12; shift >= 0; shift -= 4)
        {
            final int nibble = (group >>> shift) & 0xF;
            if (nibble != 0 || !leading || shift == 0)
            {
                dst[i++] = HEX_DIGITS[nibble];
                leading = false;
            }
        }

        return i;
    }
}
