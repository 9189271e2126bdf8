package io.spillway.probe.flow;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The entry layout: fields tile the 64 bytes without overlap, state bits are disjoint, accessors hit their field. */
class FlowEntriesTest
{
    /** Every offset constant with its width: a field added to the layout must be listed here. */
    private static final Map<String, Integer> WIDTHS = Map.ofEntries(
        Map.entry("ADDRESSES", 8), Map.entry("KEY", 8),
        Map.entry("FWD_PACKETS", 4), Map.entry("REV_PACKETS", 4),
        Map.entry("FWD_OCTETS", 4), Map.entry("REV_OCTETS", 4),
        Map.entry("FWD_L2_OCTETS", 4), Map.entry("REV_L2_OCTETS", 4),
        Map.entry("FWD_FIRST_MS", 4), Map.entry("FWD_LAST_MS", 4),
        Map.entry("REV_FIRST_MS", 4), Map.entry("REV_LAST_MS", 4),
        Map.entry("FWD_TCP_FLAGS", 1), Map.entry("REV_TCP_FLAGS", 1),
        Map.entry("STATE", 1), Map.entry("GENERATION", 1), Map.entry("OFFLOAD_REQUESTED_MS", 4));

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment segment = arena.allocate(3L * FlowEntries.LENGTH, 64);
    private final FlowEntries entries = new FlowEntries(segment);

    @AfterEach
    void close()
    {
        arena.close();
    }

    @Test
    void fieldsCoverTheEntryExactlyOnce() throws IllegalAccessException
    {
        final String[] owner = new String[FlowEntries.LENGTH];
        int fields = 0;
        for (final Field field : FlowEntries.class.getDeclaredFields())
        {
            if (!isOffset(field))
            {
                continue;
            }
            final Integer width = WIDTHS.get(field.getName());
            assertNotNull(width, field.getName() + " has no width in this test");
            final int offset = field.getInt(null);
            assertEquals(0, offset % width, field.getName() + " is not aligned");
            for (int at = offset; at < offset + width; at++)
            {
                assertNull(owner[at], field.getName() + " overlaps " + owner[at] + " at byte " + at);
                owner[at] = field.getName();
            }
            fields++;
        }
        assertEquals(WIDTHS.size(), fields);
        for (int at = 0; at < FlowEntries.LENGTH; at++)
        {
            assertNotNull(owner[at], "byte " + at + " belongs to no field");
        }
    }

    @Test
    void stateBitsAreDisjointAndOffloadStatesFitTheirBits()
    {
        final int[] bits = {FlowEntries.STATE_LIVE, FlowEntries.STATE_FIN_FWD, FlowEntries.STATE_FIN_REV,
            FlowEntries.STATE_RST, FlowEntries.STATE_OFFLOAD, FlowEntries.STATE_RENEWING};
        int all = 0;
        for (final int bit : bits)
        {
            assertEquals(0, all & bit);
            all |= bit;
        }
        assertEquals(all & 0xFF, all, "one byte");
        for (final int state : new int[]{FlowCache.OFFLOAD_NONE, FlowCache.OFFLOAD_PENDING, FlowCache.OFFLOAD_OFFLOADED,
            FlowCache.OFFLOAD_SOFTWARE})
        {
            assertEquals(state, state & FlowEntries.STATE_OFFLOAD);
        }
    }

    @Test
    void eachAccessorWritesItsOwnFieldOfItsOwnSlot()
    {
        entries.init(1, 0x0102_0304_0506_0708L, 0x1112_1314_1516_1718L, 1000);
        entries.packets(1, false, 1);
        entries.packets(1, true, 2);
        entries.octets(1, false, 3);
        entries.octets(1, true, 4);
        entries.l2Octets(1, false, 5);
        entries.l2Octets(1, true, 6);
        entries.firstMs(1, false, 7);
        entries.lastMs(1, false, 8);
        entries.firstMs(1, true, 9);
        entries.lastMs(1, true, 10);
        entries.tcpFlags(1, false, 0xC2);
        entries.tcpFlags(1, true, 0x12);
        entries.offloadRequestedMs(1, 11);
        entries.nextGeneration(1);

        final long base = FlowEntries.LENGTH;
        assertEquals(0x0102_0304_0506_0708L, segment.get(ValueLayout.JAVA_LONG, base + FlowEntries.ADDRESSES));
        assertEquals(0x1112_1314_1516_1718L, segment.get(ValueLayout.JAVA_LONG, base + FlowEntries.KEY));
        final int[] intFields = {FlowEntries.FWD_PACKETS, FlowEntries.REV_PACKETS, FlowEntries.FWD_OCTETS,
            FlowEntries.REV_OCTETS, FlowEntries.FWD_L2_OCTETS, FlowEntries.REV_L2_OCTETS, FlowEntries.FWD_FIRST_MS,
            FlowEntries.FWD_LAST_MS, FlowEntries.REV_FIRST_MS, FlowEntries.REV_LAST_MS,
            FlowEntries.OFFLOAD_REQUESTED_MS};
        final int[] written = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        for (int i = 0; i < intFields.length; i++)
        {
            assertEquals(written[i], segment.get(ValueLayout.JAVA_INT, base + intFields[i]));
        }
        assertEquals(0xC2, entries.tcpFlags(1, false));
        assertEquals(0x12, entries.tcpFlags(1, true));
        assertEquals(FlowEntries.STATE_LIVE, entries.state(1));
        assertEquals(1, entries.generation(1));
        assertUntouched(0);
        assertUntouched(2);
    }

    @Test
    void aNewRecordZeroesCountersAndFlagsButKeepsTimesStateAndGeneration()
    {
        entries.init(0, 1, 2, 500);
        entries.packets(0, true, 3);
        entries.octets(0, false, 4);
        entries.l2Octets(0, true, 5);
        entries.tcpFlags(0, false, 0x02);
        entries.lastMs(0, true, 600);
        entries.nextGeneration(0);
        assertTrue(entries.hasPackets(0));

        entries.resetCounters(0);

        assertFalse(entries.hasPackets(0));
        assertEquals(0, entries.octets(0, false));
        assertEquals(0, entries.l2Octets(0, true));
        assertEquals(0, entries.tcpFlags(0, false));
        assertEquals(600, entries.lastSeenMs(0));
        assertEquals(500, entries.firstMs(0, false));
        assertEquals(FlowEntries.STATE_LIVE, entries.state(0));
        assertEquals(1, entries.generation(0));
    }

    @Test
    void recordStartIsTheEarlierFirstTimeOfTheDirectionsWithPackets()
    {
        entries.init(0, 1, 2, 500);
        entries.firstMs(0, false, 700);
        entries.firstMs(0, true, 600);
        entries.packets(0, false, 1);
        assertEquals(700, entries.recordStartMs(0), "the reverse direction has no packet");
        entries.packets(0, true, 1);
        assertEquals(600, entries.recordStartMs(0));
        entries.firstMs(0, false, Integer.MAX_VALUE);
        entries.firstMs(0, true, Integer.MIN_VALUE);
        assertEquals(Integer.MAX_VALUE, entries.recordStartMs(0), "earlier across the 32-bit wrap");
    }

    private void assertUntouched(final int slot)
    {
        for (long at = 0; at < FlowEntries.LENGTH; at += Long.BYTES)
        {
            assertEquals(0, segment.get(ValueLayout.JAVA_LONG, (long)slot * FlowEntries.LENGTH + at));
        }
    }

    private static boolean isOffset(final Field field)
    {
        final int modifiers = field.getModifiers();
        return Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers) && field.getType() == int.class &&
            !field.getName().equals("LENGTH") && !field.getName().startsWith("STATE_");
    }
}
