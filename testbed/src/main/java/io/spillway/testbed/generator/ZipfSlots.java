package io.spillway.testbed.generator;

import java.util.SplittableRandom;

/**
 * Draws window slots by Zipf rank: slot r - 1 with probability proportional to 1 / r^s. Walker's alias method
 * (Vose's construction): one random long and one table read per packet, whatever the number of flows.
 * <p>
 * The table holds one long per slot, the acceptance threshold (32 bits) above the alias slot (32 bits), so
 * 10M flows cost 80 MB, built up front in O(A); the build needs 12 more bytes per slot while it runs.
 */
final class ZipfSlots
{
    private static final double TWO_TO_32 = 0x1.0p32;
    private static final long LOW_32 = 0xFFFF_FFFFL;

    private final long ranks;
    private final long[] table;

    ZipfSlots(final int ranks, final double exponent)
    {
        this.ranks = ranks;
        table = new long[ranks];
        final double[] scaled = new double[ranks];
        double total = 0;
        // Smallest terms first, so the sum of millions of them loses nothing to rounding.
        for (int rank = ranks; rank >= 1; rank--)
        {
            scaled[rank - 1] = Math.pow(rank, -exponent);
            total += scaled[rank - 1];
        }

        // Scaled so that the average column holds exactly 1; the small ones are topped up from the large ones.
        // One array serves both work lists: small slots grow from the front, large ones from the back.
        final int[] work = new int[ranks];
        int smallCount = 0;
        int largeStart = ranks;
        for (int slot = 0; slot < ranks; slot++)
        {
            scaled[slot] *= ranks / total;
            if (scaled[slot] < 1)
            {
                work[smallCount++] = slot;
            }
            else
            {
                work[--largeStart] = slot;
            }
        }
        while (smallCount > 0 && largeStart < ranks)
        {
            final int small = work[--smallCount];
            final int large = work[largeStart];
            table[small] = threshold(scaled[small]) << 32 | large;
            scaled[large] = scaled[large] + scaled[small] - 1;
            if (scaled[large] < 1)
            {
                largeStart++;
                work[smallCount++] = large;
            }
        }
        // What is left holds 1 up to rounding: its own alias, so both outcomes of the draw pick it.
        for (int i = 0; i < smallCount; i++)
        {
            table[work[i]] = LOW_32 << 32 | work[i];
        }
        for (int i = largeStart; i < ranks; i++)
        {
            table[work[i]] = LOW_32 << 32 | work[i];
        }
    }

    /** The next slot: the high half of one random long picks a column, the low half accepts it or its alias. */
    int next(final SplittableRandom random)
    {
        final long bits = random.nextLong();
        final int column = (int)(((bits >>> 32) * ranks) >>> 32);
        final long entry = table[column];

        return (bits & LOW_32) < (entry >>> 32) ? column : (int)entry;
    }

    /** Probability that a draw picks slot {@code rank - 1}, from the table, for the tests. */
    double probability(final int rank)
    {
        final int slot = rank - 1;
        double columns = (table[slot] >>> 32) / TWO_TO_32;
        for (int column = 0; column < ranks; column++)
        {
            if (column != slot && (int)table[column] == slot)
            {
                columns += 1 - (table[column] >>> 32) / TWO_TO_32;
            }
        }
        return columns / ranks;
    }

    private static long threshold(final double probability)
    {
        return Math.min(LOW_32, (long)(probability * TWO_TO_32));
    }
}
