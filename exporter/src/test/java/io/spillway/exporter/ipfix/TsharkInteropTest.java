package io.spillway.exporter.ipfix;

import io.spillway.exporter.ExportTarget;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.FlowRecord;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wireshark's IPFIX dissector (tshark 4.0) reads the UDP export, the TCP export and the RFC 5655 file: templates
 * recognised, every flow record decoded, no malformed packet, no warning or error (its sequence number analysis
 * included).
 */
class TsharkInteropTest
{
    private static final int RECORDS = 3000;
    private static final String PROBLEMS = "_ws.malformed || _ws.expert.severity >= 0x00600000";
    /** TCP flow control (the collector reads slower than loopback delivers) is not a problem of the export. */
    private static final String TCP_PROBLEMS = "_ws.malformed || (_ws.expert.severity >= 0x00600000 && " +
        "!(tcp.analysis.window_full || tcp.analysis.zero_window || tcp.analysis.zero_window_probe || " +
        "tcp.analysis.zero_window_probe_ack))";

    @TempDir
    Path dir;

    @Test
    void shouldDecodeTheIpfixFileDirectly() throws Exception
    {
        final Path file = dir.resolve("flows.ipfix");
        final List<FlowRecord> records = new SyntheticRecords(41, true, true).next(RECORDS);
        try (FlowExporter exporter = Exporters.open("ipfix:file:" + file))
        {
            records.forEach(exporter::onRecord);
        }

        final List<String[]> frames = fields(List.of("-r", file.toString()));
        assertEquals("256,257,258,259,260,261,262,263,264", frames.get(0)[3], "every template in the first message");
        assertEquals(RECORDS, flowRecords(frames));
        assertEquals("", problems(List.of("-r", file.toString())));
    }

    @Test
    void shouldFlagABrokenSequenceNumberSoTheCleanResultsMeanSomething() throws Exception
    {
        final Path file = dir.resolve("flows.ipfix");
        try (FlowExporter exporter = Exporters.open("ipfix:file:" + file))
        {
            new SyntheticRecords(42, false, false).next(RECORDS).forEach(exporter::onRecord);
        }
        final byte[] bytes = Files.readAllBytes(file);
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        final int second = buffer.getShort(2) & 0xFFFF;
        final int third = second + (buffer.getShort(second + 2) & 0xFFFF);
        buffer.putInt(third + 8, buffer.getInt(third + 8) + 5);
        final Path broken = Files.write(dir.resolve("broken.ipfix"), bytes);

        assertTrue(problems(List.of("-r", broken.toString())).contains("3"), "tshark flags the third message");
    }

    @Test
    void shouldDecodeTheUdpExportCapturedOnLoopback() throws Exception
    {
        final Path capture = dir.resolve("udp.pcapng");
        final List<FlowRecord> records = new SyntheticRecords(43, true, true).next(RECORDS);
        try (UdpReceiver receiver = new UdpReceiver())
        {
            final int port = receiver.port();
            try (ExternalProcess tshark = capture("udp port " + port, capture))
            {
                final IpfixExporter exporter = Exporters.openIpfix(ExportTarget.parse("ipfix:udp://127.0.0.1:" + port),
                    IpfixOptions.DEFAULTS, SystemEpochClock.INSTANCE, (line) -> { });
                UdpExportTest.exportPaced(exporter, records);
                exporter.close();
                Thread.sleep(500);
                assertTrue(tshark.stop(), "tshark stopped on SIGTERM and wrote its capture: " + tshark.stderrText());
            }

            final List<String> read = List.of("-r", capture.toString(), "-d", "udp.port==" + port + ",cflow");
            final List<String[]> frames = fields(read);
            assertEquals(receiver.datagrams().size(), frames.size(), "every datagram captured");
            assertEquals("256,257,258,259,260,261,262,263,264", frames.get(0)[3]);
            assertEquals(RECORDS, flowRecords(frames));
            assertEquals("", problems(read));
        }
    }

    @Test
    void shouldDecodeTheTcpExportCapturedOnLoopback() throws Exception
    {
        final Path capture = dir.resolve("tcp.pcapng");
        final List<FlowRecord> records = new SyntheticRecords(44, true, true).next(RECORDS);
        try (TcpTestCollector collector = new TcpTestCollector(0))
        {
            final int port = collector.port();
            try (ExternalProcess tshark = capture("tcp port " + port, capture))
            {
                final IpfixExporter exporter = Exporters.openIpfix(ExportTarget.parse("ipfix:tcp://127.0.0.1:" + port),
                    IpfixOptions.DEFAULTS, SystemEpochClock.INSTANCE, (line) -> { });
                UdpExportTest.exportPaced(exporter, records);
                exporter.close();
                collector.stop();
                Thread.sleep(500);
                assertTrue(tshark.stop(), "tshark stopped on SIGTERM and wrote its capture: " + tshark.stderrText());
            }
            assertEquals(RECORDS, collector.flowRecords());

            final List<String> read = List.of("-r", capture.toString(), "-d", "tcp.port==" + port + ",cflow");
            final List<String[]> frames = fields(read);
            assertTrue(frames.stream().anyMatch((frame) -> "256,257,258,259,260,261,262,263,264".equals(frame[3])));
            assertEquals(RECORDS, flowRecords(frames));
            assertEquals("", problems(read, TCP_PROBLEMS));
        }
    }

    private ExternalProcess capture(final String filter, final Path file) throws Exception
    {
        final ExternalProcess tshark = ExternalProcess.start(dir, "tshark-capture",
            List.of("tshark", "-i", "lo", "-f", filter, "-w", file.toString()));
        // "Capturing on" comes before dumpcap really captures; this line comes after.
        tshark.awaitStderr("Capture started", 30);
        return tshark;
    }

    /** frame number, IPv4 sources, IPv6 sources, template ids: one row per frame with IPFIX in it. */
    private List<String[]> fields(final List<String> input) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("tshark"));
        command.addAll(input);
        command.addAll(List.of("-Y", "cflow", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=,",
            "-e", "frame.number", "-e", "cflow.srcaddr", "-e", "cflow.srcaddrv6", "-e", "cflow.template_id"));
        final List<String[]> rows = new ArrayList<>();
        for (final String line : ExternalProcess.run(dir, "tshark-fields", command).split("\n"))
        {
            if (!line.isEmpty())
            {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }

    private static long flowRecords(final List<String[]> frames)
    {
        long count = 0;
        for (final String[] frame : frames)
        {
            count += frame[1].isEmpty() ? 0 : frame[1].split(",").length;
            count += frame[2].isEmpty() ? 0 : frame[2].split(",").length;
        }
        return count;
    }

    /** Frame numbers and messages of every malformed packet, warning or error; empty when there is none. */
    private String problems(final List<String> input) throws Exception
    {
        return problems(input, PROBLEMS);
    }

    private String problems(final List<String> input, final String filter) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("tshark"));
        command.addAll(input);
        command.addAll(List.of("-Y", filter, "-T", "fields", "-e", "frame.number", "-e", "_ws.expert.message"));
        return ExternalProcess.run(dir, "tshark-problems", command).trim();
    }
}
