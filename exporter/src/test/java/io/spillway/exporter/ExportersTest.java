package io.spillway.exporter;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.exporter.ipfix.IpfixExporter;
import io.spillway.exporter.json.JsonLinesExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ExportersTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void shouldWriteJsonLinesToAFileReplacingWhatWasThere() throws Exception
    {
        final Path file = dir.resolve("flows.json");
        Files.writeString(file, "old content that must disappear\n".repeat(1000));

        try (FlowExporter exporter = Exporters.open("json:" + file))
        {
            exporter.onRecord(TestRecords.ipv4Tcp());
            exporter.onRecord(TestRecords.ipv6UdpOneWay());
        }

        final List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertEquals("192.0.2.1", MAPPER.readTree(lines.get(0)).get("sourceIPv4Address").textValue());
        assertEquals("2001:db8::1", MAPPER.readTree(lines.get(1)).get("sourceIPv6Address").textValue());
    }

    @Test
    void shouldCheckTheParentOfARelativePath()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Exporters.open("json:no-such-dir/flows.json"));

        assertTrue(ex.getMessage().endsWith("no-such-dir' does not exist"), ex.getMessage());
    }

    @Test
    void shouldRejectAFileInAMissingDirectory()
    {
        final Path file = dir.resolve("missing").resolve("flows.json");
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Exporters.open("json:" + file));

        assertEquals("export target 'json:" + file + "': directory '" + dir.resolve("missing") + "' does not exist",
            ex.getMessage());
        assertTrue(!Files.exists(dir.resolve("missing")));
    }

    @Test
    void shouldRejectAFileUnderAPlainFile() throws Exception
    {
        final Path notDirectory = Files.writeString(dir.resolve("plain"), "x");
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Exporters.open("json:" + notDirectory.resolve("flows.json")));

        assertTrue(ex.getMessage().endsWith("'" + notDirectory + "' is not a directory"), ex.getMessage());
    }

    @Test
    void shouldRejectADirectoryAsOutputFile()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Exporters.open("json:" + dir));

        assertEquals("export target 'json:" + dir + "': '" + dir + "' is a directory", ex.getMessage());
    }

    @Test
    void shouldReportAFileThatCannotBeOpenedAsAnIoProblem()
    {
        final Path tooLong = dir.resolve("f".repeat(300) + ".json");
        final UncheckedIOException ex =
            assertThrows(UncheckedIOException.class, () -> Exporters.open("json:" + tooLong));

        assertTrue(ex.getMessage().startsWith("cannot open '" + tooLong + "' for export target"), ex.getMessage());
        assertTrue(ex.getMessage().contains("File name too long"), ex.getMessage());
    }

    @Test
    void shouldOpenAnIpfixExporterForAnIpfixTarget()
    {
        final Path file = dir.resolve("flows.ipfix");
        try (FlowExporter exporter = Exporters.open("ipfix:file:" + file))
        {
            assertInstanceOf(IpfixExporter.class, exporter);
        }

        assertTrue(file.toFile().length() > 16, "the templates were written");
    }

    @Test
    void shouldPassOnTheParserMessageForABadSpec()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> Exporters.open("ipfix:udp://collector:0"));

        assertTrue(ex.getMessage().startsWith("invalid export target 'ipfix:udp://collector:0': port '0'"),
            ex.getMessage());
    }

    @Test
    void shouldOpenStandardOutputWithoutEverClosingIt()
    {
        final FlowExporter exporter = Exporters.open("json:-");
        exporter.close();

        final JsonLinesExporter json = assertInstanceOf(JsonLinesExporter.class, exporter);
        assertEquals("standard output", json.outputName());
        assertTrue(FileDescriptor.out.valid(), "file descriptor 1 must stay open");
    }

    @Test
    void shouldCountRecordsAsDroppedAndSaySoOnceWhenTheDeviceIsFull()
    {
        assumeTrue(Files.exists(Path.of("/dev/full")), "needs Linux /dev/full");
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream originalErr = System.err;
        final JsonLinesExporter exporter = (JsonLinesExporter)Exporters.open("json:/dev/full");
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            for (int i = 0; i < 3; i++)
            {
                exporter.onRecord(TestRecords.ipv4Tcp());
            }
            exporter.flush();
            exporter.onRecord(TestRecords.ipv4Tcp());
            exporter.close();
        }
        finally
        {
            System.setErr(originalErr);
        }

        assertEquals(4, exporter.droppedRecords());
        assertTrue(exporter.lastError().getMessage().contains("No space left on device"),
            exporter.lastError().getMessage());
        assertEquals(1, captured.toString(StandardCharsets.UTF_8).lines().count(), captured.toString());
        assertTrue(captured.toString(StandardCharsets.UTF_8).startsWith("spillway: JSON flow export to /dev/full"));
    }
}
