package io.spillway.offload;

/**
 * What the device does with the packets of an offloaded flow. Packets the device consumes (every action but
 * {@link #TO_HOST}) are counted per direction in the flow's hardware counters and never reach the host.
 */
public enum OffloadAction
{
    /** Passive probe: count the packet in hardware and drop it (the host only needed a copy). */
    COUNT_AND_DROP,

    /** Bridge, blocked flow: count the packet in hardware and drop it (a policy drop, counted apart). */
    DROP,

    /**
     * Bridge, allowed flow: count the packet in hardware and transmit it, forward-direction packets on the
     * request's forward port and reverse-direction packets on its reverse port.
     */
    FORWARD,

    /**
     * Deliver the packet to the host tagged with the flowId, so the host skips its flow lookup. The device
     * counts nothing for these packets (the host does) but tracks last-seen time and TCP end for expiry.
     */
    TO_HOST
}
