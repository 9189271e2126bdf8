package io.spillway.exporter.ipfix;

import io.spillway.exporter.FlowRecord;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * In uniflow mode every direction with packets is one record in IANA elements only, decoded by an independent
 * decoder with the registry's element numbers: the reverse direction with addresses and ports swapped and its own
 * counts, flags and times.
 */
class UniflowRoundTripTest
{
    @Test
    void shouldExportEachDirectionWithPacketsAsItsOwnRecord()
    {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(SyntheticRecords.BASE_MS);
        final CapturingTransport transport = new CapturingTransport(IpfixMessageWriter.MAX_MESSAGE_LENGTH);
        final IpfixExporter exporter = new IpfixExporter(
            transport, IpfixOptions.DEFAULTS.withFlows(IpfixFlows.UNI), clock);
        final List<FlowRecord> records = new SyntheticRecords(11, true, true).next(5000);

        final List<FlowRecord> expectedFlows = new ArrayList<>();
        final List<Boolean> expectedReverse = new ArrayList<>();
        for (int i = 0; i < records.size(); i++)
        {
            final FlowRecord record = records.get(i);
            if (0 == i % 7)
            {
                // A later record of an active-timeout flow can have reverse packets only.
                record.fwdPackets(0).fwdOctets(0).fwdL2Octets(0).fwdTcpFlags(0);
            }
            if (0 != record.fwdPackets())
            {
                expectedFlows.add(record);
                expectedReverse.add(false);
            }
            if (0 != record.revPackets())
            {
                expectedFlows.add(record);
                expectedReverse.add(true);
            }
            exporter.onRecord(record);
        }
        exporter.flush();

        final IpfixTestDecoder decoder = transport.decode();
        final Set<Integer> templates = new TreeSet<>(decoder.templates().keySet());
        assertEquals(Set.of(272, 273, 274, 275, 264), templates, "the uniflow templates and the statistics one");
        final List<IpfixTestDecoder.DataRecord> decoded = decoder.records().stream()
            .filter((record) -> record.templateId() != IpfixTemplates.STATISTICS).toList();
        assertEquals(expectedFlows.size(), decoded.size());
        for (int i = 0; i < decoded.size(); i++)
        {
            assertSameDirection(expectedFlows.get(i), expectedReverse.get(i), decoded.get(i));
        }
        assertEquals(expectedFlows.size(), transport.sentFlowRecords(), "IPFIX records are counted, not flows");
    }

    private static void assertSameDirection(
        final FlowRecord flow, final boolean reverse, final IpfixTestDecoder.DataRecord actual)
    {
        final String where = (reverse ? "reverse" : "forward") + " record of template " + actual.templateId();
        for (final String key : actual.values().keySet())
        {
            assertFalse(key.contains("/"), where + ": an enterprise element " + key);
        }

        final boolean ipv6 = 6 == flow.ipVersion();
        final int source = reverse ? flow.dstAddressOffset() : flow.srcAddressOffset();
        final int destination = reverse ? flow.srcAddressOffset() : flow.dstAddressOffset();
        if (ipv6)
        {
            assertArrayEquals(RecordChecks.address(flow, source), actual.bytes("27"), where);
            assertArrayEquals(RecordChecks.address(flow, destination), actual.bytes("28"), where);
            assertNull(actual.bytes("8"), where);
        }
        else
        {
            assertEquals((reverse ? flow.dstIPv4() : flow.srcIPv4()) & 0xFFFF_FFFFL, actual.unsigned("8"), where);
            assertEquals((reverse ? flow.srcIPv4() : flow.dstIPv4()) & 0xFFFF_FFFFL, actual.unsigned("12"), where);
            assertNull(actual.bytes("27"), where);
        }

        final boolean icmp = 1 == flow.protocol() || 58 == flow.protocol();
        final boolean ports = !icmp && 0 == (flow.flags() & FlowRecord.FLAG_L3_ONLY);
        assertEquals(flow.protocol(), actual.unsigned("4"), where);
        assertEquals(ports ? (reverse ? flow.dstPort() : flow.srcPort()) : 0, actual.unsigned("7"), where);
        assertEquals(ports ? (reverse ? flow.srcPort() : flow.dstPort()) : 0, actual.unsigned("11"), where);
        assertEquals(icmp ? flow.dstPort() : 0, actual.unsigned(ipv6 ? "139" : "32"), where);
        assertEquals(reverse ? flow.revTcpFlags() : flow.fwdTcpFlags(), actual.unsigned("6"), where);
        assertEquals(flow.vlanId(), actual.unsigned("58"), where);
        assertEquals(flow.ingressInterface(), actual.unsigned("10"), where);
        assertEquals(flow.endReason(), actual.unsigned("136"), where);
        assertEquals(reverse ? flow.revFirstMillis() : flow.fwdFirstMillis(), actual.unsigned("152"), where);
        assertEquals(reverse ? flow.revLastMillis() : flow.fwdLastMillis(), actual.unsigned("153"), where);
        assertEquals(reverse ? flow.revPackets() : flow.fwdPackets(), actual.unsigned("2"), where);
        assertEquals(reverse ? flow.revOctets() : flow.fwdOctets(), actual.unsigned("1"), where);
        assertEquals(reverse ? flow.revL2Octets() : flow.fwdL2Octets(), actual.unsigned("352"), where);

        final boolean application = flow.detection() != 0 || flow.appNameLength() > 0 || flow.serverNameLength() > 0;
        assertEquals(application ? 17 : 15, actual.values().size(), where + ": fields " + actual.values().keySet());
        if (application)
        {
            final int selector = 0 != flow.appProtocol() ? flow.appProtocol() : flow.masterProtocol();
            assertArrayEquals(new byte[]{ 20, 0, 0, (byte)0x8B, 0x30, (byte)(selector >> 8), (byte)selector },
                actual.bytes("95"), where);
            final byte[] name = new byte[flow.appNameLength()];
            flow.buffer().getBytes(flow.appNameOffset(), name);
            assertEquals(new String(name, StandardCharsets.US_ASCII), actual.text("96"), where);
        }
    }
}
