package io.spillway.offload.emulated;

/**
 * The emulated SmartNIC's own counters at one instant (the end of a run, for the testbed and tests).
 *
 * @param hostPackets       packets the NIC delivered to the workers' host rings
 * @param taggedPackets     of those, packets delivered with their flow's flowId (TO_HOST flows)
 * @param hostRingDrops     packets lost at the NIC because a host ring was full
 * @param hwPackets         packets the NIC counted in hardware and did not deliver (consumed)
 * @param hwBytes           their frame bytes
 * @param learnsRefusedRate learns refused over the learning rate
 * @param tableFull         learns that failed for lack of room in the hardware table
 * @param eventsDuplicated  events the NIC's fault injection delivered twice
 * @param eventsReordered   events the NIC's fault injection swapped with the one before
 * @param learnsDone        learns the device installed in its table
 * @param tableFlowsPeak    the most flows the hardware table held at once
 */
public record NicStats(
    long hostPackets,
    long taggedPackets,
    long hostRingDrops,
    long hwPackets,
    long hwBytes,
    long learnsRefusedRate,
    long tableFull,
    long eventsDuplicated,
    long eventsReordered,
    long learnsDone,
    long tableFlowsPeak)
{
    public static NicStats of(final NicCounters counters)
    {
        return new NicStats(counters.get(NicCounter.HOST_PACKETS), counters.get(NicCounter.HOST_TAGGED_PACKETS),
            counters.get(NicCounter.HOST_RING_DROPS),
            counters.get(NicCounter.HW_COUNTED_PACKETS) + counters.get(NicCounter.HW_DROPPED_PACKETS) +
            counters.get(NicCounter.HW_FORWARDED_PACKETS),
            counters.get(NicCounter.HW_COUNTED_BYTES) + counters.get(NicCounter.HW_DROPPED_BYTES) +
            counters.get(NicCounter.HW_FORWARDED_BYTES),
            counters.get(NicCounter.LEARNS_REFUSED_RATE), counters.get(NicCounter.LEARNS_FAILED_TABLE_FULL),
            counters.get(NicCounter.EVENTS_DUPLICATED), counters.get(NicCounter.EVENTS_REORDERED),
            counters.get(NicCounter.LEARNS_DONE), counters.get(NicCounter.TABLE_FLOWS_PEAK));
    }
}
