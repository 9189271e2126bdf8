package io.spillway.exporter.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.exporter.FlowEndReason;
import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.TestRecords;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.spillway.exporter.TestRecords.START_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JSON line format of docs/json.md, checked by parsing every line with Jackson.
 */
class JsonRecordFormatTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void shouldWriteIPv4TcpRecordWithAllFieldsInDocumentedOrder() throws Exception
    {
        final JsonNode json = encodeOne(TestRecords.ipv4Tcp());

        assertEquals(List.of(
            "sourceIPv4Address", "destinationIPv4Address", "sourceTransportPort", "destinationTransportPort",
            "protocolIdentifier", "ipVersion", "vlanId", "ingressInterface", "flowStartMilliseconds",
            "flowEndMilliseconds", "packetDeltaCount", "octetDeltaCount", "layer2OctetDeltaCount",
            "reversePacketDeltaCount", "reverseOctetDeltaCount", "reverseLayer2OctetDeltaCount",
            "reverseFlowStartMilliseconds", "reverseFlowEndMilliseconds", "tcpControlBits", "reverseTcpControlBits",
            "flowEndReason"), fieldNames(json));
        assertEquals("192.0.2.1", json.get("sourceIPv4Address").textValue());
        assertEquals("198.51.100.7", json.get("destinationIPv4Address").textValue());
        assertEquals(40000, json.get("sourceTransportPort").intValue());
        assertEquals(443, json.get("destinationTransportPort").intValue());
        assertEquals(6, json.get("protocolIdentifier").intValue());
        assertEquals(4, json.get("ipVersion").intValue());
        assertEquals(42, json.get("vlanId").intValue());
        assertEquals(3, json.get("ingressInterface").intValue());
        assertEquals(START_MS, json.get("flowStartMilliseconds").longValue());
        assertEquals(START_MS + 950, json.get("flowEndMilliseconds").longValue());
        assertEquals(10, json.get("packetDeltaCount").longValue());
        assertEquals(1500, json.get("octetDeltaCount").longValue());
        assertEquals(1640, json.get("layer2OctetDeltaCount").longValue());
        assertEquals(8, json.get("reversePacketDeltaCount").longValue());
        assertEquals(9000, json.get("reverseOctetDeltaCount").longValue());
        assertEquals(9112, json.get("reverseLayer2OctetDeltaCount").longValue());
        assertEquals(START_MS + 20, json.get("reverseFlowStartMilliseconds").longValue());
        assertEquals(START_MS + 950, json.get("reverseFlowEndMilliseconds").longValue());
        assertEquals(0x1B, json.get("tcpControlBits").intValue());
        assertEquals(0x12, json.get("reverseTcpControlBits").intValue());
        assertEquals(FlowEndReason.END_OF_FLOW, json.get("flowEndReason").intValue());
        assertTrue(json.get("flowStartMilliseconds").isIntegralNumber());
    }

    @Test
    void shouldOmitVlanReverseTimesAndTcpBitsForUntaggedOneWayUdp() throws Exception
    {
        final JsonNode json = encodeOne(TestRecords.ipv6UdpOneWay());

        assertEquals(List.of(
            "sourceIPv6Address", "destinationIPv6Address", "sourceTransportPort", "destinationTransportPort",
            "protocolIdentifier", "ipVersion", "ingressInterface", "flowStartMilliseconds", "flowEndMilliseconds",
            "packetDeltaCount", "octetDeltaCount", "layer2OctetDeltaCount", "reversePacketDeltaCount",
            "reverseOctetDeltaCount", "reverseLayer2OctetDeltaCount", "flowEndReason"), fieldNames(json));
        assertEquals("2001:db8::1", json.get("sourceIPv6Address").textValue());
        assertEquals("2001:db8::2", json.get("destinationIPv6Address").textValue());
        assertEquals(5353, json.get("sourceTransportPort").intValue());
        assertEquals(53, json.get("destinationTransportPort").intValue());
        assertEquals(17, json.get("protocolIdentifier").intValue());
        assertEquals(6, json.get("ipVersion").intValue());
        assertEquals(START_MS, json.get("flowStartMilliseconds").longValue());
        assertEquals(START_MS, json.get("flowEndMilliseconds").longValue());
        assertEquals(0, json.get("reversePacketDeltaCount").longValue());
        assertEquals(0, json.get("reverseOctetDeltaCount").longValue());
        assertEquals(0, json.get("reverseLayer2OctetDeltaCount").longValue());
        assertEquals(FlowEndReason.IDLE_TIMEOUT, json.get("flowEndReason").intValue());
    }

    @Test
    void shouldWriteTheHardwareShareAfterTheEndReasonOnlyWhenADeviceCountedPart() throws Exception
    {
        final JsonNode offloaded = encodeOne(TestRecords.ipv4Tcp().hwPackets(12).hwOctets(15_200));
        final List<String> names = fieldNames(offloaded);

        assertEquals(List.of("flowEndReason", "hardwarePacketDeltaCount", "hardwareLayer2OctetDeltaCount"),
            names.subList(names.size() - 3, names.size()));
        assertEquals(12, offloaded.get("hardwarePacketDeltaCount").longValue());
        assertEquals(15_200, offloaded.get("hardwareLayer2OctetDeltaCount").longValue());
        assertFalse(fieldNames(encodeOne(TestRecords.ipv4Tcp())).contains("hardwarePacketDeltaCount"));
    }

    @Test
    void shouldTakeBiflowStartFromReverseDirectionWhenItsFirstPacketCameFirst() throws Exception
    {
        // Can happen when the cache only saw the reply's first packet after a previous record of the flow.
        final FlowRecord record = TestRecords.ipv4Tcp().revFirstMillis(START_MS - 5).revLastMillis(START_MS + 2000);
        final JsonNode json = encodeOne(record);

        assertEquals(START_MS - 5, json.get("flowStartMilliseconds").longValue());
        assertEquals(START_MS + 2000, json.get("flowEndMilliseconds").longValue());
        assertEquals(START_MS - 5, json.get("reverseFlowStartMilliseconds").longValue());
    }

    @Test
    void shouldWriteMaximumUnsignedCountersExactly() throws Exception
    {
        final FlowRecord record = TestRecords.ipv4Tcp()
            .fwdPackets(-1L)
            .fwdOctets(-1L)
            .fwdL2Octets(Long.MIN_VALUE)
            .revPackets(-1L)
            .revOctets(Long.MAX_VALUE)
            .revL2Octets(-2L);
        final JsonNode json = encodeOne(record);

        final BigInteger max = new BigInteger("18446744073709551615");
        assertEquals(max, json.get("packetDeltaCount").bigIntegerValue());
        assertEquals(max, json.get("octetDeltaCount").bigIntegerValue());
        assertEquals(new BigInteger("9223372036854775808"), json.get("layer2OctetDeltaCount").bigIntegerValue());
        assertEquals(max, json.get("reversePacketDeltaCount").bigIntegerValue());
        assertEquals(BigInteger.valueOf(Long.MAX_VALUE), json.get("reverseOctetDeltaCount").bigIntegerValue());
        assertEquals(max.subtract(BigInteger.ONE), json.get("reverseLayer2OctetDeltaCount").bigIntegerValue());
    }

    @Test
    void shouldOmitPortsForLayer3OnlyFlowsAndForProtocolsWithoutPorts() throws Exception
    {
        final JsonNode fragments = encodeOne(TestRecords.ipv4Tcp().flags(FlowRecord.FLAG_L3_ONLY));
        final JsonNode icmp = encodeOne(TestRecords.ipv4Tcp().protocol(1).srcPort(0).dstPort(0x0800));
        final JsonNode sctp = encodeOne(TestRecords.ipv4Tcp().protocol(132));

        assertTrue(fragments.has("tcpControlBits"));
        assertTrue(!fragments.has("sourceTransportPort") && !fragments.has("destinationTransportPort"));
        assertTrue(!icmp.has("sourceTransportPort") && !icmp.has("destinationTransportPort"));
        assertTrue(!icmp.has("tcpControlBits") && !icmp.has("reverseTcpControlBits"));
        assertEquals(1, icmp.get("protocolIdentifier").intValue());
        assertEquals(0x0800, icmp.get("icmpTypeCodeIPv4").intValue());
        assertTrue(!icmp.has("icmpTypeCodeIPv6"));
        assertEquals(443, sctp.get("destinationTransportPort").intValue());
    }

    @Test
    void shouldWriteIcmpv6TypeAndCodeButNotForLayer3OnlyFlows() throws Exception
    {
        final JsonNode icmpv6 = encodeOne(TestRecords.ipv4Tcp().protocol(58).srcPort(0).dstPort(0x8000));
        final JsonNode fragment =
            encodeOne(TestRecords.ipv4Tcp().protocol(1).dstPort(0).flags(FlowRecord.FLAG_L3_ONLY));

        assertEquals(0x8000, icmpv6.get("icmpTypeCodeIPv6").intValue());
        assertTrue(!icmpv6.has("icmpTypeCodeIPv4"));
        assertTrue(!fragment.has("icmpTypeCodeIPv4"));
    }

    @Test
    void shouldWriteFullWidthValuesOfNarrowFields() throws Exception
    {
        final FlowRecord record = TestRecords.ipv4Tcp()
            .srcPort(65535)
            .dstPort(0)
            .vlanId(4095)
            .ingressInterface(65535)
            .protocol(6)
            .fwdTcpFlags(0xFF)
            .revTcpFlags(0x80)
            .endReason(FlowEndReason.LACK_OF_RESOURCES);
        final JsonNode json = encodeOne(record);

        assertEquals(65535, json.get("sourceTransportPort").intValue());
        assertEquals(0, json.get("destinationTransportPort").intValue());
        assertEquals(4095, json.get("vlanId").intValue());
        assertEquals(65535, json.get("ingressInterface").intValue());
        assertEquals(255, json.get("tcpControlBits").intValue());
        assertEquals(128, json.get("reverseTcpControlBits").intValue());
        assertEquals(5, json.get("flowEndReason").intValue());
    }

    @Test
    void shouldWriteIPv4MappedAndAllZeroIPv6Addresses() throws Exception
    {
        final FlowRecord record = TestRecords.ipv6UdpOneWay().srcIPv6(0, 0x0000FFFFC0000201L).dstIPv6(0, 0);
        final JsonNode json = encodeOne(record);

        assertEquals("::ffff:192.0.2.1", json.get("sourceIPv6Address").textValue());
        assertEquals("::", json.get("destinationIPv6Address").textValue());
    }

    @Test
    void shouldWriteNoAddressesForAnUnknownIpVersion() throws Exception
    {
        final JsonNode json = encodeOne(TestRecords.ipv4Tcp().ipVersion(0));

        assertEquals("sourceTransportPort", json.fieldNames().next());
        assertEquals(0, json.get("ipVersion").intValue());
    }

    @Test
    void shouldStayWithinMaxLineLengthForTheLongestRecord() throws Exception
    {
        final FlowRecord longest = TestRecords.empty()
            .ipVersion(6)
            .protocol(6)
            .srcIPv6(0xFFFFFFFFFFFFFFFFL, 0xFFFFFFFFFFFFFFFFL)
            .dstIPv6(0xFFFFFFFFFFFFFFFFL, 0xFFFFFFFFFFFFFFFFL)
            .srcPort(65535).dstPort(65535).vlanId(65535).ingressInterface(65535)
            .fwdPackets(-1L).fwdOctets(-1L).fwdL2Octets(-1L)
            .revPackets(-1L).revOctets(-1L).revL2Octets(-1L)
            .fwdFirstMillis(Long.MIN_VALUE).fwdLastMillis(Long.MIN_VALUE)
            .revFirstMillis(Long.MIN_VALUE).revLastMillis(Long.MIN_VALUE)
            .fwdTcpFlags(255).revTcpFlags(255).endReason(255);
        final byte[] line = new byte[2 * JsonRecordEncoder.MAX_LINE_LENGTH];
        final int length = JsonRecordEncoder.encode(longest, line, 0);

        assertTrue(length <= JsonRecordEncoder.MAX_LINE_LENGTH, "longest line " + length);
        assertEquals(-9223372036854775808L,
            MAPPER.readTree(new String(line, 0, length, StandardCharsets.US_ASCII))
                .get("reverseFlowStartMilliseconds").longValue());
    }

    @Test
    void shouldWriteOneNewlineTerminatedAsciiLinePerRecord() throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final JsonLinesExporter exporter = new JsonLinesExporter(out, "memory", false);
        final FlowRecord ipv4 = TestRecords.ipv4Tcp();
        final FlowRecord ipv6 = TestRecords.ipv6UdpOneWay();
        for (int i = 0; i < 5000; i++)
        {
            exporter.onRecord(0 == (i & 1) ? ipv4 : ipv6.srcPort(i));
        }
        exporter.close();

        final String text = out.toString(StandardCharsets.US_ASCII);
        final String[] lines = text.split("\n", -1);
        assertEquals(5001, lines.length);
        assertEquals("", lines[5000]);
        for (int i = 0; i < 5000; i++)
        {
            final JsonNode json = MAPPER.readTree(lines[i]);
            assertEquals(0 == (i & 1) ? 40000 : i, json.get("sourceTransportPort").intValue());
        }
        assertEquals(0, exporter.droppedRecords());
    }

    @Test
    void shouldMatchTheDocumentedExampleLine() throws Exception
    {
        final String line = new String(encodeLine(TestRecords.ipv4Tcp()), StandardCharsets.US_ASCII);

        assertEquals("{\"sourceIPv4Address\":\"192.0.2.1\",\"destinationIPv4Address\":\"198.51.100.7\"," +
            "\"sourceTransportPort\":40000,\"destinationTransportPort\":443,\"protocolIdentifier\":6," +
            "\"ipVersion\":4,\"vlanId\":42,\"ingressInterface\":3,\"flowStartMilliseconds\":1700000000000," +
            "\"flowEndMilliseconds\":1700000000950,\"packetDeltaCount\":10,\"octetDeltaCount\":1500," +
            "\"layer2OctetDeltaCount\":1640,\"reversePacketDeltaCount\":8,\"reverseOctetDeltaCount\":9000," +
            "\"reverseLayer2OctetDeltaCount\":9112,\"reverseFlowStartMilliseconds\":1700000000020," +
            "\"reverseFlowEndMilliseconds\":1700000000950,\"tcpControlBits\":27,\"reverseTcpControlBits\":18," +
            "\"flowEndReason\":3}\n", line);
    }

    private static JsonNode encodeOne(final FlowRecord record) throws Exception
    {
        final byte[] line = encodeLine(record);
        assertEquals('\n', line[line.length - 1]);
        for (int i = 0; i < line.length - 1; i++)
        {
            assertTrue(line[i] >= 0x20 && line[i] < 0x7F, "printable ASCII only");
        }

        return MAPPER.readTree(line);
    }

    private static byte[] encodeLine(final FlowRecord record)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonLinesExporter exporter = new JsonLinesExporter(out, "memory", false))
        {
            exporter.onRecord(record);
        }

        return out.toByteArray();
    }

    private static List<String> fieldNames(final JsonNode json)
    {
        final List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
