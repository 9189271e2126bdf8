package io.spillway.dpi;

/**
 * The nDPI binding cannot be used: the glue library or nDPI itself is missing, too old or built
 * for another nDPI. The message says what is missing and how to install it; the probe prints it
 * and can run with {@code --no-dpi}.
 */
public final class DpiUnavailableException extends Exception
{
    private static final long serialVersionUID = 1L;

    public DpiUnavailableException(final String message)
    {
        super(message);
    }

    public DpiUnavailableException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
