package io.spillway.probe.flow;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heavy insert/remove churn against a map: every present entry stays reachable from its home. */
class FlowIndexTest
{
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 8, 100, 4096})
    void churnKeepsEveryEntryReachable(final int capacity)
    {
        final SplittableRandom random = new SplittableRandom(capacity);
        final Map<Integer, Integer> present = new HashMap<>(); // slot -> hash
        try (Arena arena = Arena.ofConfined())
        {
            final FlowIndex index = new FlowIndex(capacity, arena);
            for (int step = 0; step < 200_000; step++)
            {
                final int slot = random.nextInt(capacity);
                if (present.containsKey(slot))
                {
                    index.remove(present.remove(slot), slot);
                }
                else
                {
                    // Few distinct hashes force long shared runs and wrap-around.
                    final int hash = random.nextInt(4) == 0 ? random.nextInt(3) : random.nextInt();
                    index.put(hash, slot);
                    present.put(slot, hash);
                }
                if (step % 997 == 0)
                {
                    verify(index, present);
                }
            }
            verify(index, present);
        }
    }

    private static void verify(final FlowIndex index, final Map<Integer, Integer> present)
    {
        int occupied = 0;
        for (int position = 0; position < index.size(); position++)
        {
            if (index.entry(position) != 0)
            {
                occupied++;
            }
        }
        assertEquals(present.size(), occupied);
        for (final Map.Entry<Integer, Integer> e : present.entrySet())
        {
            assertTrue(reachable(index, e.getValue(), e.getKey()), "slot " + e.getKey() + " unreachable");
        }
        assertFalse(reachable(index, 12345, Integer.MAX_VALUE - 1));
    }

    private static boolean reachable(final FlowIndex index, final int hash, final int slot)
    {
        int position = index.home(hash);
        for (int i = 0; i < index.size(); i++)
        {
            final long entry = index.entry(position);
            if (entry == 0)
            {
                return false;
            }
            if (FlowIndex.hashOf(entry) == hash && FlowIndex.slotOf(entry) == slot)
            {
                return true;
            }
            position = index.next(position);
        }
        return false;
    }
}
