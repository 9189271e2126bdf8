package io.spillway.capture.afpacket;

import io.spillway.device.DeviceUnavailableException;

/**
 * Live capture on an interface cannot start: the interface is missing, the process lacks the privilege, the kernel
 * refused the ring, and so on. The message names the interface and says what to do, in words meant for the
 * operator; it is unchecked because nothing but the operator can fix it.
 */
public final class CaptureUnavailableException extends DeviceUnavailableException
{
    private final String interfaceName;
    private final String problem;

    public CaptureUnavailableException(final String interfaceName, final String problem)
    {
        super("cannot capture on '" + interfaceName + "': " + problem);
        this.interfaceName = interfaceName;
        this.problem = problem;
    }

    public String interfaceName()
    {
        return interfaceName;
    }

    /** The problem without the interface, e.g. "no interface 'eth9'". */
    public String problem()
    {
        return problem;
    }
}
