package io.spillway.exporter.ipfix;

import io.spillway.exporter.ExportTarget;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowRecord;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nfcapd 1.7 collects a UDP export; nfdump reads the flows back and they match the records sent.
 * <p>
 * nfdump 1.7 maps the RFC 5103 reverse packet and octet counts (29305/2, 29305/1) to its "out" packets and bytes;
 * it has no other reverse fields and reads 29305/6, /152 and /153 as the forward elements, which the template
 * order makes harmless (see IpfixTemplates). Layer-2 octets, applicationName and Spillway's elements are not stored.
 */
class NfdumpInteropTest
{
    private static final DateTimeFormatter SECONDS =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String FLAG_LETTERS = "CEUAPRSF";

    @TempDir
    Path dir;

    @Test
    void shouldReadBackTheSameFlowsPacketsBytesPortsAndProtocols() throws Exception
    {
        final int port = freeUdpPort();
        final Path flowDir = Files.createDirectories(dir.resolve("flows"));
        final List<FlowRecord> records = new SyntheticRecords(31, true, true).next(3000);
        final List<String> log = new ArrayList<>();

        try (ExternalProcess nfcapd = ExternalProcess.start(dir, "nfcapd", List.of("nfcapd", "-b", "127.0.0.1",
            "-p", Integer.toString(port), "-w", flowDir.toString(), "-B", "8000000")))
        {
            nfcapd.awaitStderr("Startup nfcapd", 20);
            final IpfixExporter exporter = Exporters.openIpfix(ExportTarget.parse("ipfix:udp://127.0.0.1:" + port),
                IpfixOptions.DEFAULTS, SystemEpochClock.INSTANCE, log::add);
            UdpExportTest.exportPaced(exporter, records);
            exporter.close();
            assertEquals(0, exporter.droppedRecords());
            Thread.sleep(500);
            nfcapd.stop();
            assertTrue(nfcapd.stderrText().contains("Flows: 3000,"), nfcapd.stderrText());
            assertTrue(nfcapd.stderrText().contains("Sequence Errors: 0,"), nfcapd.stderrText());
        }

        final Path file;
        try (Stream<Path> files = Files.list(flowDir))
        {
            file = files.filter((p) -> p.getFileName().toString().matches("nfcapd\\.\\d{12}")).findFirst()
                .orElseThrow(() -> new AssertionError("nfcapd wrote no flow file in " + flowDir));
        }
        final String csv = ExternalProcess.run(dir, "nfdump", List.of("nfdump", "-r", file.toString(), "-o", "csv",
            "-q"));

        final Map<String, FlowRecord> expected = new HashMap<>();
        for (final FlowRecord record : records)
        {
            expected.put(key(record), record);
        }
        final List<String> lines = csv.lines().filter((line) -> !line.isBlank()).toList();
        assertEquals(records.size(), lines.size());
        for (final String line : lines)
        {
            final String[] column = line.split(",");
            final String key = key(InetAddress.getByName(column[3]), InetAddress.getByName(column[4]),
                Integer.parseInt(column[5]), Integer.parseInt(column[6]));
            final FlowRecord record = expected.remove(key);
            assertNotNull(record, "nfdump shows a flow that was not sent: " + line);

            final boolean icmp = 1 == record.protocol() || 58 == record.protocol();
            assertEquals(icmp ? 0 : record.srcPort(), Integer.parseInt(column[5]), line);
            assertEquals(record.dstPort(), Integer.parseInt(column[6]), "ICMP type << 8 | code, or the port");
            assertEquals(record.protocol(), protocolNumber(column[7]), line);
            assertEquals(flags(record.protocol() == 6 ? record.fwdTcpFlags() : 0), column[8], line);
            assertEquals(record.fwdPackets(), Long.parseLong(column[11]), line);
            assertEquals(record.fwdOctets(), Long.parseLong(column[12]), line);
            assertEquals(record.revPackets(), Long.parseLong(column[13]), "reverse packets as out packets: " + line);
            assertEquals(record.revOctets(), Long.parseLong(column[14]), "reverse octets as out bytes: " + line);
            assertEquals(record.ingressInterface(), Integer.parseInt(column[15]), line);
            assertEquals(record.vlanId(), Integer.parseInt(column[25]), line);
            assertEquals(SECONDS.format(Instant.ofEpochMilli(record.flowStartMillis())), column[0], line);
            final long durationMillis = record.flowEndMillis() - record.flowStartMillis();
            assertEquals(String.format("%d.%03d", durationMillis / 1000, durationMillis % 1000), column[2].trim(),
                line);
        }
        assertTrue(expected.isEmpty(), expected.size() + " flows missing");
    }

    private static int protocolNumber(final String name)
    {
        return switch (name)
        {
            case "TCP" -> 6;
            case "UDP" -> 17;
            case "ICMP" -> 1;
            case "ICMP6" -> 58;
            default -> throw new AssertionError("unexpected protocol name " + name);
        };
    }

    private static String flags(final int bits)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < FLAG_LETTERS.length(); i++)
        {
            text.append(0 != (bits & (0x80 >> i)) ? FLAG_LETTERS.charAt(i) : '.');
        }
        return text.toString();
    }

    private static String key(final FlowRecord record) throws Exception
    {
        final byte[] src = RecordChecks.address(record, record.srcAddressOffset());
        final byte[] dst = RecordChecks.address(record, record.dstAddressOffset());
        final boolean ipv6 = 6 == record.ipVersion();
        final boolean icmp = 1 == record.protocol() || 58 == record.protocol();
        return key(InetAddress.getByAddress(ipv6 ? src : java.util.Arrays.copyOf(src, 4)),
            InetAddress.getByAddress(ipv6 ? dst : java.util.Arrays.copyOf(dst, 4)), icmp ? 0 : record.srcPort(),
            record.dstPort());
    }

    private static String key(final InetAddress src, final InetAddress dst, final int srcPort, final int dstPort)
    {
        return src.getHostAddress() + " " + srcPort + " " + dst.getHostAddress() + " " + dstPort;
    }

    static int freeUdpPort() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)))
        {
            return socket.getLocalPort();
        }
    }
}
