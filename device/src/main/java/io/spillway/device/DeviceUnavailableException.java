package io.spillway.device;

/**
 * A device could not be opened or went away for a reason of the machine, not of the command: a missing interface,
 * a missing permission or library. The message names the device and says what would help.
 */
public class DeviceUnavailableException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public DeviceUnavailableException(final String message)
    {
        super(message);
    }

    public DeviceUnavailableException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
