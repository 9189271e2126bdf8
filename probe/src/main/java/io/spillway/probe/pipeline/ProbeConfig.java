package io.spillway.probe.pipeline;

import io.spillway.dpi.Dpi;
import io.spillway.probe.dpi.DpiUntil;
import io.spillway.probe.flow.FlowTimeouts;

/**
 * How the probe is laid out.
 *
 * @param queues       worker queues (one thread each), one per receive queue of the device
 * @param maxFlows     flow cache capacity per queue
 * @param timeouts     flow expiry
 * @param ringBytes    capacity of each worker's ring of records to the export thread (a power of two)
 * @param dpi          the loaded DPI library, or null to run without DPI
 * @param dpiMaxPackets packets inspected per flow before giving up; 0 for ndpiReader's budget
 * @param dpiUntil     whether a flow's inspection ends when nDPI has nothing more to learn or as soon as the
 *                     application is known
 * @param offload      when flows are handed to the device's flow table, or null to offload nothing
 */
public record ProbeConfig(
    int queues, int maxFlows, FlowTimeouts timeouts, int ringBytes, Dpi dpi, int dpiMaxPackets, DpiUntil dpiUntil,
    OffloadPolicy offload)
{
    public static final int DEFAULT_MAX_FLOWS = 1 << 20;
    public static final int DEFAULT_RING_BYTES = 4 << 20;

    public ProbeConfig
    {
        if (queues < 1 || queues > 256)
        {
            throw new IllegalArgumentException("--queues must be between 1 and 256, not " + queues);
        }
        if (maxFlows < 1 || maxFlows > (1 << 30))
        {
            throw new IllegalArgumentException("--max-flows must be between 1 and 1073741824, not " + maxFlows);
        }
        if (Integer.bitCount(ringBytes) != 1)
        {
            throw new IllegalArgumentException("ring capacity must be a power of two: " + ringBytes);
        }
        if (dpiUntil == null)
        {
            throw new IllegalArgumentException("no --dpi-until");
        }
        if (dpiMaxPackets < 0 || dpiMaxPackets > 255)
        {
            throw new IllegalArgumentException("--dpi-max-packets must be between 1 and 255, not " + dpiMaxPackets);
        }
    }

    public static ProbeConfig defaults(final int queues)
    {
        return new ProbeConfig(queues, DEFAULT_MAX_FLOWS, FlowTimeouts.DEFAULT, DEFAULT_RING_BYTES, null, 0,
            DpiUntil.FINAL, null);
    }

    public ProbeConfig withMaxFlows(final int maxFlows)
    {
        return new ProbeConfig(queues, maxFlows, timeouts, ringBytes, dpi, dpiMaxPackets, dpiUntil, offload);
    }

    public ProbeConfig withTimeouts(final FlowTimeouts timeouts)
    {
        return new ProbeConfig(queues, maxFlows, timeouts, ringBytes, dpi, dpiMaxPackets, dpiUntil, offload);
    }

    /** DPI with {@code dpi} (null: off), inspecting at most {@code maxPackets} per flow (0: ndpiReader's). */
    public ProbeConfig withDpi(final Dpi dpi, final int maxPackets)
    {
        return new ProbeConfig(queues, maxFlows, timeouts, ringBytes, dpi, maxPackets, dpiUntil, offload);
    }

    /** Inspection of a flow ends when nDPI's verdict is final, or as soon as the application is known. */
    public ProbeConfig withDpiUntil(final DpiUntil dpiUntil)
    {
        return new ProbeConfig(queues, maxFlows, timeouts, ringBytes, dpi, dpiMaxPackets, dpiUntil, offload);
    }

    /** Flows handed to the device's flow table as {@code offload} says; null: nothing offloaded. */
    public ProbeConfig withOffload(final OffloadPolicy offload)
    {
        return new ProbeConfig(queues, maxFlows, timeouts, ringBytes, dpi, dpiMaxPackets, dpiUntil, offload);
    }
}
