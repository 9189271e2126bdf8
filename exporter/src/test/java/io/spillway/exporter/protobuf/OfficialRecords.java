package io.spillway.exporter.protobuf;

import com.google.protobuf.ByteString;
import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.json.JsonRecordEncoder;

import java.nio.charset.StandardCharsets;

/**
 * The generated {@code spillway.flow.v1.FlowRecord} for a flyweight record, built field by field through the
 * official builder and the rules of docs/protobuf.md, independently of {@link ProtobufRecordEncoder}.
 */
public final class OfficialRecords
{
    private OfficialRecords()
    {
    }

    public static io.spillway.flow.v1.FlowRecord of(final FlowRecord record)
    {
        final io.spillway.flow.v1.FlowRecord.Builder message = io.spillway.flow.v1.FlowRecord.newBuilder()
            .setIpVersion(record.ipVersion())
            .setProtocolIdentifier(record.protocol());
        if (4 == record.ipVersion())
        {
            message.setSourceIpv4Address(bytes(record, record.srcAddressOffset(), 4))
                .setDestinationIpv4Address(bytes(record, record.dstAddressOffset(), 4));
        }
        else if (6 == record.ipVersion())
        {
            message.setSourceIpv6Address(bytes(record, record.srcAddressOffset(), 16))
                .setDestinationIpv6Address(bytes(record, record.dstAddressOffset(), 16));
        }

        final boolean l3Only = 0 != (record.flags() & FlowRecord.FLAG_L3_ONLY);
        if (JsonRecordEncoder.hasPorts(record.protocol(), record.flags()))
        {
            message.setSourceTransportPort(record.srcPort()).setDestinationTransportPort(record.dstPort());
        }
        else if (!l3Only && 1 == record.protocol())
        {
            message.setIcmpTypeCodeIpv4(record.dstPort());
        }
        else if (!l3Only && 58 == record.protocol())
        {
            message.setIcmpTypeCodeIpv6(record.dstPort());
        }

        message.setFlowStartMilliseconds(record.flowStartMillis())
            .setFlowEndMilliseconds(record.flowEndMillis())
            .setPacketDeltaCount(record.fwdPackets())
            .setOctetDeltaCount(record.fwdOctets())
            .setLayer2OctetDeltaCount(record.fwdL2Octets())
            .setReversePacketDeltaCount(record.revPackets())
            .setReverseOctetDeltaCount(record.revOctets())
            .setReverseLayer2OctetDeltaCount(record.revL2Octets())
            .setFlowEndReasonValue(record.endReason())
            .setVlanId(record.vlanId())
            .setIngressInterface(record.ingressInterface())
            .setHardwarePacketDeltaCount(record.hwPackets())
            .setHardwareLayer2OctetDeltaCount(record.hwOctets());
        if (0 != record.revPackets())
        {
            message.setReverseFlowStartMilliseconds(record.revFirstMillis())
                .setReverseFlowEndMilliseconds(record.revLastMillis());
        }
        if (6 == record.protocol())
        {
            message.setTcpControlBits(record.fwdTcpFlags()).setReverseTcpControlBits(record.revTcpFlags());
        }

        final int detection = record.detection();
        if (detection >= FlowRecord.DETECTION_DETECTED && detection <= FlowRecord.DETECTION_UNKNOWN)
        {
            message.setApplicationName(latin1(record, record.appNameOffset(), record.appNameLength()))
                .setApplicationCategoryName(latin1(record, record.categoryNameOffset(), record.categoryNameLength()))
                .setServerName(latin1(record, record.serverNameOffset(), record.serverNameLength()))
                .setNdpiDetectionValue(detection)
                .setNdpiMasterProtocol(record.masterProtocol())
                .setNdpiAppProtocol(record.appProtocol())
                .setNdpiCategory(record.category());
        }

        return message.build();
    }

    private static ByteString bytes(final FlowRecord record, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        record.buffer().getBytes(offset, bytes);
        return ByteString.copyFrom(bytes);
    }

    private static String latin1(final FlowRecord record, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        record.buffer().getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
