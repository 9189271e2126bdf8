package io.spillway.device;

import io.spillway.packet.PacketBatch;

/** Takes the batches a {@link RxQueue} delivers, on the worker's thread. */
@FunctionalInterface
public interface RxHandler
{
    /** The batch and the packets it points at are valid only during the call. */
    void onBatch(PacketBatch batch);
}
