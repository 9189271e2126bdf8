package io.spillway.probe.flow;

import io.spillway.exporter.FlowEndReason;
import io.spillway.packet.FlowKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The offload state machine one transition at a time, on entries of its own (no cache around it). */
class OffloadOwnershipTest
{
    private static final int CAPACITY = 8;
    private static final long UDP_KEY = EntryKey.forward(1000 << 16 | 53, EntryKey.withoutPorts(17, 0, 0));

    private final Arena arena = Arena.ofConfined();
    private final FlowEntries entries = new FlowEntries(arena.allocate((long)CAPACITY * FlowEntries.LENGTH, 64));
    private final OffloadOwnership ownership = new OffloadOwnership(
        entries, new Ipv6Addresses(arena.allocate((long)CAPACITY * Ipv6Addresses.LENGTH, 64)), CAPACITY);

    @AfterEach
    void close()
    {
        arena.close();
    }

    private int flow(final int slot)
    {
        entries.init(slot, EntryKey.ipv4(0x0A000001, 0x0A000002), UDP_KEY, 100);
        entries.packets(slot, false, 1);
        return slot;
    }

    @Test
    void pendingThenOffloadedIsDeviceOwnedUntilTheDeviceGivesItBack()
    {
        final int slot = flow(0);
        assertEquals(OffloadOwnership.NONE, ownership.state(slot));

        ownership.markPending(slot, 1_700_000_000_123L);
        assertEquals(OffloadOwnership.PENDING, ownership.state(slot));
        assertEquals((int)1_700_000_000_123L, entries.offloadRequestedMs(slot));
        assertEquals(1, ownership.deviceOwned());
        assertTrue(OffloadOwnership.isDeviceOwned(entries.state(slot)));

        ownership.markOffloaded(slot);
        assertEquals(OffloadOwnership.OFFLOADED, ownership.state(slot));
        assertEquals(1, ownership.deviceOwned());
        assertEquals(slot, ownership.nextOffloaded(0, CAPACITY));

        assertEquals(FlowEndReason.IDLE_TIMEOUT, ownership.giveBack(slot, FlowEndReason.IDLE_TIMEOUT));
        assertEquals(OffloadOwnership.SOFTWARE, ownership.state(slot));
        assertEquals(0, ownership.deviceOwned());
        assertTrue((entries.state(slot) & FlowEntries.STATE_LIVE) != 0, "the cache frees it, not the state machine");
        assertThrows(IllegalStateException.class, () -> ownership.giveBack(slot, FlowEndReason.IDLE_TIMEOUT));
    }

    @Test
    void softwareReleasesAPendingFlowButCountsNothingForAnUndecidedOne()
    {
        ownership.markPending(flow(0), 0);
        ownership.markSoftware(0);
        assertEquals(0, ownership.deviceOwned());
        ownership.markSoftware(flow(1));
        assertEquals(0, ownership.deviceOwned());
        assertEquals(OffloadOwnership.SOFTWARE, ownership.state(1));
        assertFalse(OffloadOwnership.isDeviceOwned(entries.state(1)));
    }

    @Test
    void aForcedEndOfAClosedFlowIsItsEndOfFlow()
    {
        final int slot = flow(0);
        ownership.markPending(slot, 0);
        entries.state(slot, entries.state(slot) | FlowEntries.STATE_RST);
        assertEquals(FlowEndReason.END_OF_FLOW, ownership.giveBack(slot, FlowEndReason.FORCED_END));
    }

    @Test
    void threeQuartersOfTheCacheAtMostAreDeviceOwned()
    {
        for (int slot = 0; slot < CAPACITY * 3 / 4; slot++)
        {
            assertTrue(ownership.hasRoom());
            ownership.markPending(flow(slot), 0);
        }
        assertFalse(ownership.hasRoom());
        ownership.markSoftware(0);
        assertTrue(ownership.hasRoom());
    }

    @Test
    void takenBackWhenTheTimeoutAgreesThenRenewedFromNoneWithANewGeneration()
    {
        final int slot = flow(0);
        ownership.markPending(slot, 0);
        ownership.markOffloaded(slot);
        entries.state(slot, entries.state(slot) | FlowEntries.STATE_FIN_FWD);
        assertFalse(ownership.mayTakeBack(entries.state(slot)), "no one to ask");
        assertThrows(IllegalStateException.class, () -> ownership.renewing(slot));

        final boolean[] agree = {false};
        ownership.offloadedActiveTimeout(s -> agree[0]);
        assertTrue(ownership.mayTakeBack(entries.state(slot)));
        ownership.takeBack(slot, entries.state(slot));
        assertFalse(ownership.isRenewing(slot), "asked again on the next sweep");
        agree[0] = true;
        ownership.takeBack(slot, entries.state(slot));
        assertTrue(ownership.isRenewing(slot));
        assertFalse(ownership.mayTakeBack(entries.state(slot)), "taken back once");
        assertEquals(-1, ownership.nextOffloaded(0, CAPACITY), "not unlearned twice");

        ownership.renewed(slot, ownership.renewing(slot));
        assertEquals(OffloadOwnership.NONE, ownership.state(slot));
        assertFalse(ownership.isRenewing(slot));
        assertEquals(0, ownership.deviceOwned());
        assertEquals(1, entries.generation(slot));
        assertEquals(FlowEntries.STATE_LIVE | FlowEntries.STATE_FIN_FWD, entries.state(slot), "other bits stay");
    }

    @Test
    void onlyFlowsWithPortsAndNoTcpCloseAreOffloadable()
    {
        assertTrue(ownership.isOffloadable(flow(0)));

        entries.init(1, 0, EntryKey.stored(EntryKey.withoutPorts(17, FlowKey.L3_ONLY, 0), FlowKey.L3_ONLY), 0);
        assertFalse(ownership.isOffloadable(1), "layer-3 only");

        entries.init(2, 0, EntryKey.withoutPorts(17, 0, 0), 0);
        assertFalse(ownership.isOffloadable(2), "both ports 0");

        entries.init(3, 0, UDP_KEY, 0);
        entries.tcpFlags(3, true, FlowCounter.TCP_FIN);
        assertFalse(ownership.isOffloadable(3), "closing");
    }
}
