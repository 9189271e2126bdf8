package io.spillway.probe.pipeline;

/**
 * Messages on the bounded SPSC ring from a worker to the export thread: {@link #RECORD} holds one
 * {@link io.spillway.exporter.FlowRecord}; {@link #END}: the worker has flushed every flow.
 */
final class RecordMessages
{
    static final int RECORD = 4;
    static final int END = 3;

    private RecordMessages()
    {
    }
}
