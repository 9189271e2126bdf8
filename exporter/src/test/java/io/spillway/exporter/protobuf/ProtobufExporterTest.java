package io.spillway.exporter.protobuf;

import io.spillway.exporter.ExportTarget;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.ipfix.SyntheticRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Length-delimited records to a file and to a TCP listener, read back with protobuf-java's parseDelimitedFrom. */
class ProtobufExporterTest
{
    private final List<String> log = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @Test
    void aFileHoldsEveryRecordInOrder() throws Exception
    {
        final Path file = dir.resolve("flows.pb");
        final List<FlowRecord> records = new SyntheticRecords(7, true, true).next(5000);
        final ProtobufExporter exporter = Exporters.openProtobuf(ExportTarget.parse("protobuf:" + file), log::add);
        exportAll(exporter, records);
        exporter.close();

        try (InputStream in = Files.newInputStream(file))
        {
            assertEquals(expected(records), readAll(in));
        }
        assertEquals(records.size(), exporter.sentRecords());
        assertEquals(0, exporter.droppedRecords());
        assertEquals(List.of(), log);
    }

    @Test
    void aTcpCollectorReceivesEveryRecordInOrder() throws Exception
    {
        final List<FlowRecord> records = new SyntheticRecords(8, true, true).next(20_000);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final CompletableFuture<List<io.spillway.flow.v1.FlowRecord>> received = receive(server);
            final FlowExporter exporter = Exporters.open("protobuf:tcp://127.0.0.1:" + server.getLocalPort());
            exportAll(exporter, records);
            exporter.close();

            assertEquals(expected(records), received.get(30, TimeUnit.SECONDS));
            assertEquals(records.size(), ((ProtobufExporter)exporter).sentRecords());
            assertEquals(0, exporter.droppedRecords());
        }
    }

    @Test
    void anUnreachableCollectorIsAnErrorNamingIt() throws Exception
    {
        final int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = probe.getLocalPort();
        }

        final UncheckedIOException error = assertThrows(UncheckedIOException.class,
            () -> Exporters.open("protobuf:tcp://127.0.0.1:" + port));
        assertTrue(error.getMessage().contains("export target 'protobuf:tcp://127.0.0.1:" + port + "'") &&
            error.getMessage().contains("cannot connect to Protobuf collector 127.0.0.1:" + port), error.getMessage());
    }

    @Test
    void aCollectorThatGoesAwayCostsCountedRecordsOnly() throws Exception
    {
        final List<FlowRecord> records = new SyntheticRecords(9, true, true).next(1000);
        final ProtobufExporter exporter;
        long offered = 0;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            exporter = Exporters.openProtobuf(
                ExportTarget.parse("protobuf:tcp://127.0.0.1:" + server.getLocalPort()), log::add);
            try (Socket collector = server.accept())
            {
                for (int i = 0; i < 100; i++)
                {
                    exporter.onRecord(records.get(i));
                    offered++;
                }
                exporter.flush();
            }
        }

        // Closed by the collector: the next flushes notice, whatever the kernel still took.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.isEmpty() && System.nanoTime() < deadline)
        {
            exporter.onRecord(records.get((int)(offered % records.size())));
            offered++;
            exporter.flush();
        }
        exporter.close();

        assertEquals(1, log.size(), log.toString());
        assertTrue(log.getFirst().startsWith("Protobuf export to collector 127.0.0.1:"), log.toString());
        assertEquals(offered, exporter.sentRecords() + exporter.droppedRecords());
        assertTrue(exporter.droppedRecords() > 0);
    }

    @Test
    void aCollectorThatDoesNotReadCostsCountedRecordsAndTheRestArrive() throws Exception
    {
        final List<FlowRecord> records = new SyntheticRecords(10, true, true).next(1000);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final ProtobufExporter exporter = Exporters.openProtobuf(
                ExportTarget.parse("protobuf:tcp://127.0.0.1:" + server.getLocalPort()), log::add);
            final Socket collector = server.accept();
            final int offered = 200_000;
            for (int i = 0; i < offered; i++)
            {
                exporter.onRecord(records.get(i % records.size()));
            }
            assertTrue(exporter.droppedRecords() > 0, "the socket's buffers are far smaller than 200000 records");

            final CompletableFuture<List<io.spillway.flow.v1.FlowRecord>> received =
                CompletableFuture.supplyAsync(() -> readQuietly(collector));
            exporter.close();
            collector.shutdownOutput();

            assertEquals(exporter.sentRecords(), received.get(30, TimeUnit.SECONDS).size());
            assertEquals(offered, exporter.sentRecords() + exporter.droppedRecords());
            collector.close();
        }
    }

    @Test
    void exportingToAFileAllocatesNothingPerRecord()
    {
        final ProtobufExporter exporter =
            Exporters.openProtobuf(ExportTarget.parse("protobuf:" + dir.resolve("a.pb")), log::add);
        assertAllocationFree(exporter);
        assertEquals(400_000, exporter.sentRecords());
    }

    @Test
    void exportingOverTcpAllocatesNothingPerRecord() throws Exception
    {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final CompletableFuture<List<io.spillway.flow.v1.FlowRecord>> received = receive(server);
            final ProtobufExporter exporter = Exporters.openProtobuf(
                ExportTarget.parse("protobuf:tcp://127.0.0.1:" + server.getLocalPort()), log::add);
            assertAllocationFree(exporter);
            assertEquals(exporter.sentRecords(), received.get(30, TimeUnit.SECONDS).size());
            assertEquals(400_000, exporter.sentRecords() + exporter.droppedRecords());
        }
    }

    private static void assertAllocationFree(final ProtobufExporter exporter)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final List<FlowRecord> records = new SyntheticRecords(11, true, true).next(1000);
        export(exporter, records, 200_000);
        final long before = threads.getCurrentThreadAllocatedBytes();
        export(exporter, records, 200_000);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        exporter.close();

        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for 200000 records");
    }

    @Test
    void targetsParseAndPrintBack()
    {
        final ExportTarget file = ExportTarget.parse("protobuf:out/flows.pb");
        assertEquals(ExportTarget.Format.PROTOBUF, file.format());
        assertEquals(ExportTarget.Transport.FILE, file.transport());
        assertEquals(Path.of("out/flows.pb"), file.path());
        assertEquals("protobuf:out/flows.pb", file.toString());

        final ExportTarget tcp = ExportTarget.parse("PROTOBUF:TCP://[2001:db8::1]:9000");
        assertEquals(ExportTarget.Transport.TCP, tcp.transport());
        assertEquals("2001:db8::1", tcp.host());
        assertEquals(9000, tcp.port());
        assertEquals("protobuf:tcp://[2001:db8::1]:9000", tcp.toString());
        assertEquals(tcp, ExportTarget.parse(tcp.toString()));

        assertThrows(IllegalArgumentException.class, () -> ExportTarget.parse("protobuf:tcp://host"));
        assertThrows(IllegalArgumentException.class, () -> ExportTarget.parse("protobuf:"));
        assertInstanceOf(IllegalArgumentException.class, assertThrows(IllegalArgumentException.class,
            () -> new ExportTarget(ExportTarget.Format.PROTOBUF, ExportTarget.Transport.UDP, "h", 1, null)));
    }

    private static void exportAll(final FlowExporter exporter, final List<FlowRecord> records)
    {
        export(exporter, records, records.size());
    }

    private static void export(final FlowExporter exporter, final List<FlowRecord> records, final int count)
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

    private static List<io.spillway.flow.v1.FlowRecord> expected(final List<FlowRecord> records)
    {
        return records.stream().map(OfficialRecords::of).toList();
    }

    private static CompletableFuture<List<io.spillway.flow.v1.FlowRecord>> receive(final ServerSocket server)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            try (Socket socket = server.accept())
            {
                return readQuietly(socket);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        });
    }

    private static List<io.spillway.flow.v1.FlowRecord> readQuietly(final Socket socket)
    {
        try
        {
            return readAll(socket.getInputStream());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static List<io.spillway.flow.v1.FlowRecord> readAll(final InputStream in) throws IOException
    {
        final List<io.spillway.flow.v1.FlowRecord> messages = new ArrayList<>();
        io.spillway.flow.v1.FlowRecord message;
        while (null != (message = io.spillway.flow.v1.FlowRecord.parseDelimitedFrom(in)))
        {
            messages.add(message);
        }
        return messages;
    }
}
