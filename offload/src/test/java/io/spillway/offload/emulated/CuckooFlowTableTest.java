package io.spillway.offload.emulated;

import io.spillway.offload.OffloadFlowKey;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CuckooFlowTableTest
{
    private final OffloadFlowKey key = new OffloadFlowKey();

    @Test
    void fillsBeyond95PercentAndFindsEveryKeyInBothDirections()
    {
        final int capacity = 200_000;
        try (Arena arena = Arena.ofConfined())
        {
            final CuckooFlowTable table = new CuckooFlowTable(capacity, arena);
            final int[] slotOf = new int[capacity];
            int inserted = 0;
            while (inserted < capacity)
            {
                final int slot = insertLive(table, inserted);
                if (slot < 0)
                {
                    break;
                }
                slotOf[inserted++] = slot;
            }

            // 2 x 4-way cuckoo tables fill to about 98% before a bounded search fails.
            assertTrue(inserted >= capacity * 0.95, "first failure at fill " + (double)inserted / capacity);
            assertTrue(table.relocations() > 0, "relocation was needed to get there");
            assertTrue(table.longestRelocation() <= CuckooFlowTable.MAX_MOVES);
            assertEquals(inserted, table.size());
            final OffloadFlowKey reverse = new OffloadFlowKey();
            for (int i = 0; i < inserted; i++)
            {
                TestFlows.key(key, i);
                final int found = table.lookup(key, KeyHash.of(key), 0);
                assertEquals(slotOf[i] << 1 | CuckooFlowTable.FORWARD, found, "flow " + i);
                reverse.reverseOf(key);
                assertEquals(slotOf[i] << 1 | CuckooFlowTable.REVERSE, table.lookup(reverse, KeyHash.of(reverse), 0));
            }
            for (int i = capacity; i < capacity + 10_000; i++)
            {
                TestFlows.key(key, i);
                assertEquals(-1, table.lookup(key, KeyHash.of(key), 0), "never inserted " + i);
            }
        }
    }

    @Test
    void failsOnlyWhenEverySlotIsTaken()
    {
        try (Arena arena = Arena.ofConfined())
        {
            // 8 slots, 2 buckets: every key may use both buckets, so all 8 fit and the 9th cannot.
            final CuckooFlowTable table = new CuckooFlowTable(8, arena);
            for (int i = 0; i < 8; i++)
            {
                assertTrue(insertLive(table, i) >= 0, "flow " + i);
            }
            assertEquals(-1, insertLive(table, 8));
            TestFlows.key(key, 3);
            final int slot = table.lookup(key, KeyHash.of(key), 0) >> 1;
            table.remove(slot);
            assertEquals(-1, table.lookup(key, KeyHash.of(key), 0));
            assertEquals(slot, insertLive(table, 8), "the freed slot is reused");
        }
    }

    @Test
    void randomOperationsAgreeWithAHashMap()
    {
        final int capacity = 4096;
        final SplittableRandom random = new SplittableRandom(42);
        try (Arena arena = Arena.ofConfined())
        {
            final CuckooFlowTable table = new CuckooFlowTable(capacity, arena);
            final Map<Integer, Integer> model = new HashMap<>();
            final List<Integer> present = new ArrayList<>();
            int failures = 0;
            for (int op = 0; op < 200_000; op++)
            {
                // Phases of 20,000 operations alternately grow and shrink the table, so the walk crosses every fill.
                final boolean growing = op / 20_000 % 2 == 0;
                final int choice = random.nextInt(10);
                if (choice < (growing ? 7 : 2))
                {
                    final int flow = random.nextInt(20_000);
                    if (!model.containsKey(flow))
                    {
                        final int slot = insertLive(table, flow);
                        if (slot < 0)
                        {
                            failures++;
                            assertTrue(model.size() >= capacity * 0.95, "insert failed at " + model.size());
                        }
                        else
                        {
                            model.put(flow, slot);
                            present.add(flow);
                        }
                    }
                }
                else if (choice < 8 && !present.isEmpty())
                {
                    final int flow = present.remove(random.nextInt(present.size()));
                    table.remove(model.remove(flow));
                }
                else
                {
                    final int flow = random.nextInt(20_000);
                    TestFlows.key(key, flow);
                    final int found = table.lookup(key, KeyHash.of(key), 0);
                    assertEquals(model.containsKey(flow) ? model.get(flow) << 1 : -1, found, "flow " + flow);
                }
                assertEquals(model.size(), table.size());
            }
            for (final Map.Entry<Integer, Integer> entry : model.entrySet())
            {
                TestFlows.key(key, entry.getKey());
                assertEquals(entry.getValue() << 1, table.lookup(key, KeyHash.of(key), 0));
            }
            assertTrue(table.longestRelocation() <= CuckooFlowTable.MAX_MOVES);
            assertTrue(failures > 0, "the walk reached a full table");
        }
    }

    @Test
    void entriesMatchOnlyWithinTheirWindow()
    {
        try (Arena arena = Arena.ofConfined())
        {
            final CuckooFlowTable table = new CuckooFlowTable(64, arena);
            TestFlows.key(key, 1);
            final long hash = KeyHash.of(key);
            final int old = table.insert(key, hash);
            table.flags(old, CuckooFlowTable.IN_USE);
            table.effectiveAt(old, 100);
            table.removeAt(old, 200);
            final int young = table.insert(key, hash);
            table.flags(young, CuckooFlowTable.IN_USE);
            table.effectiveAt(young, 200);
            table.removeAt(young, CuckooFlowTable.NEVER);

            assertEquals(-1, table.lookup(key, hash, 99));
            assertEquals(old << 1, table.lookup(key, hash, 100));
            assertEquals(old << 1, table.lookup(key, hash, 199));
            assertEquals(young << 1, table.lookup(key, hash, 200));
            assertEquals(young, table.findLive(key, hash), "the entry being removed is not live");
            table.remove(young);
            assertEquals(-1, table.findLive(key, hash));
            assertEquals(-1, table.lookup(key, hash, 300));
        }
    }

    /** Inserts flow {@code index} as an entry in effect from time 0 on; returns its slot or -1. */
    private int insertLive(final CuckooFlowTable table, final int index)
    {
        TestFlows.key(key, index);
        final int slot = table.insert(key, KeyHash.of(key));
        if (slot >= 0)
        {
            table.flags(slot, CuckooFlowTable.IN_USE);
            table.removeAt(slot, CuckooFlowTable.NEVER);
        }
        return slot;
    }
}
