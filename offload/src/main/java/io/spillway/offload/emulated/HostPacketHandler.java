package io.spillway.offload.emulated;

import org.agrona.MutableDirectBuffer;

/** Receives the packets of a {@link HostRing}, on the thread that reads it (a queue's worker). */
@FunctionalInterface
public interface HostPacketHandler
{
    /**
     * @param flowId the flow's handle when the device delivers a packet of a TO_HOST flow in effect, else 0
     * @param buffer the bytes the receive path was given for the packet (e.g. the probe's packet descriptor),
     *               valid only during the call, and the reader's to change in place until it returns
     */
    void onPacket(long flowId, MutableDirectBuffer buffer, int offset, int length);
}
