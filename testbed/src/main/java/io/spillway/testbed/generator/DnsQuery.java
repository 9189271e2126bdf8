package io.spillway.testbed.generator;

import java.util.SplittableRandom;

/**
 * A recursive DNS query for the server name (type A or AAAA) with an EDNS(0) OPT record, as stub resolvers
 * send them today. It grows to any requested length through the OPT record's padding option (RFC 7830).
 */
final class DnsQuery
{
    private static final int HEADER = 12;
    private static final int RECURSION_DESIRED = 0x0100;
    private static final int TYPE_A = 1;
    private static final int TYPE_AAAA = 28;
    private static final int CLASS_IN = 1;
    private static final int TYPE_OPT = 41;
    private static final int EDNS_UDP_SIZE = 1232;
    private static final int OPTION_PADDING = 12;
    /** Root name, type, class (UDP size), extended rcode and flags, data length, padding option header. */
    private static final int OPT_RECORD = 1 + 2 + 2 + 4 + 2 + 4;

    private DnsQuery()
    {
    }

    static int naturalLength(final int nameLength)
    {
        // Each dot becomes a length byte, plus the first label's length and the root's.
        return HEADER + nameLength + 2 + 4 + OPT_RECORD;
    }

    /** Writes the query, padded to {@code minimumLength} if it is shorter; returns its length. */
    static int write(final ByteWriter out, final byte[] serverName, final boolean ipv6Address,
        final int minimumLength, final SplittableRandom random)
    {
        final int start = out.position;
        out.u16(random.nextInt(1 << 16)).u16(RECURSION_DESIRED).u16(1).u16(0).u16(0).u16(1);
        int label = 0;
        for (int i = 0; i <= serverName.length; i++)
        {
            if (i == serverName.length || serverName[i] == '.')
            {
                out.u8(i - label);
                System.arraycopy(serverName, label, out.bytes, out.position, i - label);
                out.position += i - label;
                label = i + 1;
            }
        }
        out.u8(0).u16(ipv6Address ? TYPE_AAAA : TYPE_A).u16(CLASS_IN);

        final int padding = Math.max(0, minimumLength - naturalLength(serverName.length));
        out.u8(0).u16(TYPE_OPT).u16(EDNS_UDP_SIZE).u32(0).u16(4 + padding).u16(OPTION_PADDING).u16(padding)
            .zeros(padding);
        return out.position - start;
    }
}
