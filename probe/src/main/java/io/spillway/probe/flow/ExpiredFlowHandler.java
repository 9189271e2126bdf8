package io.spillway.probe.flow;

import io.spillway.exporter.FlowRecord;

/** Receives each record the flow cache exports; the record is valid only during the call. */
@FunctionalInterface
public interface ExpiredFlowHandler
{
    void onExpired(FlowRecord record);
}
