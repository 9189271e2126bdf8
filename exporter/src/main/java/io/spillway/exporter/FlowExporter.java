package io.spillway.exporter;

/**
 * One output of flow records (JSON lines, IPFIX over UDP/TCP/file, ...). Called from the single
 * export thread only, so an implementation needs no synchronisation. The record passed to
 * {@link #onRecord} is a flyweight valid only during the call.
 */
public interface FlowExporter extends AutoCloseable
{
    /** Encodes one record. Must not allocate per record and must not block for long. */
    void onRecord(FlowRecord record);

    /** Pushes buffered output; called when the export thread has nothing else to do. */
    void flush();

    /**
     * Records this exporter had to drop (full buffer, dead collector), in its own records (an IPFIX uniflow exporter
     * makes up to two of each flow record); 0 when it never drops.
     */
    default long droppedRecords()
    {
        return 0;
    }

    /** A line for the run summary once closed (what was sent, delivered, dropped), or null to print none. */
    default String summary()
    {
        return null;
    }

    /** Flushes and releases everything. */
    @Override
    void close();
}
