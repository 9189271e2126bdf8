package io.spillway.probe.flow;

import io.spillway.exporter.FlowRecord;

/**
 * What a worker adds to its flows beyond counting (DPI now, offload later), told about each flow's
 * life by the flow cache on the worker's thread. A slot identifies a flow from
 * {@link #onFlowCreated} until the record passed to {@link #onRecord} with {@code ending} set.
 */
public interface FlowListener
{
    /** A flow was created in {@code slot}. */
    void onFlowCreated(int slot);

    /**
     * The flow's record is about to be exported: fill the fields the listener owns. {@code ending}:
     * the flow leaves the cache after this record (otherwise it goes on after an active timeout).
     */
    void onRecord(int slot, FlowRecord record, boolean ending);
}
