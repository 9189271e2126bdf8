package io.spillway.testbed.ab;

import java.util.Locale;

/**
 * One cell of the A/B matrix: a traffic mix (active flows, new flows per second) and the probe's configuration
 * (offload on or off, DPI on or off). The mode is passive: the probe counts and the NIC drops offloaded packets;
 * inline (a bridge forwarding in hardware) needs the bridge, which does not exist yet.
 */
public record AbCell(int activeFlows, double newFlowsPerSecond, boolean offload, boolean dpi)
{
    public static final String MODE = "passive";

    /** "100K flows, offload on, DPI off" */
    public String name()
    {
        return flowsLabel(activeFlows) + " flows, " + series();
    }

    /** The series a chart draws this cell in: one per offload x DPI combination. */
    public String series()
    {
        return "offload " + (offload ? "on" : "off") + ", DPI " + (dpi ? "on" : "off");
    }

    /** 10K, 100K, 1M, 10M, 20M; other counts in full. */
    public static String flowsLabel(final long flows)
    {
        if (flows >= 1_000_000 && flows % 1_000_000 == 0)
        {
            return flows / 1_000_000 + "M";
        }
        if (flows >= 1_000 && flows % 1_000 == 0)
        {
            return flows / 1_000 + "K";
        }
        return String.format(Locale.ROOT, "%d", flows);
    }
}
