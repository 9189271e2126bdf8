package io.spillway.probe.flow;

import io.spillway.packet.FlowHash;
import io.spillway.packet.FlowKey;

/**
 * A flow key as its entry keeps it, in two longs that a lookup compares one read each: the addresses (IPv4 source
 * {@code << 32 |} destination, or a 64-bit fingerprint of the IPv6 pair, whose addresses are in
 * {@link Ipv6Addresses}) and the key ({@code ports | protocol << 32 | key flags << 40 | vlan << 48}, ports source
 * {@code << 16 |} destination). The stored key flags byte also holds the ingress interface, which is not part of
 * the key: {@link #MASK} leaves it out of comparisons.
 */
final class EntryKey
{
    private static final int PROTOCOL_SHIFT = 32;
    private static final int FLAGS_SHIFT = 40;
    private static final int VLAN_SHIFT = 48;
    /** Compares keys without the ingress interface bits stored beside the key flags. */
    static final long MASK = ~((long)(~FlowKey.KEY_BITS & 0xFF) << FLAGS_SHIFT);

    private EntryKey()
    {
    }

    /** The key's protocol, key bits and VLAN, to which {@link #forward} and {@link #reverse} add the ports. */
    static long withoutPorts(final int protocol, final int keyFlags, final int vlan)
    {
        return (long)protocol << PROTOCOL_SHIFT | (long)(keyFlags & FlowKey.KEY_BITS) << FLAGS_SHIFT |
            (long)vlan << VLAN_SHIFT;
    }

    /** The key of the packet's direction: {@code ports} as the packet has them. */
    static long forward(final int ports, final long withoutPorts)
    {
        return (ports & 0xFFFF_FFFFL) | withoutPorts;
    }

    /** The key of the other direction: source and destination ports swapped. */
    static long reverse(final int ports, final long withoutPorts)
    {
        return (Integer.rotateLeft(ports, 16) & 0xFFFF_FFFFL) | withoutPorts;
    }

    /** The key as the entry stores it: with the whole key flags byte, ingress interface included. */
    static long stored(final long key, final int keyFlags)
    {
        return key & MASK | (long)keyFlags << FLAGS_SHIFT;
    }

    static long ipv4(final long src, final long dst)
    {
        return src << 32 | (dst & 0xFFFF_FFFFL);
    }

    /** An order-sensitive 64-bit summary of an IPv6 address pair: (a, b) and (b, a) differ. */
    static long ipv6(final long aHi, final long aLo, final long bHi, final long bLo)
    {
        return FlowHash.mix(FlowHash.mix(aHi ^ Long.rotateLeft(aLo, 32)) + (bHi * 0x9E3779B97F4A7C15L ^ bLo));
    }

    static long ipv4Src(final long addresses)
    {
        return addresses >>> 32;
    }

    static long ipv4Dst(final long addresses)
    {
        return addresses & 0xFFFF_FFFFL;
    }

    static int srcPort(final long key)
    {
        return (int)key >>> 16;
    }

    static int dstPort(final long key)
    {
        return (int)key & 0xFFFF;
    }

    /** Both ports: 0 when the flow has none (layer-3 only) or both are 0. */
    static int ports(final long key)
    {
        return (int)key;
    }

    static int protocol(final long key)
    {
        return (int)(key >>> PROTOCOL_SHIFT) & 0xFF;
    }

    /** The stored key flags byte: {@link FlowKey}'s key bits and the ingress interface above them. */
    static int flags(final long key)
    {
        return (int)(key >>> FLAGS_SHIFT) & 0xFF;
    }

    static boolean isIpv6(final long key)
    {
        return (flags(key) & FlowKey.IPV6) != 0;
    }

    static int vlan(final long key)
    {
        return (int)(key >>> VLAN_SHIFT) & 0xFFFF;
    }
}
