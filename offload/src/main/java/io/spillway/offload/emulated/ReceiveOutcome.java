package io.spillway.offload.emulated;

/** What the emulated device did with a packet, as {@link EmulatedSmartNic#receive} returns it. */
public final class ReceiveOutcome
{
    /** Written to its queue's host ring (with the flowId when it belongs to a TO_HOST flow in effect). */
    public static final int TO_HOST = 0;
    /** For the host, but its host ring was full: dropped at the NIC and counted (HOST_RING_DROPS). */
    public static final int HOST_RING_FULL = 1;
    /** Counted in hardware and dropped (COUNT_AND_DROP). */
    public static final int COUNTED = 2;
    /** Counted in hardware and dropped by policy (DROP). */
    public static final int DROPPED = 3;
    /** Counted in hardware and transmitted on a port (FORWARD). */
    public static final int FORWARDED = 4;

    private ReceiveOutcome()
    {
    }

    /** True when the device consumed the packet: it is in the flow's hardware counters, not on the host. */
    public static boolean isConsumed(final int outcome)
    {
        return outcome >= COUNTED;
    }

    public static String name(final int outcome)
    {
        return switch (outcome)
        {
            case TO_HOST -> "TO_HOST";
            case HOST_RING_FULL -> "HOST_RING_FULL";
            case COUNTED -> "COUNTED";
            case DROPPED -> "DROPPED";
            case FORWARDED -> "FORWARDED";
            default -> "UNKNOWN(" + outcome + ")";
        };
    }
}
