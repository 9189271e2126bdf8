package io.spillway.testbed.generator;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link TrafficGenerator} run actually wrote, measured from the frames rather than echoed from the
 * {@link GeneratorSpec}.
 *
 * @param packets                frames written.
 * @param frameBytes             bytes of all frames.
 * @param enlargedFrames         frames longer than the size drawn for them, because their headers or their
 *                               realistic opening are.
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
 * @param udpFlows               distinct flows that are UDP (the others are TCP).
 * @param ipv6Flows              distinct flows that are IPv6.
 * @param framesPerSizeClass     frames drawn from each size class of the spec's frame mix, in its order.
 * @param topSlots               the first 1% of window slots (at least one): with Zipf popularity the top ranks.
 * @param topSlotPackets         packets that went to those slots.
 * @param openings               realistic payload: flows that got each opening; empty for random payload.
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
    long maxSamplingStep,
    long udpFlows,
    long ipv6Flows,
    List<Long> framesPerSizeClass,
    int topSlots,
    long topSlotPackets,
    Map<Opening, Long> openings)
{
    public GenerationReport
    {
        framesPerSizeClass = List.copyOf(framesPerSizeClass);
        openings = openings.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(openings));
    }

    /** New flows seen per second of capture time; NaN for a capture of a single instant. */
    public double newFlowsPerSecond()
    {
        return durationNanos > 0 ? newFlowsSeen * 1e9 / durationNanos : Double.NaN;
    }

    /** Packets per second of capture time, from the gaps between them; NaN for a single packet. */
    public double packetsPerSecond()
    {
        return durationNanos > 0 ? (packets - 1) * 1e9 / durationNanos : Double.NaN;
    }

    public double udpShare()
    {
        return distinctFlows > 0 ? (double)udpFlows / distinctFlows : Double.NaN;
    }

    public double ipv6Share()
    {
        return distinctFlows > 0 ? (double)ipv6Flows / distinctFlows : Double.NaN;
    }

    /** Share of the frames drawn from size class {@code sizeClass}. */
    public double frameShare(final int sizeClass)
    {
        return (double)framesPerSizeClass.get(sizeClass) / packets;
    }

    /** Share of the packets that went to the {@link #topSlots}. */
    public double topSlotShare()
    {
        return (double)topSlotPackets / packets;
    }
}
