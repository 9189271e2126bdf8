package io.spillway.device;

import java.util.List;

/**
 * A single stream of packets (capture files, generated traffic), polled by one thread: the dispatcher of a device
 * that spreads one stream over several receive queues. Multi-queue devices have no such stream.
 */
public interface PacketSource extends AutoCloseable
{
    /** Returned by {@link #poll} when the source has no more packets and never will. */
    int END = -1;

    /**
     * Delivers up to {@code limit} packets to the handler on the calling thread.
     *
     * @return the number of packets delivered (0 when none is ready yet), or {@link #END}
     */
    int poll(PacketHandler handler, int limit);

    /** Bytes of input consumed so far, for the progress line; updated once per {@link #poll}, safe from any thread. */
    long bytesRead();

    /** Total bytes of input when known (files), -1 otherwise. */
    long bytesTotal();

    /** Damage that stopped reading early, in the order found; empty when every input was read whole. */
    List<CaptureDamage> damages();

    @Override
    void close();
}
