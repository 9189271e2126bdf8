package io.spillway.capture.afpacket;

/**
 * Opens a capture socket on the interface its argument names and says how that went: for tests that run it in a
 * child JVM with fewer privileges. Exit status 0 when it opened, 3 with the operator's message on standard error
 * when capture is unavailable.
 */
public final class OpenSocketMain
{
    public static final int UNAVAILABLE = 3;

    private OpenSocketMain()
    {
    }

    public static void main(final String[] args)
    {
        try (AfPacketSocket socket = AfPacketSocket.open(AfPacketConfig.of(args[0])))
        {
            System.out.println("opened " + socket);
        }
        catch (final CaptureUnavailableException ex)
        {
            System.err.println(ex.getMessage());
            System.exit(UNAVAILABLE);
        }
    }
}
