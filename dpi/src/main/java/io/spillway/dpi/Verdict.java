package io.spillway.dpi;

/**
 * What a {@link Classifier} says after a packet: whether the flow is worth inspecting further.
 * <p>
 * {@link #CLASSIFIED} and {@link #GAVE_UP} are final: feed no more packets, copy the result, then
 * {@link Classifier#endFlow end the flow}'s DPI state. {@link #DETECTED} means the application is known
 * but nDPI could still extract more metadata (a TLS certificate, an HTTP response): ndpiReader keeps
 * feeding such flows, a probe in a hurry to offload may stop there.
 */
public final class Verdict
{
    /** Nothing known yet: feed the next packet (or {@link Classifier#giveUp give up}). */
    public static final int INSPECTING = 0;
    /** Application known, more dissection possible: the result is usable, the flow not finished. */
    public static final int DETECTED = 1;
    /** Application known by dissection and nothing more to learn. */
    public static final int CLASSIFIED = 2;
    /** No detection: the result is nDPI's guess (by port or address), or unknown. */
    public static final int GAVE_UP = 3;

    private Verdict()
    {
    }

    /** True when no further packet of the flow is useful to the classifier. */
    public static boolean isFinal(final int verdict)
    {
        return verdict == CLASSIFIED || verdict == GAVE_UP;
    }

    public static String name(final int verdict)
    {
        return switch (verdict)
        {
            case INSPECTING -> "INSPECTING";
            case DETECTED -> "DETECTED";
            case CLASSIFIED -> "CLASSIFIED";
            case GAVE_UP -> "GAVE_UP";
            default -> "UNKNOWN(" + verdict + ")";
        };
    }
}
