package io.spillway.probe.flow;

import org.agrona.DirectBuffer;

/**
 * One step a worker runs for every packet after its flow cache counted it, in order: DPI, then (with the bridge) the
 * policy, then offload. A stage says whether it is done with the flow, needing none of its later packets, as
 * ipfixprobe's process plugins say "no update needed"; a flow is ready for the device once every stage before the
 * offload is done with it.
 */
public interface FlowStage
{
    /**
     * A packet (the descriptor at {@code offset}) was counted to the flow in {@code slot}.
     *
     * @param earlierDone whether every earlier stage is done with the flow
     * @return whether this stage and every earlier one are done with the flow
     */
    boolean onPacket(int slot, DirectBuffer descriptor, int offset, boolean earlierDone);
}
