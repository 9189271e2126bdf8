package io.spillway.testbed.generator;

/**
 * Everything fixed for the life of one flow, derived from its serial number and the seed, so the window needs
 * no per-flow memory for it. A mutable holder, reloaded for each packet.
 * <p>
 * Uniqueness: the serial, offset by a seed-derived key, goes through a bijection of 46 bits whose two halves
 * become the low 23 bits of the client and of the server address. Distinct serials thus get distinct address
 * pairs, and clients and servers come from disjoint ranges, so no two flows of a capture share a 5-tuple,
 * in either direction. IPv4 clients are in 10.0.0.0/9 and servers in 10.128.0.0/9; IPv6 clients are in
 * fd00:0:0:1::/64 and servers in fd00:0:0:2::/64, with random upper interface-identifier bits.
 */
final class FlowIdentity
{
    static final int IPV4_CLIENT_NETWORK = 0x0A00_0000;
    static final int IPV4_SERVER_NETWORK = 0x0A80_0000;
    static final long IPV6_CLIENT_PREFIX = 0xFD00_0000_0000_0001L;
    static final long IPV6_SERVER_PREFIX = 0xFD00_0000_0000_0002L;

    private static final int HOST_BITS = 23;
    private static final long HOST_MASK = (1L << HOST_BITS) - 1;
    private static final long SERIAL_MASK = (1L << (2 * HOST_BITS)) - 1;
    private static final int FIRST_DYNAMIC_PORT = 1024;
    private static final int DYNAMIC_PORTS = 65536 - FIRST_DYNAMIC_PORT;
    /** IANA's ephemeral range, where real clients' ports are; registered ports would mislead dissectors. */
    private static final int FIRST_EPHEMERAL_PORT = 49152;
    private static final int EPHEMERAL_PORTS = 65536 - FIRST_EPHEMERAL_PORT;
    private static final double UNIT = 0x1.0p-53;

    private final long addressKey;
    private final long attributeKey;
    private final double ipv6Share;
    private final double udpShare;
    /** Server names to choose from for realistic openings; 0 for random payload, which has none. */
    private final int serverNames;

    boolean ipv6;
    boolean udp;
    /** Host parts (23 bits) that make the flow unique. */
    int clientHost;
    int serverHost;
    /** Random upper bits of the IPv6 interface identifiers. */
    long clientInterfaceBits;
    long serverInterfaceBits;
    int clientPort;
    int serverPort;
    int ipv6FlowLabel;
    int clientInitialSequence;
    int serverInitialSequence;
    /** Realistic payload only: the protocol the flow opens with, and its details. */
    Opening opening;
    int serverName;
    /** TLS 1.3 rather than 1.2 for a TLS opening, AAAA rather than A for a DNS one. */
    boolean variant;

    FlowIdentity(final long seed, final double ipv6Share, final double udpShare)
    {
        this(seed, ipv6Share, udpShare, 0);
    }

    /** @param serverNames above 0 for realistic payload: each flow gets an {@link Opening} and a server name. */
    FlowIdentity(final long seed, final double ipv6Share, final double udpShare, final int serverNames)
    {
        addressKey = mix(seed ^ 0x5EED_ADD2_E55E_5000L);
        attributeKey = mix(seed ^ 0x5EED_A771_B07E_5000L);
        this.ipv6Share = ipv6Share;
        this.udpShare = udpShare;
        this.serverNames = serverNames;
    }

    void load(final long serial)
    {
        final long unique = permute46(serial + addressKey);
        clientHost = (int)(unique >>> HOST_BITS);
        serverHost = (int)(unique & HOST_MASK);

        ipv6 = unitInterval(attribute(serial, 1)) < ipv6Share;
        udp = unitInterval(attribute(serial, 2)) < udpShare;
        final long ports = attribute(serial, 3);
        clientPort = FIRST_DYNAMIC_PORT + (int)(((ports & 0xFFFF_FFFFL) * DYNAMIC_PORTS) >>> 32);
        serverPort = FIRST_DYNAMIC_PORT + (int)(((ports >>> 32) * DYNAMIC_PORTS) >>> 32);
        final long sequences = attribute(serial, 4);
        clientInitialSequence = (int)sequences;
        serverInitialSequence = (int)(sequences >>> 32);
        if (ipv6)
        {
            final long clientBits = attribute(serial, 5);
            ipv6FlowLabel = (int)(clientBits & 0xF_FFFF);
            clientInterfaceBits = clientBits & ~HOST_MASK;
            serverInterfaceBits = attribute(serial, 6) & ~HOST_MASK;
        }
        if (serverNames > 0)
        {
            // The protocol's own port: the address pair alone keeps the 5-tuples unique.
            final long bits = attribute(serial, 7);
            opening = Opening.of(udp, bits);
            clientPort = FIRST_EPHEMERAL_PORT + (int)(((ports & 0xFFFF_FFFFL) * EPHEMERAL_PORTS) >>> 32);
            serverPort = opening.serverPort;
            variant = (bits & 4) != 0;
            serverName = (int)(((bits >>> 32) * serverNames) >>> 32);
        }
    }

    int ipv4Client()
    {
        return IPV4_CLIENT_NETWORK | clientHost;
    }

    int ipv4Server()
    {
        return IPV4_SERVER_NETWORK | serverHost;
    }

    long ipv6ClientInterface()
    {
        return clientInterfaceBits | clientHost;
    }

    long ipv6ServerInterface()
    {
        return serverInterfaceBits | serverHost;
    }

    private long attribute(final long serial, final int index)
    {
        return mix(serial * 0x9E37_79B9_7F4A_7C15L + attributeKey + index);
    }

    /** The top 53 bits as a double in [0, 1), as {@link java.util.SplittableRandom#nextDouble()} does. */
    private static double unitInterval(final long bits)
    {
        return (bits >>> 11) * UNIT;
    }

    /** A bijection of [0, 2^46): multiplications by odd constants and xor-shifts, all modulo 2^46. */
    static long permute46(final long value)
    {
        long x = value & SERIAL_MASK;
        x = (x * 0x9E37_79B9_7F4A_7C15L) & SERIAL_MASK;
        x ^= x >>> 23;
        x = (x * 0xBF58_476D_1CE4_E5B9L) & SERIAL_MASK;
        x ^= x >>> 19;
        x = (x * 0x94D0_49BB_1331_11EBL) & SERIAL_MASK;
        x ^= x >>> 23;

        return x;
    }

    /** The SplitMix64 finaliser. */
    private static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;

        return z ^ (z >>> 31);
    }
}
