package io.spillway.offload.emulated;

/** The emulated device's counters, read through {@link NicCounters}. Packets and bytes are frames as received. */
public enum NicCounter
{
    /** Packets offered to the receive path (every one is looked up in the hardware table). */
    LOOKUPS,
    /** Packets that matched an entry in effect. */
    HITS,
    /** Packets that matched nothing (new, unknown, not yet effective, or given back flows). */
    MISSES,
    /** Packets and bytes counted and dropped for COUNT_AND_DROP flows. */
    HW_COUNTED_PACKETS,
    HW_COUNTED_BYTES,
    /** Packets and bytes dropped by policy for DROP flows. */
    HW_DROPPED_PACKETS,
    HW_DROPPED_BYTES,
    /** Packets and bytes the device transmitted for FORWARD flows (per port: {@link NicCounters#forwardedPackets}). */
    HW_FORWARDED_PACKETS,
    HW_FORWARDED_BYTES,
    /** Packets written to a host ring, and among them those tagged with a flowId (TO_HOST flows). */
    HOST_PACKETS,
    HOST_TAGGED_PACKETS,
    /** Packets for the host dropped at the NIC because their host ring was full: the loss the host sees. */
    HOST_RING_DROPS,
    HOST_RING_DROP_BYTES,
    /** Learns taken by the device: each gets LEARN_DONE or one of the LEARNS_FAILED_* events. */
    LEARNS_ACCEPTED,
    LEARNS_DONE,
    LEARNS_FAILED_TABLE_FULL,
    LEARNS_FAILED_KEY_EXISTS,
    LEARNS_FAILED_DEVICE_ERROR,
    /** Learns refused at once (no event): over the learning rate, malformed, or device drained or closed. */
    LEARNS_REFUSED_RATE,
    LEARNS_REFUSED_INVALID,
    LEARNS_REFUSED_CLOSED,
    /** Unlearns of live flows. */
    UNLEARNS,
    /** FLOW_EXPIRED events by cause. */
    EXPIRED_IDLE,
    EXPIRED_TCP_END,
    EXPIRED_UNLEARN,
    EXPIRED_DRAIN,
    /** Entries in the hardware table now (a gauge), including flows being unlearned. */
    TABLE_FLOWS,
    /** The most entries the hardware table held at once so far (a high-water mark of TABLE_FLOWS). */
    TABLE_FLOWS_PEAK,
    /** Cuckoo cell moves made to fit new flows. */
    TABLE_RELOCATIONS,
    /** Injected faults. */
    EVENTS_DELAYED,
    EVENTS_REORDERED,
    EVENTS_DUPLICATED
}
