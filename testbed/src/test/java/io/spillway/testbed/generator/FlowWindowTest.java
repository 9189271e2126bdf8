package io.spillway.testbed.generator;

import org.junit.jupiter.api.Test;

import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowWindowTest
{
    @Test
    void newFlowsStartAtASteadyPace()
    {
        assertEquals(0, FlowWindow.newFlowsStartedBy(0, 400));
        assertEquals(0, FlowWindow.newFlowsStartedBy(2_499_999, 400));
        assertEquals(1, FlowWindow.newFlowsStartedBy(2_500_000, 400));
        assertEquals(400, FlowWindow.newFlowsStartedBy(1_000_000_000, 400));
        assertEquals(1, FlowWindow.newFlowsStartedBy(2_000_000_000, 0.5));
        assertEquals(0, FlowWindow.newFlowsStartedBy(1_999_999_999, 0.5));
        // A third of a nanosecond apart: flow j starts at floor(j / 3) ns, so j = 1 .. 3002 by 1000 ns.
        assertEquals(3_002, FlowWindow.newFlowsStartedBy(1_000, 3e9));
    }

    @Test
    void windowAlwaysHoldsTheActiveFlowsAndEachNewFlowReplacesTheOldest()
    {
        final int activeFlows = 7;
        final FlowWindow window = new FlowWindow(activeFlows, 1000, new ConcurrencyMeter(100, 100));
        for (long millis = 0; millis < 30; millis++)
        {
            window.advanceTo(millis * 1_000_000);
            final TreeSet<Long> serials = new TreeSet<>();
            for (int slot = 0; slot < activeFlows; slot++)
            {
                serials.add(window.serialInSlot(slot));
            }
            assertEquals(activeFlows, serials.size());
            // One new flow per millisecond; the window is the newest seven serials.
            assertEquals(millis, serials.first());
            assertEquals(millis + activeFlows - 1, serials.last());
            assertEquals(millis, window.newFlowsStarted());
        }
    }

    @Test
    void retiringAFlowForgetsItsPackets()
    {
        final FlowWindow window = new FlowWindow(2, 1000, new ConcurrencyMeter(100, 100));
        window.onPacket(0, 0);
        window.onPacket(0, 1);
        window.onPacket(1, 2);

        assertEquals(2, window.packetCount(0));
        assertTrue(window.hasPackets(0));
        window.advanceTo(1_000_000);
        assertFalse(window.hasPackets(0));
        assertEquals(0, window.packetCount(0));
        assertEquals(2, window.serialInSlot(0));
        assertTrue(window.hasPackets(1));
        assertEquals(0, window.newFlowsSeen());
        window.onPacket(0, 3);
        assertEquals(1, window.newFlowsSeen());
    }

    @Test
    void streamBytesAddUpModulo2To32BesideThePacketCount()
    {
        final FlowWindow window = new FlowWindow(2, 1000, new ConcurrencyMeter(100, 100));
        window.onPacket(1, 0, 1_460);
        window.onPacket(1, 1, 530);
        assertEquals(1_990, window.streamBytes(1));
        assertEquals(2, window.packetCount(1));
        for (int i = 0; i < 3; i++)
        {
            window.onPacket(1, 2 + i, Integer.MAX_VALUE);
        }

        // 1990 + 3 * (2^31 - 1) wraps past 2^32 like a TCP sequence number, leaving the count alone.
        assertEquals((int)(1_990 + 3L * Integer.MAX_VALUE), window.streamBytes(1));
        assertEquals(5, window.packetCount(1));
        assertEquals(0, window.streamBytes(0));
    }

    @Test
    void jumpingPastManyStartsRetiresEveryFlowOnce()
    {
        final ConcurrencyMeter meter = new ConcurrencyMeter(100, 100);
        final FlowWindow window = new FlowWindow(3, 1_000_000, meter);
        window.onPacket(0, 0);
        window.onPacket(1, 0);
        window.advanceTo(1_000_000);

        assertEquals(1_000, window.newFlowsStarted());
        assertEquals(1_000, window.serialInSlot(1));
        for (int slot = 0; slot < 3; slot++)
        {
            assertFalse(window.hasPackets(slot));
        }
        meter.finish(1);
        assertEquals(2, meter.distinctFlows());
        assertEquals(2.0, meter.averageConcurrentFlows(1));
    }
}
