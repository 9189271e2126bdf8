package io.spillway.testbed.generator;

/**
 * Measures how many flows were concurrent in what was written. A flow counts as concurrent at every packet
 * from its first to its last written packet, both included; the concurrency at packet i is the number of
 * such flows. The average over all packets is exact. The maximum is taken over sample packets; every packet
 * is a sample unless a flow lives longer than {@link #SAMPLES_PER_HORIZON} packets, then every k-th packet is,
 * which bounds memory.
 * <p>
 * The maximum is computed with a difference array over samples kept in a ring: +1 at the first sample a flow
 * covers, -1 after the last. A flow's last packet is only known when the flow ends, which is at most one
 * horizon (a flow's lifetime in packets, plus a margin) later, so a sample is summed once it is a horizon old.
 */
final class ConcurrencyMeter
{
    static final long SAMPLES_PER_HORIZON = 1 << 16;

    private final long horizon;
    private final long samplingStep;
    private final int[] coverageChanges;
    private long nextSample;
    private int nextSampleIndex;
    private long coverage;
    private long maxCoverage;
    private long distinctFlows;
    private long concurrencySum;

    /**
     * @param horizon packets within which a flow's end is reported after its last packet.
     * @param packets packets in the capture.
     */
    ConcurrencyMeter(final long horizon, final long packets)
    {
        this.horizon = Math.min(horizon, packets);
        samplingStep = Math.max(1, ceilDiv(this.horizon, SAMPLES_PER_HORIZON));
        coverageChanges = new int[(int)ceilDiv(this.horizon, samplingStep) + 8];
    }

    void onFirstPacket(final long packetIndex)
    {
        distinctFlows++;
        // Wrapping arithmetic: the final sum of (last - first + 1) fits even when the partial sums do not.
        concurrencySum -= packetIndex;
        coverageChanges[ringIndex(ceilDiv(packetIndex, samplingStep))]++;
    }

    void onFlowEnd(final long lastPacketIndex)
    {
        concurrencySum += lastPacketIndex + 1;
        coverageChanges[ringIndex(lastPacketIndex / samplingStep + 1)]--;
    }

    /** Sums the samples no flow end can change any more, given that packet {@code packetIndex} is current. */
    void advanceTo(final long packetIndex)
    {
        while (nextSample * samplingStep + horizon < packetIndex)
        {
            sumNextSample();
        }
    }

    /** Sums the remaining samples, once every flow has ended. */
    void finish(final long packets)
    {
        while (nextSample * samplingStep < packets)
        {
            sumNextSample();
        }
    }

    long distinctFlows()
    {
        return distinctFlows;
    }

    double averageConcurrentFlows(final long packets)
    {
        return (double)concurrencySum / packets;
    }

    long maxConcurrentFlows()
    {
        return maxCoverage;
    }

    /** Every sample is a packet unless this is above 1. */
    long samplingStep()
    {
        return samplingStep;
    }

    private void sumNextSample()
    {
        coverage += coverageChanges[nextSampleIndex];
        coverageChanges[nextSampleIndex] = 0;
        maxCoverage = Math.max(maxCoverage, coverage);
        nextSample++;
        nextSampleIndex = nextSampleIndex + 1 == coverageChanges.length ? 0 : nextSampleIndex + 1;
    }

    private int ringIndex(final long sample)
    {
        return (int)(sample % coverageChanges.length);
    }

    private static long ceilDiv(final long dividend, final long divisor)
    {
        return (dividend + divisor - 1) / divisor;
    }
}
