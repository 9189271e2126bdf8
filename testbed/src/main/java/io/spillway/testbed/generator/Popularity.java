package io.spillway.testbed.generator;

/**
 * How packets spread over the flows of the window. The window size stays the number of active flows either
 * way; popularity only decides which of them a packet belongs to.
 */
public sealed interface Popularity permits Popularity.Uniform, Popularity.Zipf
{
    /** Every flow of the window equally likely: the worst case for a flow cache. */
    Popularity UNIFORM = new Uniform();

    /**
     * Reads {@code uniform} or {@code zipf:S}, such as {@code zipf:1.0}.
     *
     * @throws IllegalArgumentException saying what is wrong.
     */
    static Popularity parse(final String text)
    {
        final String trimmed = text.strip();
        if (trimmed.equals("uniform"))
        {
            return UNIFORM;
        }
        if (trimmed.startsWith("zipf:"))
        {
            try
            {
                return new Zipf(Double.parseDouble(trimmed.substring("zipf:".length())));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("expected zipf:S with a number S, got '" + text + "'", ex);
            }
        }
        throw new IllegalArgumentException("expected uniform or zipf:S, got '" + text + "'");
    }

    /** The expected share of packets that go to the first {@code topSlots} of {@code activeFlows} slots. */
    double expectedTopShare(int topSlots, int activeFlows);

    /** Each packet picks a flow of the window uniformly at random. */
    record Uniform() implements Popularity
    {
        @Override
        public double expectedTopShare(final int topSlots, final int activeFlows)
        {
            return (double)topSlots / activeFlows;
        }

        @Override
        public String toString()
        {
            return "uniform";
        }
    }

    /**
     * Each packet picks the flow in window slot r - 1 with probability proportional to 1 / r^s, r = 1 .. A.
     * A flow keeps its slot for its whole life, so it keeps its rank: a few flows are elephants, most are mice,
     * as in real traffic, and a flow cache sees a hot set instead of a uniform spread.
     *
     * @param exponent s, in (0, 10]; beyond, nearly every packet would go to the first flow.
     */
    record Zipf(double exponent) implements Popularity
    {
        public Zipf
        {
            if (!(exponent > 0 && exponent <= 10))
            {
                throw new IllegalArgumentException("the Zipf exponent must be in (0, 10]: " + exponent);
            }
        }

        /** The generalised harmonic numbers H(k, s) / H(A, s), summed smallest terms first. */
        @Override
        public double expectedTopShare(final int topSlots, final int activeFlows)
        {
            double top = 0;
            for (int rank = topSlots; rank >= 1; rank--)
            {
                top += Math.pow(rank, -exponent);
            }
            double all = 0;
            for (int rank = activeFlows; rank > topSlots; rank--)
            {
                all += Math.pow(rank, -exponent);
            }
            return top / (all + top);
        }

        @Override
        public String toString()
        {
            return "zipf:" + exponent;
        }
    }
}
