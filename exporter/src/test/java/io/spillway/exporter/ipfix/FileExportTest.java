package io.spillway.exporter.ipfix;

import io.spillway.exporter.ExportTarget;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.TestRecords;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * RFC 5655 files through {@link Exporters}: content, replacement of an old file, and plain errors for files that
 * cannot be written.
 */
class FileExportTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteTemplatesThenEveryRecordReplacingWhatWasThere() throws Exception
    {
        final Path file = dir.resolve("flows.ipfix");
        Files.writeString(file, "old content that must disappear\n".repeat(10_000));
        final List<FlowRecord> records = new SyntheticRecords(61, true, true).next(2000);

        try (FlowExporter exporter = Exporters.open("ipfix:file:" + file))
        {
            records.forEach(exporter::onRecord);
        }

        final byte[] bytes = Files.readAllBytes(file);
        final IpfixTestDecoder decoder = new IpfixTestDecoder();
        decoder.decodeStream(bytes, 0, bytes.length);
        assertEquals(9, decoder.messages().get(0).templatesDefined().size());
        final List<IpfixTestDecoder.DataRecord> flows =
            decoder.records().stream().filter((r) -> r.templateId() < IpfixTemplates.STATISTICS).toList();
        assertEquals(records.size(), flows.size());
        for (int i = 0; i < records.size(); i++)
        {
            RecordChecks.assertSameFlow(records.get(i), flows.get(i), IpfixOptions.DOCUMENTATION_ENTERPRISE_NUMBER);
        }
        assertTrue(decoder.messages().stream().allMatch((m) -> m.length() <= 65535));
        assertTrue(decoder.messages().size() < 10, "64 KB messages: " + decoder.messages().size());
    }

    @Test
    void shouldRejectAFileInAMissingDirectory()
    {
        final Path file = dir.resolve("missing").resolve("flows.ipfix");
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Exporters.open("ipfix:file:" + file));

        assertEquals("export target 'ipfix:file:" + file + "': directory '" + dir.resolve("missing") +
            "' does not exist", ex.getMessage());
    }

    @Test
    void shouldRejectADirectoryAsTheFile()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Exporters.open("ipfix:file:" + dir));

        assertEquals("export target 'ipfix:file:" + dir + "': '" + dir + "' is a directory", ex.getMessage());
    }

    @Test
    void shouldSayPlainlyWhyAFileCannotBeOpened()
    {
        final Path tooLong = dir.resolve("f".repeat(300) + ".ipfix");
        final UncheckedIOException ex =
            assertThrows(UncheckedIOException.class, () -> Exporters.open("ipfix:file:" + tooLong));

        assertEquals("export target 'ipfix:file:" + tooLong + "': cannot open IPFIX file '" + tooLong +
            "' for writing: " + tooLong + ": File name too long", ex.getMessage());
    }

    @Test
    void shouldCountRecordsAsDroppedAndSaySoOnceWhenTheDeviceIsFull()
    {
        assumeTrue(Files.exists(Path.of("/dev/full")), "needs Linux /dev/full");
        final List<String> log = new ArrayList<>();
        final IpfixExporter exporter = Exporters.openIpfix(ExportTarget.parse("ipfix:file:/dev/full"),
            IpfixOptions.DEFAULTS, SystemEpochClock.INSTANCE, log::add);

        for (int i = 0; i < 3; i++)
        {
            exporter.onRecord(TestRecords.ipv4Tcp());
            exporter.flush();
        }
        exporter.onRecord(TestRecords.ipv4Tcp());
        exporter.close();

        assertEquals(4, exporter.droppedRecords());
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).startsWith("IPFIX export to file /dev/full failed, further records are dropped: "),
            log.get(0));
    }
}
