package io.spillway.offload;

import java.util.EnumSet;
import java.util.Set;

/** What a device can do: read once by the probe to size its offload policy. Immutable. */
public final class OffloadCapabilities
{
    private final long flowTableCapacity;
    private final long learnRateFlowsPerSecond;
    private final EnumSet<OffloadAction> actions;
    private final int ports;
    private final boolean deliversFlowId;

    /**
     * @param flowTableCapacity       flows the hardware table can hold at most
     * @param learnRateFlowsPerSecond nominal learning rate (the device may be slower when nearly full)
     * @param actions                 actions {@code learn} accepts
     * @param ports                   output ports {@link OffloadAction#FORWARD} may use: 0 to {@code ports - 1}
     * @param deliversFlowId          whether host packets of a learned flow can carry its flowId
     *                                ({@link OffloadAction#TO_HOST})
     */
    public OffloadCapabilities(
        final long flowTableCapacity, final long learnRateFlowsPerSecond, final Set<OffloadAction> actions,
        final int ports, final boolean deliversFlowId)
    {
        this.flowTableCapacity = flowTableCapacity;
        this.learnRateFlowsPerSecond = learnRateFlowsPerSecond;
        this.actions = actions.isEmpty() ? EnumSet.noneOf(OffloadAction.class) : EnumSet.copyOf(actions);
        this.ports = ports;
        this.deliversFlowId = deliversFlowId;
    }

    public long flowTableCapacity()
    {
        return flowTableCapacity;
    }

    public long learnRateFlowsPerSecond()
    {
        return learnRateFlowsPerSecond;
    }

    public boolean supports(final OffloadAction action)
    {
        return actions.contains(action);
    }

    public int ports()
    {
        return ports;
    }

    public boolean deliversFlowId()
    {
        return deliversFlowId;
    }

    @Override
    public String toString()
    {
        return "OffloadCapabilities{flows " + flowTableCapacity + ", learn rate " + learnRateFlowsPerSecond +
            "/s, actions " + actions + ", ports " + ports + ", flowId to host " + deliversFlowId + "}";
    }
}
