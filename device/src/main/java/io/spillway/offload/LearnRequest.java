package io.spillway.offload;

import java.util.concurrent.TimeUnit;

/**
 * One flow to offload: the host's flowId for it, its key, the action and the hardware expiry settings. A mutable
 * holder the OffloadAgent fills and reuses for every {@link FlowOffload#learn} call; the device copies what it
 * keeps, so the holder may be refilled as soon as {@code learn} returns. A new holder has action
 * {@link OffloadAction#COUNT_AND_DROP}, ports 0, an idle timeout of 30 s and TCP auto-unlearn on.
 */
public final class LearnRequest
{
    private final OffloadFlowKey key = new OffloadFlowKey();
    private long flowId;
    private OffloadAction action = OffloadAction.COUNT_AND_DROP;
    private int forwardPort;
    private int reversePort;
    private long idleTimeoutNs = TimeUnit.SECONDS.toNanos(30);
    private boolean tcpAutoUnlearn = true;

    /** The key to fill in place; its forward direction is the direction of the flow's hardware "forward" counters. */
    public OffloadFlowKey key()
    {
        return key;
    }

    /**
     * The host's handle for the flow, reported in every event about it. Never 0 (0 means "no flowId" on the
     * receive path). Should be unique over the device's life (a generation in the handle), because a late or
     * duplicated event for an earlier use of the same value could not be told apart.
     */
    public LearnRequest flowId(final long flowId)
    {
        this.flowId = flowId;
        return this;
    }

    public long flowId()
    {
        return flowId;
    }

    public LearnRequest action(final OffloadAction action)
    {
        this.action = action;
        return this;
    }

    public OffloadAction action()
    {
        return action;
    }

    /**
     * Output ports for {@link OffloadAction#FORWARD}: forward-direction packets leave on {@code forwardPort},
     * reverse-direction packets on {@code reversePort} (a bridge between ports A and B learns a flow that started on
     * A with forward port B and reverse port A). Ignored by the other actions.
     */
    public LearnRequest ports(final int forwardPort, final int reversePort)
    {
        this.forwardPort = forwardPort;
        this.reversePort = reversePort;
        return this;
    }

    public int forwardPort()
    {
        return forwardPort;
    }

    public int reversePort()
    {
        return reversePort;
    }

    /** The device expires the flow after this long without a packet of it (device time, nanoseconds, above 0). */
    public LearnRequest idleTimeoutNs(final long idleTimeoutNs)
    {
        this.idleTimeoutNs = idleTimeoutNs;
        return this;
    }

    public long idleTimeoutNs()
    {
        return idleTimeoutNs;
    }

    /** For TCP flows: the device removes the flow itself once it saw FIN in both directions, or a RST. */
    public LearnRequest tcpAutoUnlearn(final boolean tcpAutoUnlearn)
    {
        this.tcpAutoUnlearn = tcpAutoUnlearn;
        return this;
    }

    public boolean tcpAutoUnlearn()
    {
        return tcpAutoUnlearn;
    }

    @Override
    public String toString()
    {
        return "LearnRequest{flowId=" + flowId + ", " + key + ", " + action + ", ports " + forwardPort + "/" +
            reversePort + ", idle " + idleTimeoutNs + " ns, tcpAutoUnlearn " + tcpAutoUnlearn + "}";
    }
}
