package io.spillway.offload.emulated;

import io.spillway.offload.OffloadFlowKey;

/** Distinct flow keys from an index: IPv4 and IPv6, TCP and UDP, some VLAN-tagged. */
final class TestFlows
{
    static final int TCP = 6;
    static final int UDP = 17;

    private TestFlows()
    {
    }

    /** Sets {@code key} to the forward direction of flow {@code index}. */
    static OffloadFlowKey key(final OffloadFlowKey key, final int index)
    {
        final int protocol = index % 3 == 0 ? UDP : TCP;
        final int srcPort = 1024 + (index * 7919) % 60000;
        final int dstPort = index % 2 == 0 ? 443 : 80;
        final int vlan = index % 5 == 0 ? 100 + index % 7 : 0;
        if (index % 4 == 3)
        {
            return key.ipv6(0x2001_0db8_0000_0000L, index, srcPort, 0x2001_0db8_0000_0001L, index * 31L, dstPort,
                protocol, vlan);
        }
        return key.ipv4(0x0A00_0000L | index, srcPort, 0xC0A8_0000L | (index * 13L & 0xFFFF), dstPort, protocol, vlan);
    }

    static int protocol(final int index)
    {
        return index % 3 == 0 ? UDP : TCP;
    }

    /** A symmetric RSS hash stand-in: the same for both directions of flow {@code index}. */
    static long rssHash(final int index)
    {
        return KeyHash.mix(index * 0x9E3779B97F4A7C15L + 1);
    }
}
