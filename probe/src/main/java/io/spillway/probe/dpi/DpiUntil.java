package io.spillway.probe.dpi;

import java.util.Locale;

/**
 * How long a flow is inspected once nDPI knows its application.
 * <p>
 * nDPI often knows the application before it has extracted everything it can: a TLS flow is known from its
 * ClientHello's SNI but nDPI then waits for the server's certificate; a DNS flow is known from its query and nDPI waits
 * for the answer. {@link #FINAL} waits as ndpiReader does (the reference the tests agree with). {@link #DETECTED}
 * stops at the first packet that names the application, which frees the DPI state and hands the flow to the offload
 * that much sooner; the application can then differ from ndpiReader's where a later packet would have refined it.
 */
public enum DpiUntil
{
    /** Until nDPI has nothing more to learn (ndpiReader's rule), or the packet budget is spent. */
    FINAL,
    /** Until the application is known, or the packet budget is spent. */
    DETECTED;

    /** The option's value in lower case, as {@code --dpi-until} takes it. */
    public String optionValue()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code final} or {@code detected}; anything else is a clear error. */
    public static DpiUntil parse(final String value)
    {
        for (final DpiUntil until : values())
        {
            if (until.optionValue().equals(value))
            {
                return until;
            }
        }
        throw new IllegalArgumentException("--dpi-until must be 'final' or 'detected', not '" + value + "'");
    }
}
