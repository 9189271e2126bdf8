package io.spillway.offload;

/** Why a hardware flow ended, as reported by {@link OffloadEventHandler#onFlowExpired}. */
public final class ExpiryCause
{
    /** No packet of the flow for its idle timeout (device time). */
    public static final int IDLE_TIMEOUT = 1;
    /** TCP auto-unlearn: the device saw FIN in both directions, or a RST. */
    public static final int TCP_END = 2;
    /** The host called {@link FlowOffload#unlearn}. */
    public static final int SOFTWARE_UNLEARN = 3;
    /** The host called {@link FlowOffload#drain} (shutdown): every live flow is flushed with its counters. */
    public static final int DRAIN = 4;

    private ExpiryCause()
    {
    }

    public static String name(final int cause)
    {
        return switch (cause)
        {
            case IDLE_TIMEOUT -> "IDLE_TIMEOUT";
            case TCP_END -> "TCP_END";
            case SOFTWARE_UNLEARN -> "SOFTWARE_UNLEARN";
            case DRAIN -> "DRAIN";
            default -> "UNKNOWN(" + cause + ")";
        };
    }
}
