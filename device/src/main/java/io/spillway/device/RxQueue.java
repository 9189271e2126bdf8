package io.spillway.device;

/**
 * One receive queue of a device, owned and polled by one worker thread. The queue keeps the order of its packets,
 * and a device puts both directions of a flow on the same queue (symmetric RSS, a symmetric fanout hash), so a
 * worker sees every packet of its flows, in order.
 */
public interface RxQueue
{
    /** Returned by {@link #poll} once the queue has delivered everything it ever will. */
    int END = -1;

    /**
     * Hands the handler what is ready, on the calling (worker) thread: one or more batches, or a batch of no packet
     * when only the queue's time moved (a quiet queue still expires its flows). Never blocks.
     *
     * @return the packets delivered (0 when only time or nothing was ready), or {@link #END}
     */
    int poll(RxHandler handler);
}
