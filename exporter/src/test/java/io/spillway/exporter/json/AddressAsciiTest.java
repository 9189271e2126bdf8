package io.spillway.exporter.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressAsciiTest
{
    private final byte[] scratch = new byte[64];

    @ParameterizedTest
    @CsvSource({
        "0.0.0.0, 0x00000000",
        "192.0.2.1, 0xC0000201",
        "10.20.30.40, 0x0A141E28",
        "255.255.255.255, 0xFFFFFFFF",
        "128.0.0.9, 0x80000009" })
    void shouldWriteIPv4AsDottedQuad(final String expected, final String hex)
    {
        final int address = Integer.parseUnsignedInt(hex.substring(2), 16);
        assertEquals(expected, ipv4(address));
    }

    @Test
    void shouldMatchTheJdkForRandomIPv4() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(791);
        for (int i = 0; i < 10_000; i++)
        {
            final int address = random.nextInt();
            final byte[] bytes = ByteBuffer.allocate(4).putInt(address).array();
            assertEquals(InetAddress.getByAddress(bytes).getHostAddress(), ipv4(address));
        }
    }

    /** Full form on the left, RFC 5952 form on the right; the examples are those of RFC 5952 and its edge cases. */
    @ParameterizedTest
    @CsvSource({
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "2001:0db8:0000:0000:0000:0000:0002:0001, 2001:db8::2:1",
        "2001:0db8:0000:0001:0001:0001:0001:0001, 2001:db8:0:1:1:1:1:1",
        "2001:0000:0000:0001:0000:0000:0000:0001, 2001:0:0:1::1",
        "2001:0db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
        "2001:0db8:0000:0000:aaaa:0000:0000:0001, 2001:db8::aaaa:0:0:1",
        "2001:0db8:aaaa:bbbb:cccc:dddd:0000:0001, 2001:db8:aaaa:bbbb:cccc:dddd:0:1",
        "2001:0DB8:AAAA:BBBB:CCCC:DDDD:EEEE:AAAA, 2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa",
        "2001:0db8:0000:0000:0001:0000:0000:0000, 2001:db8:0:0:1::",
        "0000:0000:0000:0000:0000:ffff:c000:0201, ::ffff:192.0.2.1",
        "0000:0000:0000:0000:0000:ffff:0000:0000, ::ffff:0.0.0.0",
        "0000:0000:0000:0000:0000:0000:c000:0201, ::c000:201",
        "0000:0000:0000:0000:0001:ffff:c000:0201, ::1:ffff:c000:201",
        "0000:0000:0000:0000:0000:fffe:c000:0201, ::fffe:c000:201",
        "0000:0000:0000:0000:0000:0000:0000:0000, ::",
        "0000:0000:0000:0000:0000:0000:0000:0001, ::1",
        "0001:0000:0000:0000:0000:0000:0000:0000, 1::",
        "fe80:0000:0000:0000:0000:0000:0000:0000, fe80::",
        "0000:0001:0000:0001:0000:0001:0000:0001, 0:1:0:1:0:1:0:1",
        "0001:0000:0000:0002:0000:0000:0000:0003, 1:0:0:2::3",
        "0000:0000:0001:0000:0000:0000:0000:0001, 0:0:1::1",
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "0010:0100:1000:000a:00b0:0c00:d000:000e, 10:100:1000:a:b0:c00:d000:e" })
    void shouldWriteRfc5952Form(final String fullForm, final String expected)
    {
        final int[] groups = Arrays.stream(fullForm.split(":")).mapToInt((g) -> Integer.parseInt(g, 16)).toArray();
        assertEquals(expected, ipv6(groups));
        assertEquals(expected, referenceIPv6(groups));
    }

    @Test
    void shouldMatchAnIndependentImplementationAndRoundTripForRandomIPv6() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(5952);
        int compressed = 0;
        int mapped = 0;
        for (int i = 0; i < 200_000; i++)
        {
            final int[] groups = randomGroups(random);
            final String text = ipv6(groups);

            assertEquals(referenceIPv6(groups), text);
            assertTrue(text.length() <= AddressAscii.MAX_IPV6_LENGTH, text);

            final InetAddress parsed = InetAddress.getByName(text);
            final byte[] original = toBytes(groups);
            if (parsed instanceof Inet4Address)
            {
                // The JDK turns IPv4-mapped text into a plain IPv4 address.
                assertTrue(text.startsWith("::ffff:"), text);
                assertArrayEquals(Arrays.copyOfRange(original, 12, 16), parsed.getAddress(), text);
                mapped++;
            }
            else
            {
                assertArrayEquals(original, parsed.getAddress(), text);
            }
            compressed += text.contains("::") ? 1 : 0;
        }

        // The generator must exercise both compressed and mapped forms, or the comparison proves little.
        assertTrue(compressed > 50_000, "compressed " + compressed);
        assertTrue(mapped > 1_000, "mapped " + mapped);
    }

    @Test
    void referenceShouldAgreeWithTheJdkOnUncompressedAddresses() throws Exception
    {
        // Guards the reference itself: with no zero group the JDK's full form is already RFC 5952 text.
        final int[] groups = { 0x2001, 0xdb8, 0x1, 0x2, 0x3, 0x4, 0x5, 0x6 };
        final String jdk = InetAddress.getByAddress(toBytes(groups)).getHostAddress();

        assertEquals("2001:db8:1:2:3:4:5:6", jdk);
        assertEquals(jdk, referenceIPv6(groups));
        assertEquals(jdk, ipv6(groups));
    }

    @Test
    void shouldWriteAtTheGivenIndex()
    {
        scratch[4] = 'x';
        final int end = AddressAscii.putIPv6(scratch, 5, 0x20010DB800000000L, 1);
        scratch[end] = 'y';

        assertEquals("x2001:db8::1y", new String(scratch, 4, end - 4 + 1, StandardCharsets.US_ASCII));
    }

    private String ipv4(final int address)
    {
        final int end = AddressAscii.putIPv4(scratch, 0, address);
        return new String(scratch, 0, end, StandardCharsets.US_ASCII);
    }

    private String ipv6(final int[] groups)
    {
        final ByteBuffer bytes = ByteBuffer.wrap(toBytes(groups));
        final int end = AddressAscii.putIPv6(scratch, 0, bytes.getLong(0), bytes.getLong(8));
        return new String(scratch, 0, end, StandardCharsets.US_ASCII);
    }

    private static byte[] toBytes(final int[] groups)
    {
        final ByteBuffer bytes = ByteBuffer.allocate(16);
        for (final int group : groups)
        {
            bytes.putShort((short)group);
        }
        return bytes.array();
    }

    /** Mostly zero groups and small values, so zero runs of every length and position occur often. */
    private static int[] randomGroups(final SplittableRandom random)
    {
        final int[] groups = new int[8];
        for (int g = 0; g < 8; g++)
        {
            final int kind = random.nextInt(4);
            groups[g] = kind < 2 ? 0 : kind == 2 ? random.nextInt(1, 16) : random.nextInt(0x10000);
        }
        if (random.nextInt(20) == 0)
        {
            Arrays.fill(groups, 0, 5, 0);
            groups[5] = 0xFFFF;
        }
        return groups;
    }

    /**
     * RFC 5952 written the plain way, with strings: try every run of zero groups, keep the longest (the first on
     * ties) if it has two groups or more, and write IPv4-mapped addresses in mixed notation.
     */
    private static String referenceIPv6(final int[] groups)
    {
        if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0 &&
            groups[5] == 0xFFFF)
        {
            return "::ffff:" + (groups[6] >> 8) + "." + (groups[6] & 0xFF) + "." + (groups[7] >> 8) + "." +
                (groups[7] & 0xFF);
        }

        final String[] hex = new String[8];
        for (int g = 0; g < 8; g++)
        {
            hex[g] = Integer.toHexString(groups[g]);
        }

        int bestStart = -1;
        int bestLength = 0;
        for (int start = 0; start < 8; start++)
        {
            for (int end = start; end < 8 && groups[end] == 0; end++)
            {
                final int length = end - start + 1;
                if (length >= 2 && length > bestLength)
                {
                    bestStart = start;
                    bestLength = length;
                }
            }
        }

        if (bestStart < 0)
        {
            return String.join(":", hex);
        }

        return String.join(":", Arrays.copyOfRange(hex, 0, bestStart)) + "::" +
            String.join(":", Arrays.copyOfRange(hex, bestStart + bestLength, 8));
    }
}
