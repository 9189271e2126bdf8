package io.spillway.testbed.generator;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZipfSlotsTest
{
    @Test
    void aliasTableHoldsExactlyTheZipfProbabilities()
    {
        for (final double exponent : new double[]{0.5, 1.0, 1.3})
        {
            final int ranks = 2_000;
            final ZipfSlots slots = new ZipfSlots(ranks, exponent);
            final double harmonic = harmonic(ranks, exponent);
            double total = 0;
            for (int rank = 1; rank <= ranks; rank++)
            {
                final double expected = Math.pow(rank, -exponent) / harmonic;
                assertEquals(expected, slots.probability(rank), expected * 1e-6 + 1e-9, "rank " + rank);
                total += slots.probability(rank);
            }
            assertEquals(1.0, total, 1e-6);
        }
    }

    @Test
    void drawsFollowTheZipfLawOverTheTopRanks()
    {
        final int ranks = 10_000;
        final double exponent = 1.0;
        final ZipfSlots slots = new ZipfSlots(ranks, exponent);
        final SplittableRandom random = new SplittableRandom(21);
        final long[] counts = new long[ranks];
        final int draws = 2_000_000;
        for (int i = 0; i < draws; i++)
        {
            counts[slots.next(random)]++;
        }
        final double harmonic = harmonic(ranks, exponent);
        for (int rank = 1; rank <= 20; rank++)
        {
            final double expected = draws * Math.pow(rank, -exponent) / harmonic;
            assertEquals(expected, counts[rank - 1], expected * 0.05, "rank " + rank);
        }
    }

    @Test
    void oneFlowTakesEveryPacket()
    {
        final ZipfSlots slots = new ZipfSlots(1, 1.0);
        final SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 100; i++)
        {
            assertEquals(0, slots.next(random));
        }
    }

    @Test
    void popularityParsesAndRejectsBadExponents()
    {
        assertEquals(Popularity.UNIFORM, Popularity.parse("uniform"));
        assertEquals(new Popularity.Zipf(1.2), Popularity.parse("zipf:1.2"));
        assertEquals("zipf:1.2", Popularity.parse("zipf:1.2").toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Popularity.parse("zipf:0")).getMessage()
            .contains("(0, 10]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Popularity.parse("zipf:x")).getMessage()
            .contains("zipf:S"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Popularity.parse("pareto")).getMessage()
            .contains("uniform or zipf:S"));
        assertEquals(0.01, Popularity.UNIFORM.expectedTopShare(10, 1_000), 1e-12);
        assertEquals(harmonic(10, 1) / harmonic(1_000, 1), new Popularity.Zipf(1).expectedTopShare(10, 1_000), 1e-12);
    }

    static double harmonic(final int ranks, final double exponent)
    {
        double sum = 0;
        for (int rank = ranks; rank >= 1; rank--)
        {
            sum += Math.pow(rank, -exponent);
        }
        return sum;
    }
}
