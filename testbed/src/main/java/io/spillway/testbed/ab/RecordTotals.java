package io.spillway.testbed.ab;

import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.FlowRecord;

/**
 * The exporter of an A/B cell: adds up what the records say (packets and frame bytes, host and hardware shares
 * together, and the hardware share alone), so the cell can check them against what was offered. Written by the
 * export thread, read after the run has ended.
 */
final class RecordTotals implements FlowExporter
{
    private long records;
    private long packets;
    private long frameBytes;
    private long hardwarePackets;
    private long hardwareBytes;

    @Override
    public void onRecord(final FlowRecord record)
    {
        records++;
        packets += record.fwdPackets() + record.revPackets();
        frameBytes += record.fwdL2Octets() + record.revL2Octets();
        hardwarePackets += record.hwPackets();
        hardwareBytes += record.hwOctets();
    }

    @Override
    public void flush()
    {
    }

    @Override
    public void close()
    {
    }

    long records()
    {
        return records;
    }

    /** Packets in the records: what the host counted plus what the NIC counted for it. */
    long packets()
    {
        return packets;
    }

    long frameBytes()
    {
        return frameBytes;
    }

    long hardwarePackets()
    {
        return hardwarePackets;
    }

    long hardwareBytes()
    {
        return hardwareBytes;
    }
}
