package io.spillway.testbed.ab;

/**
 * Table I of the paper (shared/papers/smartnic-flow-offload-cento.txt, section V-A): nProbe Cento, passive, 89 Mpps of
 * 60-byte packets on 16 cores, host CPU load (average per core) and packet loss, in %. Taken from the paper's text,
 * not from cento-offload-results.md, whose 100K offload CPU figures (17% with DPI, 23% without) are the paper's
 * swapped: the paper has 23% with DPI and 17% without.
 */
final class PaperTableOne
{
    static final int[] FLOWS = {10_000, 100_000, 1_000_000, 10_000_000, 20_000_000};

    /** Indexed [offload ? 1 : 0][dpi ? 1 : 0][flows]. */
    static final int[][][] CPU = {
        {{31, 36, 87, 100, 100}, {35, 58, 100, 100, 100}},
        {{1, 17, 46, 98, 100}, {1, 23, 82, 95, 100}}};
    static final int[][][] LOSS = {
        {{0, 0, 0, 40, 63}, {0, 0, 24, 72, 93}},
        {{0, 0, 0, 11, 37}, {0, 0, 0, 46, 82}}};

    private PaperTableOne()
    {
    }

    static int cpu(final boolean offload, final boolean dpi, final int flowIndex)
    {
        return CPU[offload ? 1 : 0][dpi ? 1 : 0][flowIndex];
    }

    static int loss(final boolean offload, final boolean dpi, final int flowIndex)
    {
        return LOSS[offload ? 1 : 0][dpi ? 1 : 0][flowIndex];
    }
}
