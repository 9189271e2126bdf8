package io.spillway.exporter.ipfix;

import io.spillway.exporter.ExportTarget;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowRecord;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After warm-up, encoding and sending records allocates nothing per record, through the real UDP, TCP and file
 * transports.
 */
class IpfixAllocationTest
{
    private static final int WARM_UP = 300_000;
    private static final int MEASURED = 200_000;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    @Test
    void shouldAllocateNothingPerRecordOverUdp() throws Exception
    {
        try (UdpReceiver receiver = new UdpReceiver())
        {
            assertAllocationFree(open("ipfix:udp://127.0.0.1:" + receiver.port()));
        }
    }

    @Test
    void shouldAllocateNothingPerRecordOverTcp() throws Exception
    {
        try (TcpTestCollector collector = new TcpTestCollector(0))
        {
            final IpfixExporter exporter = open("ipfix:tcp://127.0.0.1:" + collector.port());
            assertAllocationFree(exporter);
            collector.stop();
        }
    }

    @Test
    void shouldAllocateNothingPerRecordToAFile() throws Exception
    {
        final Path file = dir.resolve("flows.ipfix");
        final IpfixExporter exporter = open("ipfix:file:" + file);
        assertAllocationFree(exporter);
        assertTrue(Files.size(file) > (WARM_UP + MEASURED) * 100L, "records were written: " + Files.size(file));
        assertEquals(0, exporter.droppedRecords());
    }

    @Test
    void shouldAllocateNothingPerRecordInUniflowMode() throws Exception
    {
        final Path file = dir.resolve("uniflows.ipfix");
        final IpfixExporter exporter = Exporters.openIpfix(ExportTarget.parse("ipfix:file:" + file),
            IpfixOptions.DEFAULTS.withFlows(IpfixFlows.UNI), SystemEpochClock.INSTANCE, (line) -> { });
        final List<FlowRecord> records = new SyntheticRecords(52, true, true).next(1000);
        export(exporter, records, WARM_UP);
        final long before = threads.getCurrentThreadAllocatedBytes();
        export(exporter, records, MEASURED);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        exporter.close();

        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for " + MEASURED + " records");
        // Some synthetic flows have no reverse packets: between one and two uniflow records per flow.
        final long sent = exporter.transport().sentFlowRecords();
        assertTrue(sent > WARM_UP + MEASURED && sent < 2L * (WARM_UP + MEASURED), "sent " + sent);
        assertEquals(0, exporter.droppedRecords());
    }

    private void assertAllocationFree(final IpfixExporter exporter)
    {
        final List<FlowRecord> records = new SyntheticRecords(51, true, true).next(1000);
        export(exporter, records, WARM_UP);
        final long before = threads.getCurrentThreadAllocatedBytes();
        export(exporter, records, MEASURED);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        exporter.close();

        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for " + MEASURED + " records");
        final long sent = exporter.transport().sentFlowRecords();
        assertEquals(WARM_UP + MEASURED, sent + exporter.droppedRecords(), "sent " + sent);
        assertTrue(sent > MEASURED / 10, "sent " + sent);
    }

    private static void export(final IpfixExporter exporter, final List<FlowRecord> records, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            exporter.onRecord(records.get(i % records.size()));
            if (i % 1000 == 999)
            {
                exporter.flush();
            }
        }
    }

    private static IpfixExporter open(final String spec)
    {
        return Exporters.openIpfix(ExportTarget.parse(spec), IpfixOptions.DEFAULTS, SystemEpochClock.INSTANCE,
            (line) -> { });
    }
}
