package io.spillway.testbed.generator;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowIdentityTest
{
    @Test
    void permutationIsABijectionOnASample()
    {
        final Set<Long> images = new HashSet<>();
        for (long value = 0; value < 200_000; value++)
        {
            final long image = FlowIdentity.permute46(value);
            assertTrue(image >= 0 && image < GeneratorSpec.MAX_FLOWS);
            images.add(image);
        }
        final long top = GeneratorSpec.MAX_FLOWS - 1;

        assertEquals(200_000, images.size());
        assertNotEquals(FlowIdentity.permute46(top), FlowIdentity.permute46(top + GeneratorSpec.MAX_FLOWS + 1));
        assertEquals(FlowIdentity.permute46(top), FlowIdentity.permute46(top + GeneratorSpec.MAX_FLOWS));
    }

    @Test
    void distinctSerialsGetDistinctAddressPairsInTheirRanges()
    {
        final FlowIdentity flow = new FlowIdentity(99, 0.5, 0.5);
        final Set<Long> pairs = new HashSet<>();
        int ipv6 = 0;
        for (long serial = 0; serial < 100_000; serial++)
        {
            flow.load(serial);
            pairs.add((long)flow.ipv4Client() << 32 | flow.ipv4Server() & 0xFFFF_FFFFL);
            assertEquals(FlowIdentity.IPV4_CLIENT_NETWORK, flow.ipv4Client() & 0xFF80_0000);
            assertEquals(FlowIdentity.IPV4_SERVER_NETWORK, flow.ipv4Server() & 0xFF80_0000);
            assertTrue(flow.clientPort >= 1024 && flow.clientPort <= 65535);
            assertTrue(flow.serverPort >= 1024 && flow.serverPort <= 65535);
            ipv6 += flow.ipv6 ? 1 : 0;
        }

        assertEquals(100_000, pairs.size());
        assertEquals(0.5, ipv6 / 100_000.0, 0.01);
    }

    @Test
    void identityDependsOnTheSeed()
    {
        final FlowIdentity one = new FlowIdentity(1, 0, 0);
        final FlowIdentity other = new FlowIdentity(2, 0, 0);
        one.load(0);
        other.load(0);

        assertNotEquals(one.ipv4Client(), other.ipv4Client());
    }
}
