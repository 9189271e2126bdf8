package io.spillway.probe.pipeline;

import io.spillway.offload.OffloadAction;

/**
 * When and how flows are handed to the device's flow table.
 *
 * @param afterPackets with DPI off, a flow is offloaded once the host counted this many of its packets; with DPI
 *                     on, once its inspection concluded
 * @param action       what the device does with an offloaded flow's packets: COUNT_AND_DROP for the passive probe,
 *                     TO_HOST to deliver them tagged with their flowId
 */
public record OffloadPolicy(int afterPackets, OffloadAction action)
{
    public static final int DEFAULT_AFTER_PACKETS = 1;
    /** The passive probe's: count and drop each flow's packets once it is classified. */
    public static final OffloadPolicy DEFAULT = new OffloadPolicy(DEFAULT_AFTER_PACKETS, OffloadAction.COUNT_AND_DROP);

    public OffloadPolicy
    {
        if (afterPackets < 1)
        {
            throw new IllegalArgumentException("--offload-after-packets must be at least 1, not " + afterPackets);
        }
        if (action == null)
        {
            throw new IllegalArgumentException("no offload action");
        }
    }

    public OffloadPolicy withAfterPackets(final int afterPackets)
    {
        return new OffloadPolicy(afterPackets, action);
    }

    public OffloadPolicy withAction(final OffloadAction action)
    {
        return new OffloadPolicy(afterPackets, action);
    }
}
