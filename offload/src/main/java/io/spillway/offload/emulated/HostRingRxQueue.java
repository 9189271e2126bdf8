package io.spillway.offload.emulated;

import io.spillway.capture.stream.RingRxQueue;
import io.spillway.device.RxHandler;
import io.spillway.device.RxQueue;
import io.spillway.packet.PacketBatch;
import io.spillway.packet.PacketDescriptor;
import org.agrona.MutableDirectBuffer;

/**
 * A receive queue of the emulated NIC: the packets its host ring delivers (each a parsed descriptor, with the
 * flowId the NIC tagged it with written into the descriptor), and the dispatcher's ticks and END on a ring of its
 * own. Before a tick or END it takes every packet the NIC delivered, so neither time nor the end of input overtakes a
 * packet. Each packet is a batch of one, whose time is the packet's.
 */
final class HostRingRxQueue implements RxQueue, HostPacketHandler
{
    private static final int PACKETS_PER_POLL = 256;

    private final HostRing hostRing;
    private final RingRxQueue control;
    private final PacketBatch batch = new PacketBatch();
    private RxHandler handler;
    private boolean ended;

    HostRingRxQueue(final HostRing hostRing, final RingRxQueue control)
    {
        this.hostRing = hostRing;
        this.control = control;
    }

    @Override
    public int poll(final RxHandler handler)
    {
        if (ended)
        {
            return END; // the control ring said so once and holds nothing more to ask
        }
        this.handler = handler;
        int delivered = hostRing.poll(this, PACKETS_PER_POLL);
        if (control.hasMessage())
        {
            // The NIC delivered these before the dispatcher sent the tick or END. A read stops at the ring's end,
            // so only two empty reads mean empty.
            int taken;
            while ((taken = hostRing.poll(this, PACKETS_PER_POLL)) > 0 ||
                (taken = hostRing.poll(this, PACKETS_PER_POLL)) > 0)
            {
                delivered += taken;
            }
            if (control.poll(handler) == END)
            {
                ended = true;
                return END;
            }
        }
        return delivered;
    }

    @Override
    public void onPacket(final long flowId, final MutableDirectBuffer buffer, final int offset, final int length)
    {
        buffer.putLong(offset + PacketDescriptor.FLOW_ID, flowId);
        handler.onBatch(batch.wrapParsed(buffer, offset, 1, PacketBatch.NO_TIME));
    }
}
