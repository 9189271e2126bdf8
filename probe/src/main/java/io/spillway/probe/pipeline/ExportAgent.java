package io.spillway.probe.pipeline;

import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.FlowRecord;
import io.spillway.device.Counters;
import io.spillway.device.ThreadCpu;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.List;

/**
 * The export thread: drains every worker's record ring and hands each record to every exporter.
 * Exporters are flushed when there is nothing to read, and closed once every worker has ended.
 */
final class ExportAgent implements Agent, MessageHandler
{
    static final int TYPE_RECORDS = 210;
    static final int TYPE_CPU_NANOS = 211;
    /** Per exporter (the owner is its index in the export list): the records it had to drop. */
    static final int TYPE_DROPPED_RECORDS = 212;
    private static final int RECORDS_PER_RING = 256;

    private final RingBuffer[] rings;
    private final FlowExporter[] exporters;
    private final FlowRecord record = new FlowRecord();
    private final boolean[] ended;
    private int endedCount;
    private int currentRing;
    private final AtomicCounter records;
    private boolean unflushed;
    private final AtomicCounter cpuNanos;
    private final AtomicCounter[] droppedRecords;
    private volatile boolean finished;

    ExportAgent(final RingBuffer[] rings, final List<FlowExporter> exporters, final Counters counters)
    {
        this.records = counters.add(TYPE_RECORDS, Counters.NO_OWNER, "records handed to the exporters");
        this.cpuNanos = counters.add(TYPE_CPU_NANOS, Counters.NO_OWNER, "export thread CPU, ns");
        this.rings = rings;
        this.exporters = exporters.toArray(new FlowExporter[0]);
        this.droppedRecords = new AtomicCounter[this.exporters.length];
        for (int i = 0; i < droppedRecords.length; i++)
        {
            droppedRecords[i] = counters.add(TYPE_DROPPED_RECORDS, i, "records the exporter dropped");
        }
        this.ended = new boolean[rings.length];
    }

    @Override
    public int doWork()
    {
        int work = 0;
        for (int i = 0; i < rings.length; i++)
        {
            currentRing = i;
            work += rings[i].read(this, RECORDS_PER_RING);
        }
        if (work == 0 && unflushed)
        {
            for (final FlowExporter exporter : exporters)
            {
                exporter.flush();
            }
            publishDrops();
            unflushed = false;
        }
        if (endedCount == rings.length)
        {
            closeExporters();
            publishDrops();
            finished = true;
            throw new AgentTerminationException();
        }
        return work;
    }

    @Override
    public void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (type == RecordMessages.RECORD)
        {
            record.wrap(buffer, index);
            for (final FlowExporter exporter : exporters)
            {
                exporter.onRecord(record);
            }
            records.incrementOpaque();
            unflushed = true;
        }
        else if (type == RecordMessages.END && !ended[currentRing])
        {
            ended[currentRing] = true;
            endedCount++;
        }
    }

    @Override
    public void onClose()
    {
        cpuNanos.setRelease(ThreadCpu.currentThreadNanos());
    }

    @Override
    public String roleName()
    {
        return "spillway-export";
    }

    /** CPU time of the export thread, known once it has closed. */
    long cpuNanos()
    {
        return cpuNanos.get();
    }

    /** Every worker ended and every exporter was closed. */
    boolean finished()
    {
        return finished;
    }

    long records()
    {
        return records.get();
    }

    long droppedRecords()
    {
        long dropped = 0;
        for (final FlowExporter exporter : exporters)
        {
            dropped += exporter.droppedRecords();
        }
        return dropped;
    }

    /**
     * The exporters count their drops in plain fields of this thread; the counters mirror them after each flush and
     * at the end, which is when drops happen or become known, so that readers see them without a call per record.
     */
    private void publishDrops()
    {
        for (int i = 0; i < exporters.length; i++)
        {
            droppedRecords[i].setRelease(exporters[i].droppedRecords());
        }
    }

    private void closeExporters()
    {
        for (final FlowExporter exporter : exporters)
        {
            exporter.close();
        }
    }
}
