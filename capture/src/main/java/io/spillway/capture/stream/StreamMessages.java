package io.spillway.capture.stream;

/**
 * Messages on the rings from a single stream's dispatcher to its receive queues, one bounded SPSC ring per queue.
 * {@link #PACKETS} is a batch: header {@link #BATCH_TIME_NS} (the latest packet time the dispatcher has seen),
 * {@link #BATCH_COUNT}, then that many {@link io.spillway.packet.PacketDescriptor}s. {@link #TICK} carries only the
 * time, so a queue with no traffic still expires its flows. {@link #END}: no more input.
 */
final class StreamMessages
{
    static final int PACKETS = 1;
    static final int TICK = 2;
    static final int END = 3;

    static final int BATCH_TIME_NS = 0;
    static final int BATCH_COUNT = 8;
    static final int BATCH_HEADER_LENGTH = 16;

    private StreamMessages()
    {
    }
}
