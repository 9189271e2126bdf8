package io.spillway.packet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FragmentTableTest
{
    private static final long NOW = 5_000_000_000_000L;

    private final FragmentTable table = new FragmentTable();

    @Test
    void capacity()
    {
        assertEquals(4096, table.capacity());
        assertEquals(1, new FragmentTable(1).capacity());
        assertEquals(1024, new FragmentTable(1024).capacity());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -4, 3, 1000, 1 << 25})
    void capacityMustBeABoundedPowerOfTwo(final int capacity)
    {
        assertThrows(IllegalArgumentException.class, () -> new FragmentTable(capacity));
    }

    @Test
    void laterFragmentFindsFirst()
    {
        table.putFirstFragment(first(), 6, NOW);
        final ParsedPacket later = later(p -> {});

        assertTrue(table.fillLaterFragment(later, 6, NOW + 1));
        assertEquals(6, later.protocol);
        assertEquals(0xFFFF, later.srcPort);
        assertEquals(80, later.dstPort);
    }

    @Test
    void emptyTableFindsNothing()
    {
        final ParsedPacket zero = later(p ->
        {
            p.srcHi = 0;
            p.srcLo = 0;
            p.dstHi = 0;
            p.dstLo = 0;
            p.fragmentId = 0;
        });

        assertFalse(table.fillLaterFragment(zero, 0, 0L));
        assertEquals(0, zero.srcPort);
    }

    @Test
    void everyKeyFieldCounts()
    {
        table.putFirstFragment(first(), 6, NOW);

        assertFalse(table.fillLaterFragment(later(p -> p.ipVersion = 6), 6, NOW));
        assertFalse(table.fillLaterFragment(later(p -> p.srcHi = 1), 6, NOW));
        assertFalse(table.fillLaterFragment(later(p -> p.srcLo++), 6, NOW));
        assertFalse(table.fillLaterFragment(later(p -> p.dstHi = 1), 6, NOW));
        assertFalse(table.fillLaterFragment(later(p -> p.dstLo++), 6, NOW));
        assertFalse(table.fillLaterFragment(later(p -> p.fragmentId++), 6, NOW));
        assertFalse(table.fillLaterFragment(later(p -> {}), 17, NOW));
        assertTrue(table.fillLaterFragment(later(p -> {}), 6, NOW));
    }

    @Test
    void entriesOlderThanThirtySecondsAreIgnored()
    {
        table.putFirstFragment(first(), 6, NOW);

        assertTrue(table.fillLaterFragment(later(p -> {}), 6, NOW + FragmentTable.MAX_AGE_NANOS));
        assertFalse(table.fillLaterFragment(later(p -> {}), 6, NOW + FragmentTable.MAX_AGE_NANOS + 1));
        assertTrue(table.fillLaterFragment(later(p -> {}), 6, NOW - 1_000), "a reordered later fragment");
    }

    @Test
    void aNewFirstFragmentReplacesTheOldOne()
    {
        table.putFirstFragment(first(), 6, NOW);
        final ParsedPacket again = first();
        again.dstPort = 8080;
        table.putFirstFragment(again, 6, NOW + 40 * 1_000_000_000L);
        final ParsedPacket later = later(p -> {});

        assertTrue(table.fillLaterFragment(later, 6, NOW + 41 * 1_000_000_000L));
        assertEquals(8080, later.dstPort);
    }

    @Test
    void collisionsOverwrite()
    {
        final FragmentTable oneSlot = new FragmentTable(1);
        final ParsedPacket other = first();
        other.fragmentId = 99;
        oneSlot.putFirstFragment(first(), 6, NOW);
        oneSlot.putFirstFragment(other, 6, NOW);

        assertFalse(oneSlot.fillLaterFragment(later(p -> {}), 6, NOW));
        assertTrue(oneSlot.fillLaterFragment(later(p -> p.fragmentId = 99), 6, NOW));
    }

    @Test
    void distinctPacketsSpreadOverTheSlots()
    {
        final int packets = 64;
        for (int i = 0; i < packets; i++)
        {
            final ParsedPacket packet = first();
            packet.fragmentId = i;
            packet.dstPort = i;
            table.putFirstFragment(packet, 6, NOW);
        }

        int found = 0;
        for (int i = 0; i < packets; i++)
        {
            final int id = i;
            final ParsedPacket later = later(p -> p.fragmentId = id);
            if (table.fillLaterFragment(later, 6, NOW))
            {
                assertEquals(i, later.dstPort);
                found++;
            }
        }
        assertTrue(found >= packets - 4, "found " + found);
    }

    @Test
    void clearForgets()
    {
        table.putFirstFragment(first(), 6, NOW);
        table.clear();

        assertFalse(table.fillLaterFragment(later(p -> {}), 6, NOW));
    }

    private static ParsedPacket first()
    {
        final ParsedPacket packet = base();
        packet.fragment = ParsedPacket.FIRST_FRAGMENT;
        packet.srcPort = 0xFFFF;
        packet.dstPort = 80;
        return packet;
    }

    private static ParsedPacket later(final Consumer<ParsedPacket> change)
    {
        final ParsedPacket packet = base();
        packet.fragment = ParsedPacket.LATER_FRAGMENT;
        change.accept(packet);
        return packet;
    }

    private static ParsedPacket base()
    {
        final ParsedPacket packet = new ParsedPacket();
        packet.reset();
        packet.ipVersion = 4;
        packet.protocol = 6;
        packet.srcLo = 0xC0A8_0001L;
        packet.dstLo = 0xC0A8_0002L;
        packet.fragmentId = 4242;
        packet.moreFragments = true;
        return packet;
    }
}
