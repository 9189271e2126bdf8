package io.spillway.probe.pipeline;

import io.spillway.offload.OffloadAction;
import io.spillway.offload.emulated.EmulatedNicConfig;

/**
 * The emulated SmartNIC as the probe's receive path, and whether classified flows are handed to its flow table.
 *
 * @param nic           the NIC's model (capacity, learning rate, programming cost, buffer delay, faults); the probe
 *                      gives it one receive queue per worker
 * @param offloadFlows  hand flows to the NIC's flow table; false: the NIC only delivers packets to the workers
 * @param afterPackets  with DPI off, a flow is offloaded once the host counted this many of its packets; with DPI
 *                      on, once its verdict is final
 * @param action        what the device does with an offloaded flow's packets: COUNT_AND_DROP for the passive probe,
 *                      TO_HOST to deliver them tagged with their flowId
 * @param dropWhenHostRingFull the NIC drops a packet whose host ring is full (HOST_RING_FULL, counted as loss at the
 *                      NIC), as a card on a live link does when the host falls behind; false (the default): the
 *                      capture thread waits for room, so replaying a file loses nothing
 */
public record OffloadConfig(
    EmulatedNicConfig nic, boolean offloadFlows, int afterPackets, OffloadAction action, boolean dropWhenHostRingFull)
{
    public static final int DEFAULT_AFTER_PACKETS = 1;

    public OffloadConfig
    {
        if (nic == null)
        {
            throw new IllegalArgumentException("offload needs the emulated NIC as its receive path");
        }
        if (afterPackets < 1)
        {
            throw new IllegalArgumentException("--offload-after-packets must be at least 1, not " + afterPackets);
        }
    }

    /** The emulated NIC delivers every packet; nothing is offloaded. */
    public static OffloadConfig nicOnly(final EmulatedNicConfig nic)
    {
        return new OffloadConfig(nic, false, DEFAULT_AFTER_PACKETS, OffloadAction.COUNT_AND_DROP, false);
    }

    /** The emulated NIC, counting and dropping the packets of the flows it learns. */
    public static OffloadConfig offload(final EmulatedNicConfig nic)
    {
        return new OffloadConfig(nic, true, DEFAULT_AFTER_PACKETS, OffloadAction.COUNT_AND_DROP, false);
    }

    public OffloadConfig withAfterPackets(final int afterPackets)
    {
        return new OffloadConfig(nic, offloadFlows, afterPackets, action, dropWhenHostRingFull);
    }

    public OffloadConfig withAction(final OffloadAction action)
    {
        return new OffloadConfig(nic, offloadFlows, afterPackets, action, dropWhenHostRingFull);
    }

    /** A paced source is a live link: with {@code drop}, the NIC drops what the host has no room for. */
    public OffloadConfig withDropWhenHostRingFull(final boolean drop)
    {
        return new OffloadConfig(nic, offloadFlows, afterPackets, action, drop);
    }
}
