package io.spillway.probe.offload;

/**
 * Messages on the two SPSC rings between a worker and the OffloadAgent. Native byte order, fixed layouts.
 * <p>
 * Worker to agent (the worker's deferral ring): {@link #LEARN} (flowId and the flow's key, forward direction first),
 * {@link #UNLEARN} (flowId), {@link #ENDING} (the worker's input ended: no LEARN follows; flowId 0).
 * <p>
 * Agent to worker (the worker's result ring): {@link #LEARN_DONE}, {@link #LEARN_FAILED} (with a
 * {@link io.spillway.offload.LearnResult} cause, whether the device refused the request at once or failed it
 * later) and {@link #FLOW_EXPIRED} (cause, hardware counters per direction, TCP flags, last seen).
 */
public final class OffloadMessages
{
    public static final int LEARN = 1;
    public static final int UNLEARN = 2;
    public static final int ENDING = 3;
    public static final int LEARN_DONE = 4;
    public static final int LEARN_FAILED = 5;
    public static final int FLOW_EXPIRED = 6;

    /** Every message starts with the flowId. */
    public static final int FLOW_ID = 0;            // long
    public static final int FLOW_ID_LENGTH = 8;

    // LEARN: the key as FlowCache.offloadKey gives it.
    public static final int SRC_HI = 8;             // long
    public static final int SRC_LO = 16;            // long
    public static final int DST_HI = 24;            // long
    public static final int DST_LO = 32;            // long
    public static final int PORTS = 40;             // int: srcPort << 16 | dstPort
    public static final int PROTOCOL = 44;          // byte
    public static final int IP_VERSION = 45;        // byte
    public static final int VLAN = 46;              // short
    public static final int LEARN_LENGTH = 48;

    // LEARN_FAILED and FLOW_EXPIRED.
    public static final int CAUSE = 8;              // int: LearnResult or ExpiryCause
    public static final int LEARN_FAILED_LENGTH = 12;

    // FLOW_EXPIRED.
    public static final int FWD_TCP_FLAGS = 12;     // byte
    public static final int REV_TCP_FLAGS = 13;     // byte
    public static final int FWD_PACKETS = 16;       // long
    public static final int FWD_BYTES = 24;         // long: frame bytes
    public static final int REV_PACKETS = 32;       // long
    public static final int REV_BYTES = 40;         // long
    public static final int LAST_SEEN_NS = 48;      // long: device time, 0 when the device matched no packet
    public static final int FLOW_EXPIRED_LENGTH = 56;

    private OffloadMessages()
    {
    }
}
