package io.spillway.exporter.protobuf;

import com.google.protobuf.CodedInputStream;
import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.TestRecords;
import io.spillway.exporter.ipfix.SyntheticRecords;
import io.spillway.flow.v1.FlowEndReason;
import io.spillway.flow.v1.NdpiDetection;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-written encoder against protobuf-java's serializer and parser of the generated classes. */
class ProtobufRecordEncoderTest
{
    private final UnsafeBuffer out = new UnsafeBuffer(ByteBuffer.allocateDirect(4 * 4096));

    @Test
    void writesTheBytesOfTheOfficialSerializerForEveryShapeOfRecord() throws Exception
    {
        final List<FlowRecord> records = new ArrayList<>(new SyntheticRecords(13, true, true).next(3000));
        records.addAll(handMade());
        for (final FlowRecord record : records)
        {
            final io.spillway.flow.v1.FlowRecord official = OfficialRecords.of(record);
            assertArrayEquals(official.toByteArray(), encode(record), official.toString());

            final ByteArrayOutputStream delimited = new ByteArrayOutputStream();
            official.writeDelimitedTo(delimited);
            final int end = ProtobufRecordEncoder.encodeDelimited(record, out, 7);
            final byte[] mine = new byte[end - 7];
            out.getBytes(7, mine);
            assertArrayEquals(delimited.toByteArray(), mine, official.toString());
        }
    }

    @Test
    void theGeneratedParserReadsEveryField() throws Exception
    {
        final FlowRecord record = withRoom(TestRecords.ipv4Tcp()).hwPackets(5).hwOctets(700).detection(FlowRecord.DETECTION_GUESSED)
            .masterProtocol(91).appProtocol(124).category(5);
        final byte[] app = "TLS.YouTube".getBytes(StandardCharsets.US_ASCII);
        final byte[] server = "www.youtube.com".getBytes(StandardCharsets.US_ASCII);
        final byte[] category = "Media".getBytes(StandardCharsets.US_ASCII);
        record.names(new UnsafeBuffer(app), 0, app.length, new UnsafeBuffer(server), 0, server.length)
            .categoryName(new UnsafeBuffer(category), 0, category.length);

        final io.spillway.flow.v1.FlowRecord parsed = io.spillway.flow.v1.FlowRecord.parseFrom(encode(record));
        assertEquals(4, parsed.getIpVersion());
        assertEquals(6, parsed.getProtocolIdentifier());
        assertArrayEquals(new byte[]{(byte)192, 0, 2, 1}, parsed.getSourceIpv4Address().toByteArray());
        assertArrayEquals(new byte[]{(byte)198, 51, 100, 7}, parsed.getDestinationIpv4Address().toByteArray());
        assertTrue(parsed.getSourceIpv6Address().isEmpty());
        assertEquals(40000, parsed.getSourceTransportPort());
        assertEquals(443, parsed.getDestinationTransportPort());
        assertEquals(TestRecords.START_MS, parsed.getFlowStartMilliseconds());
        assertEquals(TestRecords.START_MS + 950, parsed.getFlowEndMilliseconds());
        assertEquals(10, parsed.getPacketDeltaCount());
        assertEquals(1500, parsed.getOctetDeltaCount());
        assertEquals(1640, parsed.getLayer2OctetDeltaCount());
        assertEquals(8, parsed.getReversePacketDeltaCount());
        assertEquals(9000, parsed.getReverseOctetDeltaCount());
        assertEquals(9112, parsed.getReverseLayer2OctetDeltaCount());
        assertEquals(TestRecords.START_MS + 20, parsed.getReverseFlowStartMilliseconds());
        assertEquals(TestRecords.START_MS + 950, parsed.getReverseFlowEndMilliseconds());
        assertEquals(0x1B, parsed.getTcpControlBits());
        assertEquals(0x12, parsed.getReverseTcpControlBits());
        assertEquals(FlowEndReason.FLOW_END_REASON_END_OF_FLOW, parsed.getFlowEndReason());
        assertEquals(42, parsed.getVlanId());
        assertEquals(3, parsed.getIngressInterface());
        assertEquals(5, parsed.getHardwarePacketDeltaCount());
        assertEquals(700, parsed.getHardwareLayer2OctetDeltaCount());
        assertEquals("TLS.YouTube", parsed.getApplicationName());
        assertEquals("www.youtube.com", parsed.getServerName());
        assertEquals("Media", parsed.getApplicationCategoryName());
        assertEquals(NdpiDetection.NDPI_DETECTION_GUESSED, parsed.getNdpiDetection());
        assertEquals(91, parsed.getNdpiMasterProtocol());
        assertEquals(124, parsed.getNdpiAppProtocol());
        assertEquals(5, parsed.getNdpiCategory());
        assertEquals(0, parsed.getForwardingStatus());
        assertEquals(0, parsed.getFlowId());
        assertTrue(parsed.getUnknownFields().asMap().isEmpty());
    }

    @Test
    void bytesOutsideAsciiAreLatin1CodePointsInUtf8()
    {
        final byte[] server = {'c', 'a', 'f', (byte)0xE9, 0x01, (byte)0xFF};
        final FlowRecord record = withRoom(TestRecords.ipv4Tcp()).detection(FlowRecord.DETECTION_DETECTED);
        record.names(new UnsafeBuffer(new byte[0]), 0, 0, new UnsafeBuffer(server), 0, server.length);

        final int end = ProtobufRecordEncoder.encode(record, out, 0);
        final byte[] message = new byte[end];
        out.getBytes(0, message);
        final io.spillway.flow.v1.FlowRecord parsed = parse(message);
        assertEquals("caf\u00e9\u0001\u00ff", parsed.getServerName());
    }

    @Test
    void theLargestRecordFitsTheBound()
    {
        final UnsafeBuffer recordBuffer = new UnsafeBuffer(new byte[FlowRecord.MAX_LENGTH]);
        recordBuffer.setMemory(0, FlowRecord.MAX_LENGTH, (byte)0xFF);
        final FlowRecord record = new FlowRecord().wrap(recordBuffer, 0);
        record.ipVersion(6).protocol(6).flags(0).detection(FlowRecord.DETECTION_UNKNOWN);
        final byte[] high = new byte[FlowRecord.MAX_SERVER_NAME_LENGTH];
        Arrays.fill(high, (byte)0xFF);
        final UnsafeBuffer names = new UnsafeBuffer(high);
        record.names(names, 0, FlowRecord.MAX_APP_NAME_LENGTH, names, 0, FlowRecord.MAX_SERVER_NAME_LENGTH)
            .categoryName(names, 0, FlowRecord.MAX_CATEGORY_NAME_LENGTH);

        final int length = ProtobufRecordEncoder.encode(record, out, 0);
        assertTrue(length <= ProtobufRecordEncoder.MAX_MESSAGE_LENGTH, "length " + length);
        assertTrue(length >= 0x80, "a two-byte prefix");
        assertEquals(length + 2, ProtobufRecordEncoder.encodeDelimited(record, out, 0));
        assertEquals(length, ProtobufRecordEncoder.delimitedLength(out, 0));
    }

    @Test
    void encodingAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final List<FlowRecord> records = new SyntheticRecords(51, true, true).next(1000);
        long sum = encodeAll(records, 200_000);
        final long before = threads.getCurrentThreadAllocatedBytes();
        sum += encodeAll(records, 200_000);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertTrue(sum > 0);
        assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes for 200000 records");
    }

    private long encodeAll(final List<FlowRecord> records, final int count)
    {
        long sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += ProtobufRecordEncoder.encodeDelimited(records.get(i % records.size()), out, 0);
        }
        return sum;
    }

    /** Shapes the synthetic records lack: layer-3 only, ICMPv6, an unknown verdict with a category name. */
    private static List<FlowRecord> handMade()
    {
        final byte[] category = "Web".getBytes(StandardCharsets.US_ASCII);
        final FlowRecord unknown = withRoom(TestRecords.ipv6UdpOneWay()).detection(FlowRecord.DETECTION_UNKNOWN)
            .masterProtocol(0).appProtocol(0).category(0);
        unknown.names(new UnsafeBuffer("Unknown".getBytes(StandardCharsets.US_ASCII)), 0, 7,
            new UnsafeBuffer(new byte[0]), 0, 0).categoryName(new UnsafeBuffer(category), 0, category.length);

        return List.of(
            TestRecords.ipv4Tcp(),
            TestRecords.ipv6UdpOneWay(),
            TestRecords.ipv4Tcp().flags(FlowRecord.FLAG_L3_ONLY),
            TestRecords.ipv6UdpOneWay().protocol(58).srcPort(0).dstPort(128 << 8),
            TestRecords.ipv6UdpOneWay().protocol(58).flags(FlowRecord.FLAG_L3_ONLY),
            TestRecords.empty(),
            unknown,
            TestRecords.ipv4Tcp().srcIPv4(0).dstIPv4(0).fwdPackets(0).fwdFirstMillis(0).fwdLastMillis(0));
    }

    /** A copy of {@code record} in a buffer with room for names. */
    private static FlowRecord withRoom(final FlowRecord record)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FlowRecord.MAX_LENGTH + 16]);
        buffer.putBytes(16, record.buffer(), record.offset(), FlowRecord.FIXED_LENGTH);
        return new FlowRecord().wrap(buffer, 16);
    }

    private byte[] encode(final FlowRecord record)
    {
        final int end = ProtobufRecordEncoder.encode(record, out, 3);
        final byte[] bytes = new byte[end - 3];
        out.getBytes(3, bytes);
        return bytes;
    }

    private static io.spillway.flow.v1.FlowRecord parse(final byte[] message)
    {
        try
        {
            return io.spillway.flow.v1.FlowRecord.parseFrom(CodedInputStream.newInstance(message));
        }
        catch (final java.io.IOException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
