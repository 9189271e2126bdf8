package io.spillway.probe.pipeline;
import io.spillway.packet.PacketDescriptor;

/**
 * Message types on the bounded SPSC rings between threads.
 * <p>
 * Capture thread to worker: {@link #PACKETS} is a batch: header {@link #BATCH_TIME_NS} (the latest
 * packet time the capture thread has seen), {@link #BATCH_COUNT}, then that many
 * {@link io.spillway.packet.PacketDescriptor}s. {@link #TICK} carries only the time, so a
 * queue with no traffic still expires its flows. {@link #END}: no more input.
 * <p>
 * Worker to export thread: {@link #RECORD} holds one {@link io.spillway.exporter.FlowRecord};
 * {@link #END}: the worker has flushed every flow.
 */
final class QueueMessages
{
    static final int PACKETS = 1;
    static final int TICK = 2;
    static final int END = 3;
    static final int RECORD = 4;

    static final int BATCH_TIME_NS = 0;
    static final int BATCH_COUNT = 8;
    static final int BATCH_HEADER_LENGTH = 16;

    private QueueMessages()
    {
    }
}
