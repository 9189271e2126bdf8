package io.spillway.exporter.ipfix;

import io.spillway.exporter.ExportTarget;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowRecord;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    @TempDir
    Path dir;

    @Test
    void shouldReadBackTheSameFlowsPacketsBytesPortsAndProtocols() throws Exception
    {
        final List<FlowRecord> records = new SyntheticRecords(31, true, true).next(3000);
        final List<String> log = new ArrayList<>();
        final List<Nfcapd.Flow> flows;

        try (Nfcapd nfcapd = Nfcapd.start(dir))
        {
            final IpfixExporter exporter = Exporters.openIpfix(
                ExportTarget.parse("ipfix:udp://127.0.0.1:" + nfcapd.port()), IpfixOptions.DEFAULTS,
                SystemEpochClock.INSTANCE, log::add);
            UdpExportTest.exportPaced(exporter, records);
            exporter.close();
            assertEquals(0, exporter.droppedRecords());
            Thread.sleep(500);
            final Nfcapd.Summary summary = nfcapd.stop();
            assertEquals(3000, summary.flows(), summary.log());
            assertEquals(0, summary.sequenceErrors(), summary.log());
            flows = nfcapd.flows();
        }

        final Map<String, FlowRecord> expected = new HashMap<>();
        for (final FlowRecord record : records)
        {
            expected.put(key(record), record);
        }
        assertEquals(records.size(), flows.size());
        for (final Nfcapd.Flow flow : flows)
        {
            final String key = key(flow.source(), flow.destination(), flow.sourcePort(), flow.destinationPort());
            final FlowRecord record = expected.remove(key);
            assertNotNull(record, "nfdump shows a flow that was not sent: " + flow);

            final boolean icmp = 1 == record.protocol() || 58 == record.protocol();
            assertEquals(icmp ? 0 : record.srcPort(), flow.sourcePort(), flow.toString());
            assertEquals(record.dstPort(), flow.destinationPort(), "ICMP type << 8 | code, or the port");
            assertEquals(record.protocol(), flow.protocol(), flow.toString());
            assertEquals(Nfcapd.flagLetters(record.protocol() == 6 ? record.fwdTcpFlags() : 0), flow.tcpFlags(),
                flow.toString());
            assertEquals(record.fwdPackets(), flow.inPackets(), flow.toString());
            assertEquals(record.fwdOctets(), flow.inBytes(), flow.toString());
            assertEquals(record.revPackets(), flow.outPackets(), "reverse packets as out packets: " + flow);
            assertEquals(record.revOctets(), flow.outBytes(), "reverse octets as out bytes: " + flow);
            assertEquals(record.ingressInterface(), flow.inputInterface(), flow.toString());
            assertEquals(record.vlanId(), flow.sourceVlan(), flow.toString());
            assertEquals(record.flowStartMillis(), flow.startMillis(), flow.toString());
            assertEquals(record.flowEndMillis(), flow.endMillis(), flow.toString());
        }
        assertTrue(expected.isEmpty(), expected.size() + " flows missing");
    }

    private static String key(final FlowRecord record) throws Exception
    {
        final byte[] src = RecordChecks.address(record, record.srcAddressOffset());
        final byte[] dst = RecordChecks.address(record, record.dstAddressOffset());
        final boolean ipv6 = 6 == record.ipVersion();
        final boolean icmp = 1 == record.protocol() || 58 == record.protocol();
        return key(InetAddress.getByAddress(ipv6 ? src : Arrays.copyOf(src, 4)),
            InetAddress.getByAddress(ipv6 ? dst : Arrays.copyOf(dst, 4)), icmp ? 0 : record.srcPort(),
            record.dstPort());
    }

    private static String key(final InetAddress src, final InetAddress dst, final int srcPort, final int dstPort)
    {
        return src.getHostAddress() + " " + srcPort + " " + dst.getHostAddress() + " " + dstPort;
    }
}
