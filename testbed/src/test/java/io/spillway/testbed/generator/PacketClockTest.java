package io.spillway.testbed.generator;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PacketClockTest
{
    @Test
    void offsetsAreTheFloorOfIndexTimesTheIntervalWithoutDrift()
    {
        for (final long packetsPerSecond : new long[]{1, 3, 7, 40_000, 14_880_952, 1_000_000_000})
        {
            final PacketClock clock = new PacketClock(packetsPerSecond);
            final long packets = Math.min(3 * packetsPerSecond + 5, 200_000);
            for (long index = 0; index < packets; index++)
            {
                final long exact = BigInteger.valueOf(index).multiply(BigInteger.valueOf(1_000_000_000L))
                    .divide(BigInteger.valueOf(packetsPerSecond)).longValueExact();
                assertEquals(exact, clock.offsetNanos(), "rate " + packetsPerSecond + ", packet " + index);
                assertEquals(exact, PacketClock.offsetNanos(index, packetsPerSecond));
                clock.advance();
            }
        }
    }

    @Test
    void aSecondOfPacketsTakesExactlyOneSecond()
    {
        final PacketClock clock = new PacketClock(3);
        for (int i = 0; i < 3; i++)
        {
            clock.advance();
        }

        assertEquals(1_000_000_000L, clock.offsetNanos());
        assertEquals(3_600_000_000_000L, PacketClock.offsetNanos(3 * 3600, 3));
    }
}
