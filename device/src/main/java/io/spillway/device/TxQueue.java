package io.spillway.device;

/**
 * The transmit queue paired with a receive queue (for the inline bridge: a packet received on one port is sent on
 * the other). Used by the worker that owns the receive queue.
 */
public interface TxQueue
{
    /**
     * Queues the frame for sending on {@code port}; false when the queue has no room (the frame is not sent: the
     * caller counts it as dropped).
     */
    boolean send(int port, long address, int length);

    /** Hands what was queued to the device. */
    void flush();
}
