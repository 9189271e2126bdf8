package io.spillway.offload.emulated;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.spillway.offload.emulated.NicDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostRingTest
{
    @Test
    void aFullRingDropsAtTheNicAndCountsEveryDrop()
    {
        // 4096-byte ring; a 12-byte descriptor takes 8 (header) + 8 (flowId) + 12 bytes, aligned to 32: at most 128
        // fit (Agrona keeps a little room for its padding record).
        final NicDriver driver = new NicDriver(NicDriver.config().hostRingBytes(4096));
        int full = 0;
        for (int i = 0; i < 200; i++)
        {
            full += driver.packet(i, false, T0 + i, 64 + i, 0) == ReceiveOutcome.HOST_RING_FULL ? 1 : 0;
        }
        final int fitted = 200 - full;
        assertTrue(fitted > 120 && fitted <= 128, "fitted " + fitted);
        assertEquals(full, driver.nic.hostRing(0).drops());
        assertEquals(full, driver.nic.counters().get(NicCounter.HOST_RING_DROPS));
        assertEquals(fitted, driver.nic.counters().get(NicCounter.HOST_PACKETS));

        final List<NicDriver.HostPacket> host = driver.readHost();
        assertEquals(fitted, host.size());
        for (int i = 0; i < host.size(); i++)
        {
            assertEquals(i, host.get(i).flow(), "oldest first, the first ones offered");
            assertEquals(64 + i, host.get(i).frameLength());
        }
        assertEquals(ReceiveOutcome.TO_HOST, driver.packet(1, false, T0 + 300, 64, 0), "room again once read");
        assertEquals(full, driver.nic.hostRing(0).drops());
    }

    @Test
    void theRingSizeMustBeAPowerOfTwo()
    {
        assertThrows(IllegalArgumentException.class, () -> new HostRing(3000));
        final HostRing ring = new HostRing(1024);
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[]{1, 2, 3});
        ring.offer(42, packet, 0, 3);
        final List<String> read = new ArrayList<>();
        assertEquals(1, ring.poll((flowId, buffer, offset, length) ->
            read.add(flowId + ":" + length + ":" + buffer.getByte(offset + 2)), 10));
        assertEquals(List.of("42:3:3"), read);
    }
}
