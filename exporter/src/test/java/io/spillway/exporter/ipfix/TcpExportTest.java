package io.spillway.exporter.ipfix;

import io.spillway.exporter.ExportTarget;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowRecord;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * IPFIX over TCP against a collector that goes away, comes back, or reads slowly: the export thread never blocks,
 * templates start every connection, and every record is either received or counted as dropped.
 */
class TcpExportTest
{
    private final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void shouldResendTemplatesAfterTheCollectorRestartsAndAccountForEveryRecord() throws Exception
    {
        final List<FlowRecord> records = new SyntheticRecords(21, true, true).next(12_000);
        final TcpTestCollector first = new TcpTestCollector(0);
        final int port = first.port();
        final IpfixExporter exporter = open(port);
        final TcpTransport transport = (TcpTransport)exporter.transport();

        export(exporter, records.subList(0, 3000));
        awaitWhileFlushing(exporter, () -> 3000 == first.flowRecords(), "the first 3000 records arrive");
        first.stop();
        awaitWhileFlushing(exporter, () -> !transport.isConnected(), "the exporter sees the collector leave");

        final long start = System.nanoTime();
        export(exporter, records.subList(3000, 9000));
        final long whileAwayMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(exporter.droppedRecords() > 0, "the queue overflowed");
        assertTrue(transport.queuedBytes() > 0, "records are held for the collector");

        try (TcpTestCollector second = new TcpTestCollector(port))
        {
            awaitWhileFlushing(exporter, () -> transport.isConnected() && 0 == transport.queuedBytes(),
                "the exporter reconnects and sends what it held");
            export(exporter, records.subList(9000, 12_000));
            exporter.close();
            second.stop();

            assertEquals(1, first.sessions().size());
            assertEquals(1, second.sessions().size());
            final long received = first.flowRecords() + second.flowRecords();
            assertEquals(records.size(), received + exporter.droppedRecords(),
                "received " + received + ", dropped " + exporter.droppedRecords());
            assertTrue(second.flowRecords() > 3000, "held records arrived after the restart");

            final IpfixTestDecoder decoder = second.sessions().get(0).decoder;
            assertEquals(9, decoder.messages().get(0).templatesDefined().size(), "templates come first");
            long expected = decoder.messages().get(0).sequence();
            for (final IpfixTestDecoder.Message message : decoder.messages())
            {
                assertEquals(expected, message.sequence(), "contiguous sequence numbers on the new connection");
                expected += message.records().size();
            }
            assertEquals(0, second.sessions().get(0).truncatedBytes);
            assertEquals(1, transport.reconnections());
            assertEquals(1, log.stream().filter((line) -> line.contains(" lost (")).count(), log.toString());
            assertEquals(1, log.stream().filter((line) -> line.contains(" restored;")).count(), log.toString());
            assertTrue(whileAwayMillis < 5000, "exporting while the collector was away took " + whileAwayMillis);
        }
    }

    @Test
    void shouldNeverBlockOnACollectorThatDoesNotRead() throws Exception
    {
        final List<FlowRecord> records = new SyntheticRecords(22, false, false).next(1000);
        try (TcpTestCollector collector = new TcpTestCollector(0))
        {
            collector.paused = true;
            final IpfixExporter exporter = open(collector.port());
            final int produced = 150_000;

            final long start = System.nanoTime();
            for (int i = 0; i < produced; i++)
            {
                exporter.onRecord(records.get(i % records.size()));
                if (i % 100 == 99)
                {
                    exporter.flush();
                }
            }
            final long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

            assertTrue(elapsedMillis < 5000, "exporting to a stalled collector took " + elapsedMillis + " ms");
            assertTrue(exporter.droppedRecords() > 0, "kernel buffers and the queue overflowed");

            collector.paused = false;
            final TcpTransport transport = (TcpTransport)exporter.transport();
            awaitWhileFlushing(exporter, () -> 0 == transport.queuedBytes(), "the queue drains");
            exporter.close();
            collector.stop();

            assertEquals(produced, collector.flowRecords() + exporter.droppedRecords(),
                "received " + collector.flowRecords() + ", dropped " + exporter.droppedRecords());
        }
    }

    @Test
    void shouldFailAtStartWhenTheCollectorRefusesTheFirstConnection() throws Exception
    {
        final int port;
        try (TcpTestCollector gone = new TcpTestCollector(0))
        {
            port = gone.port();
        }

        final UncheckedIOException ex = assertThrows(UncheckedIOException.class,
            () -> Exporters.open("ipfix:tcp://127.0.0.1:" + port));
        assertEquals("export target 'ipfix:tcp://127.0.0.1:" + port + "': cannot connect to IPFIX collector " +
            "127.0.0.1:" + port + " (TCP): Connection refused", ex.getMessage());
    }

    @Test
    void shouldSendTheLastStatisticsRecordAtClose() throws Exception
    {
        try (TcpTestCollector collector = new TcpTestCollector(0))
        {
            final IpfixExporter exporter = open(collector.port());
            export(exporter, new SyntheticRecords(23, true, true).next(500));
            exporter.close();
            collector.stop();

            final List<IpfixTestDecoder.DataRecord> all = collector.sessions().get(0).decoder.records();
            final IpfixTestDecoder.DataRecord last = all.get(all.size() - 1);
            assertEquals(IpfixTemplates.STATISTICS, last.templateId());
            assertEquals(500, last.unsigned("42"));
            assertEquals(0, last.unsigned("166"));
            assertFalse(collector.sessions().get(0).decoder.messages().isEmpty());
        }
    }

    private IpfixExporter open(final int port)
    {
        return Exporters.openIpfix(ExportTarget.parse("ipfix:tcp://127.0.0.1:" + port),
            IpfixOptions.DEFAULTS.withTcpBufferBytes(IpfixOptions.MIN_TCP_BUFFER_BYTES), SystemEpochClock.INSTANCE,
            log::add);
    }

    private static void export(final IpfixExporter exporter, final List<FlowRecord> records) throws Exception
    {
        for (int i = 0; i < records.size(); i++)
        {
            exporter.onRecord(records.get(i));
            if (i % 100 == 99)
            {
                exporter.flush();
                Thread.sleep(1);
            }
        }
        exporter.flush();
    }

    private static void awaitWhileFlushing(
        final IpfixExporter exporter, final BooleanSupplier condition, final String what) throws Exception
    {
        final long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                fail("timed out waiting until " + what);
            }
            exporter.flush();
            Thread.sleep(5);
        }
    }
}
