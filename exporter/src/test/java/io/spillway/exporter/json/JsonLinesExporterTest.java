package io.spillway.exporter.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.TestRecords;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Buffering, allocation and write-error behaviour of the JSON lines exporter.
 */
class JsonLinesExporterTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void shouldAllocateNothingPerRecordAfterWarmUp()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final CountingSink sink = new CountingSink();
        final FlowRecord[] records = { TestRecords.ipv4Tcp(), TestRecords.ipv6UdpOneWay(),
            TestRecords.ipv6UdpOneWay().srcIPv6(0, 0x0000FFFFC0000201L).fwdPackets(-1L) };
        final JsonLinesExporter exporter = new JsonLinesExporter(sink, "counting sink", false);

        exportRecords(exporter, records, 200_000);
        final long before = threads.getCurrentThreadAllocatedBytes();
        exportRecords(exporter, records, 100_000);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes for 100k records");
        assertTrue(sink.bytes > 100_000L * 300, "records were really written: " + sink.bytes);
        assertEquals(0, exporter.droppedRecords());
    }

    @Test
    void shouldWriteOnlyWhenBufferFillsOrOnFlush()
    {
        final CountingSink sink = new CountingSink();
        final JsonLinesExporter exporter = new JsonLinesExporter(sink, "counting sink", false, 4096, null);
        final FlowRecord record = TestRecords.ipv4Tcp();

        exporter.onRecord(record);
        assertEquals(0, sink.writes);

        for (int i = 0; i < 20; i++)
        {
            exporter.onRecord(record);
        }
        assertTrue(sink.writes > 0 && sink.writes < 21, "writes " + sink.writes);

        exporter.flush();
        assertEquals(21 * lineLength(record), sink.bytes);
        assertEquals(1, sink.flushes);
    }

    @Test
    void shouldKeepAcceptingRecordsAndCountDropsWhenTheOutputFails() throws Exception
    {
        final FailingStream stream = new FailingStream(20_000);
        final List<Throwable> reported = new ArrayList<>();
        final JsonLinesExporter exporter = new JsonLinesExporter(stream, "failing stream", true, 4096, reported::add);
        final FlowRecord record = TestRecords.ipv4Tcp();

        for (int i = 0; i < 1000; i++)
        {
            exporter.onRecord(record);
        }
        final int writesAtFailure = stream.writeCalls;
        for (int i = 0; i < 500; i++)
        {
            exporter.onRecord(record);
            exporter.flush();
        }
        exporter.close();

        final String[] lines = stream.accepted.toString(StandardCharsets.US_ASCII).split("\n");
        for (final String line : lines)
        {
            assertEquals(40000, MAPPER.readTree(line).get("sourceTransportPort").intValue());
        }
        assertTrue(lines.length > 0 && lines.length < 1000, "lines written " + lines.length);
        assertEquals(1500 - lines.length, exporter.droppedRecords());
        assertEquals(1, reported.size());
        assertSame(stream.error, reported.get(0));
        assertSame(stream.error, exporter.lastError());
        assertEquals(writesAtFailure, stream.writeCalls, "no write after the first failure");
        assertTrue(stream.closed, "an owned stream is closed even after a failure");
    }

    @Test
    void shouldCountEveryRecordOfAFailedBufferWhenPartOfItWasWritten() throws Exception
    {
        // Like a pipe whose reader went away mid-write: half the bytes went out, then the write failed.
        final ByteArrayOutputStream delivered = new ByteArrayOutputStream();
        final OutputStream pipe = new OutputStream()
        {
            public void write(final int b) throws IOException
            {
                throw new IOException("Broken pipe");
            }

            public void write(final byte[] b, final int off, final int len) throws IOException
            {
                delivered.write(b, off, len / 2);
                throw new IOException("Broken pipe");
            }
        };
        final JsonLinesExporter exporter = new JsonLinesExporter(pipe, "pipe", false, 8192, (ex) -> {});
        final FlowRecord record = TestRecords.ipv6UdpOneWay();

        for (int i = 0; i < 7; i++)
        {
            exporter.onRecord(record);
        }
        assertEquals(0, exporter.droppedRecords());
        assertNull(exporter.lastError());

        exporter.flush();
        final String[] completeLines = delivered.toString(StandardCharsets.US_ASCII).split("\n");
        assertEquals(3, completeLines.length - 1, "three whole lines and a partial one reached the reader");
        assertEquals(7, exporter.droppedRecords(), "whether a line got out whole is unknown, so all count");
        assertEquals("Broken pipe", exporter.lastError().getMessage());

        exporter.onRecord(record);
        assertEquals(8, exporter.droppedRecords());
    }

    @Test
    void shouldReportAFailedFlushOfTheStreamItself()
    {
        final List<Throwable> reported = new ArrayList<>();
        final OutputStream unflushable = new OutputStream()
        {
            public void write(final int b)
            {
            }

            public void flush() throws IOException
            {
                throw new IOException("Input/output error");
            }
        };
        final JsonLinesExporter exporter = new JsonLinesExporter(unflushable, "device", false, 4096, reported::add);

        exporter.onRecord(TestRecords.ipv4Tcp());
        exporter.flush();
        exporter.flush();
        exporter.onRecord(TestRecords.ipv4Tcp());

        assertEquals(1, reported.size());
        assertEquals("Input/output error", exporter.lastError().getMessage());
        assertEquals(1, exporter.droppedRecords(), "the first record reached the stream before its flush failed");
    }

    @Test
    void shouldSayOnceOnStandardErrorThatTheOutputFailed()
    {
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream originalErr = System.err;
        final JsonLinesExporter exporter = new JsonLinesExporter(new FailingStream(0), "flows.json", false);
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            for (int i = 0; i < 10; i++)
            {
                exporter.onRecord(TestRecords.ipv4Tcp());
                exporter.flush();
            }
            exporter.close();
        }
        finally
        {
            System.setErr(originalErr);
        }

        assertEquals("spillway: JSON flow export to flows.json failed, further records are dropped: " +
            "No space left on device" + System.lineSeparator(), captured.toString(StandardCharsets.UTF_8));
        assertEquals(10, exporter.droppedRecords());
    }

    @Test
    void shouldCloseOnlyAnOwnedStreamAndDropRecordsAfterClose()
    {
        final FailingStream owned = new FailingStream(Long.MAX_VALUE);
        final FailingStream borrowed = new FailingStream(Long.MAX_VALUE);
        final JsonLinesExporter ownedExporter = new JsonLinesExporter(owned, "owned", true);
        final JsonLinesExporter borrowedExporter = new JsonLinesExporter(borrowed, "borrowed", false);

        borrowedExporter.onRecord(TestRecords.ipv4Tcp());
        ownedExporter.close();
        borrowedExporter.close();
        borrowedExporter.close();
        borrowedExporter.onRecord(TestRecords.ipv4Tcp());

        assertTrue(owned.closed);
        assertTrue(!borrowed.closed);
        assertEquals(lineLength(TestRecords.ipv4Tcp()), borrowed.accepted.size(), "close flushed the record");
        assertEquals(1, borrowedExporter.droppedRecords());
        assertNull(borrowedExporter.lastError());
    }

    @Test
    void shouldRejectABufferSmallerThanOneLine()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new JsonLinesExporter(new CountingSink(), "sink", false, 100, null));

        assertTrue(ex.getMessage().contains("bufferCapacity 100"), ex.getMessage());
    }

    private static void exportRecords(final JsonLinesExporter exporter, final FlowRecord[] records, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            exporter.onRecord(records[i % records.length]);
        }
        exporter.flush();
    }

    private static int lineLength(final FlowRecord record)
    {
        return JsonRecordEncoder.encode(record, new byte[JsonRecordEncoder.MAX_LINE_LENGTH], 0);
    }

    /** Discards what it is given, counting it, without allocating. */
    private static final class CountingSink extends OutputStream
    {
        long bytes;
        int writes;
        int flushes;

        public void write(final int b)
        {
            bytes++;
        }

        public void write(final byte[] b, final int off, final int len)
        {
            bytes += len;
            writes++;
        }

        public void flush()
        {
            flushes++;
        }
    }

    /** Accepts whole writes until {@code limit} bytes, then fails every write like a full disk. */
    private static final class FailingStream extends OutputStream
    {
        final ByteArrayOutputStream accepted = new ByteArrayOutputStream();
        final IOException error = new IOException("No space left on device");
        final long limit;
        int writeCalls;
        boolean closed;

        FailingStream(final long limit)
        {
            this.limit = limit;
        }

        public void write(final int b) throws IOException
        {
            write(new byte[]{ (byte)b }, 0, 1);
        }

        public void write(final byte[] b, final int off, final int len) throws IOException
        {
            writeCalls++;
            if (accepted.size() + (long)len > limit)
            {
                throw error;
            }
            accepted.write(b, off, len);
        }

        public void close()
        {
            closed = true;
        }
    }
}
