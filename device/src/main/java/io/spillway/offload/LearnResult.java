package io.spillway.offload;

/**
 * Outcome codes of a learn: {@link #ACCEPTED} as the return value of {@link FlowOffload#learn}, and the failure
 * causes, either returned at once (the request is refused, no event follows) or reported later by
 * {@link OffloadEventHandler#onLearnFailed}. Whichever way a learn fails, the flow stays with the host.
 */
public final class LearnResult
{
    /** Returned by {@code learn}: the device took the request; exactly one LEARN_DONE or LEARN_FAILED follows. */
    public static final int ACCEPTED = 0;
    /** The device learns no more flows now (learning-rate limit); a later request for another flow may succeed. */
    public static final int RATE_EXCEEDED = 1;
    /** No room in the hardware flow table (capacity reached, or no relocation path in the cuckoo table). */
    public static final int TABLE_FULL = 2;
    /** A live hardware entry already has this key (the same flow learned twice, or an old flow not yet gone). */
    public static final int KEY_EXISTS = 3;
    /** The request is malformed: flowId 0 or already live, invalid key, unsupported action or port, timeout. */
    public static final int INVALID = 4;
    /** The device failed or is closed or drained. */
    public static final int DEVICE_ERROR = 5;

    private LearnResult()
    {
    }

    public static String name(final int result)
    {
        return switch (result)
        {
            case ACCEPTED -> "ACCEPTED";
            case RATE_EXCEEDED -> "RATE_EXCEEDED";
            case TABLE_FULL -> "TABLE_FULL";
            case KEY_EXISTS -> "KEY_EXISTS";
            case INVALID -> "INVALID";
            case DEVICE_ERROR -> "DEVICE_ERROR";
            default -> "UNKNOWN(" + result + ")";
        };
    }
}
