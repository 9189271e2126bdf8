package io.spillway.exporter;

/**
 * Why a flow record was exported: the values of IANA IPFIX Information Element 136,
 * flowEndReason (RFC 5102 section 5.11.3).
 */
public final class FlowEndReason
{
    /** The flow saw no packet for the idle timeout. */
    public static final int IDLE_TIMEOUT = 0x01;
    /** The flow lasted longer than the active timeout; counting continues in a new record. */
    public static final int ACTIVE_TIMEOUT = 0x02;
    /** The end of the flow was seen: TCP FIN in both directions, or RST, or a device event. */
    public static final int END_OF_FLOW = 0x03;
    /** Forced end: end of input or probe shutdown. */
    public static final int FORCED_END = 0x04;
    /** The flow cache was full and this flow was the least recently active. */
    public static final int LACK_OF_RESOURCES = 0x05;

    private FlowEndReason()
    {
    }

    /** A short name for summaries and JSON, e.g. "idle", "active". */
    public static String name(final int reason)
    {
        return switch (reason)
        {
            case IDLE_TIMEOUT -> "idle";
            case ACTIVE_TIMEOUT -> "active";
            case END_OF_FLOW -> "end";
            case FORCED_END -> "forced";
            case LACK_OF_RESOURCES -> "resources";
            default -> "unknown";
        };
    }
}
