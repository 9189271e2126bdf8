package io.spillway.probe.pipeline;

import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.FlowRecord;
import io.spillway.probe.flow.RecordedFlow;

import java.util.ArrayList;
import java.util.List;

/** Keeps every exported record, for assertions after the run (the run's end orders the accesses). */
public final class CollectingExporter implements FlowExporter
{
    private final List<RecordedFlow> records = new ArrayList<>();
    private int closes;

    @Override
    public void onRecord(final FlowRecord record)
    {
        records.add(RecordedFlow.of(record));
    }

    @Override
    public void flush()
    {
    }

    @Override
    public void close()
    {
        closes++;
    }

    public List<RecordedFlow> records()
    {
        return records;
    }

    public int closes()
    {
        return closes;
    }
}
