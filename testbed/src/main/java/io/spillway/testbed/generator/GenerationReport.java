package io.spillway.testbed.generator;

/**
 * What a {@link TrafficGenerator} run actually wrote, measured from the frames rather than echoed from the
 * {@link GeneratorSpec}.
 *
 * @param packets                frames written.
 * @param frameBytes             bytes of all frames.
 * @param enlargedFrames         frames longer than the requested size because their headers are.
 * @param durationNanos          from the first to the last timestamp.
 * @param scheduledFlows         flows the window held at some time of the capture: the active flows plus the
 *                               new flows started by the last timestamp.
 * @param distinctFlows          flows (5-tuples) with at least one packet.
 * @param newFlowsSeen           flows started during the capture (not in the window at time 0) with at least
 *                               one packet.
 * @param averageConcurrentFlows the mean over all packets of the flows whose first packet is at or before it
 *                               and whose last packet is at or after it.
 * @param maxConcurrentFlows     the maximum of the same count, over every packet, or every
 *                               {@code maxSamplingStep}-th one when flows span very many packets.
 * @param maxSamplingStep        1 when the maximum is exact.
 */
public record GenerationReport(
    long packets,
    long frameBytes,
    long enlargedFrames,
    long durationNanos,
    long scheduledFlows,
    long distinctFlows,
    long newFlowsSeen,
    double averageConcurrentFlows,
    long maxConcurrentFlows,
    long maxSamplingStep)
{
    /** New flows seen per second of capture time; NaN for a capture of a single instant. */
    public double newFlowsPerSecond()
    {
        return durationNanos > 0 ? newFlowsSeen * 1e9 / durationNanos : Double.NaN;
    }
}
