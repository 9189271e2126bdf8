package io.spillway.probe.flow;

import io.spillway.packet.FlowKey;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entry's packed key: what goes in comes out, and the ingress interface is never compared. */
class EntryKeyTest
{
    @Test
    void fieldsComeBackAsTheyWentIn()
    {
        final int keyFlags = FlowKey.IPV6 | 5 << FlowKey.INTERFACE_SHIFT;
        final long key = EntryKey.stored(EntryKey.forward(40000 << 16 | 443, EntryKey.withoutPorts(6, keyFlags, 4094)),
            keyFlags);
        assertEquals(40000, EntryKey.srcPort(key));
        assertEquals(443, EntryKey.dstPort(key));
        assertEquals(6, EntryKey.protocol(key));
        assertEquals(4094, EntryKey.vlan(key));
        assertEquals(keyFlags, EntryKey.flags(key));
        assertTrue(EntryKey.isIpv6(key));

        final long addresses = EntryKey.ipv4(0xC0A80001L, 0x0A000002L);
        assertEquals(0xC0A80001L, EntryKey.ipv4Src(addresses));
        assertEquals(0x0A000002L, EntryKey.ipv4Dst(addresses));
    }

    @Test
    void theReverseKeySwapsThePortsAndTheMaskDropsTheInterface()
    {
        final long withoutPorts = EntryKey.withoutPorts(17, 3 << FlowKey.INTERFACE_SHIFT, 0);
        final long forward = EntryKey.forward(1000 << 16 | 53, withoutPorts);
        assertEquals(EntryKey.forward(53 << 16 | 1000, withoutPorts), EntryKey.reverse(1000 << 16 | 53, withoutPorts));
        assertEquals(forward, EntryKey.stored(forward, 3 << FlowKey.INTERFACE_SHIFT) & EntryKey.MASK);
    }

    @Test
    void theIpv6FingerprintTellsTheDirections()
    {
        assertNotEquals(EntryKey.ipv6(1, 2, 3, 4), EntryKey.ipv6(3, 4, 1, 2));
        assertEquals(EntryKey.ipv6(1, 2, 3, 4), EntryKey.ipv6(1, 2, 3, 4));
    }
}
