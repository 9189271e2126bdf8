package io.spillway.dpi;

import java.nio.file.Path;

/** Loads the glue from the path given, in a JVM of its own, and reports the outcome on stdout. */
public final class DpiLoadMain
{
    static final int UNAVAILABLE = 3;

    private DpiLoadMain()
    {
    }

    public static void main(final String[] args)
    {
        try
        {
            final Dpi dpi = Dpi.load(Path.of(args[0]));
            System.out.println("loaded nDPI " + dpi.version() + ", flow " + dpi.ndpiFlowSize() + " bytes");
        }
        catch (final DpiUnavailableException ex)
        {
            System.out.println("unavailable: " + ex.getMessage());
            System.exit(UNAVAILABLE);
        }
    }
}
