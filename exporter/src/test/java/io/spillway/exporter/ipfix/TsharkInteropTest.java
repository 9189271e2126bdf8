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

        final IpfixTshark tshark = new IpfixTshark(dir);
        final List<IpfixTshark.Frame> frames = tshark.frames(IpfixTshark.readFile(file));
        assertEquals(IpfixTshark.ALL_TEMPLATES, frames.get(0).templateIds(), "every template in the first message");
        assertEquals(RECORDS, IpfixTshark.flowRecords(frames));
        assertEquals(packets(records), frames.stream().mapToLong(IpfixTshark.Frame::packets).sum());
        assertEquals("", tshark.problems(IpfixTshark.readFile(file)));
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

        assertTrue(new IpfixTshark(dir).problems(IpfixTshark.readFile(broken)).contains("3"),
            "tshark flags the third message");
    }

    @Test
    void shouldDecodeTheUdpExportCapturedOnLoopback() throws Exception
    {
        final Path capture = dir.resolve("udp.pcapng");
        final List<FlowRecord> records = new SyntheticRecords(43, true, true).next(RECORDS);
        final IpfixTshark tshark = new IpfixTshark(dir);
        try (UdpReceiver receiver = new UdpReceiver())
        {
            final int port = receiver.port();
            try (ExternalProcess capturing = tshark.startLoopbackCapture("udp port " + port, capture))
            {
                final IpfixExporter exporter = Exporters.openIpfix(ExportTarget.parse("ipfix:udp://127.0.0.1:" + port),
                    IpfixOptions.DEFAULTS, SystemEpochClock.INSTANCE, (line) -> { });
                UdpExportTest.exportPaced(exporter, records);
                exporter.close();
                Thread.sleep(500);
                assertTrue(capturing.stop(), "tshark stopped on SIGTERM and wrote its capture: " +
                    capturing.stderrText());
            }

            final List<String> read = IpfixTshark.readExport(capture, "udp", port);
            final List<IpfixTshark.Frame> frames = tshark.frames(read);
            assertEquals(receiver.datagrams().size(), frames.size(), "every datagram captured");
            assertEquals(IpfixTshark.ALL_TEMPLATES, frames.get(0).templateIds());
            assertEquals(RECORDS, IpfixTshark.flowRecords(frames));
            assertEquals("", tshark.problems(read));
        }
    }

    @Test
    void shouldDecodeTheTcpExportCapturedOnLoopback() throws Exception
    {
        final Path capture = dir.resolve("tcp.pcapng");
        final List<FlowRecord> records = new SyntheticRecords(44, true, true).next(RECORDS);
        final IpfixTshark tshark = new IpfixTshark(dir);
        try (TcpTestCollector collector = new TcpTestCollector(0))
        {
            final int port = collector.port();
            try (ExternalProcess capturing = tshark.startLoopbackCapture("tcp port " + port, capture))
            {
                final IpfixExporter exporter = Exporters.openIpfix(ExportTarget.parse("ipfix:tcp://127.0.0.1:" + port),
                    IpfixOptions.DEFAULTS, SystemEpochClock.INSTANCE, (line) -> { });
                UdpExportTest.exportPaced(exporter, records);
                exporter.close();
                collector.stop();
                Thread.sleep(500);
                assertTrue(capturing.stop(), "tshark stopped on SIGTERM and wrote its capture: " +
                    capturing.stderrText());
            }
            assertEquals(RECORDS, collector.flowRecords());

            final List<String> read = IpfixTshark.readExport(capture, "tcp", port);
            final List<IpfixTshark.Frame> frames = tshark.frames(read);
            assertTrue(frames.stream().anyMatch((frame) -> IpfixTshark.ALL_TEMPLATES.equals(frame.templateIds())));
            assertEquals(RECORDS, IpfixTshark.flowRecords(frames));
            assertEquals("", tshark.problems(read, IpfixTshark.TCP_PROBLEMS));
        }
    }

    private static long packets(final List<FlowRecord> records)
    {
        return records.stream().mapToLong((record) -> record.fwdPackets() + record.revPackets()).sum();
    }
}
