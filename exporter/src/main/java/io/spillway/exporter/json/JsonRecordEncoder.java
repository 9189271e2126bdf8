package io.spillway.exporter.json;

import io.spillway.exporter.FlowRecord;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes one {@link FlowRecord} as one line of JSON (ASCII, ending in '\n') into a byte array, without allocating.
 * Field names are IANA IPFIX Information Element names, reverse direction names those of RFC 5103; the format is
 * documented in docs/json.md, which must change with this class.
 */
public final class JsonRecordEncoder
{
    /** Upper bound of one encoded line: callers make this much room before {@link #encode}. */
    public static final int MAX_LINE_LENGTH = 4096;

    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_ICMP = 1;
    private static final int PROTOCOL_UDP = 17;
    private static final int PROTOCOL_ICMPV6 = 58;
    private static final int PROTOCOL_DCCP = 33;
    private static final int PROTOCOL_SCTP = 132;
    private static final int PROTOCOL_UDP_LITE = 136;

    private static final byte[] SOURCE_IPV4_ADDRESS = name("sourceIPv4Address");
    private static final byte[] DESTINATION_IPV4_ADDRESS = name("destinationIPv4Address");
    private static final byte[] SOURCE_IPV6_ADDRESS = name("sourceIPv6Address");
    private static final byte[] DESTINATION_IPV6_ADDRESS = name("destinationIPv6Address");
    private static final byte[] SOURCE_TRANSPORT_PORT = name("sourceTransportPort");
    private static final byte[] DESTINATION_TRANSPORT_PORT = name("destinationTransportPort");
    private static final byte[] PROTOCOL_IDENTIFIER = name("protocolIdentifier");
    private static final byte[] ICMP_TYPE_CODE_IPV4 = name("icmpTypeCodeIPv4");
    private static final byte[] ICMP_TYPE_CODE_IPV6 = name("icmpTypeCodeIPv6");
    private static final byte[] IP_VERSION = name("ipVersion");
    private static final byte[] VLAN_ID = name("vlanId");
    private static final byte[] INGRESS_INTERFACE = name("ingressInterface");
    private static final byte[] FLOW_START_MILLISECONDS = name("flowStartMilliseconds");
    private static final byte[] FLOW_END_MILLISECONDS = name("flowEndMilliseconds");
    private static final byte[] PACKET_DELTA_COUNT = name("packetDeltaCount");
    private static final byte[] OCTET_DELTA_COUNT = name("octetDeltaCount");
    private static final byte[] LAYER2_OCTET_DELTA_COUNT = name("layer2OctetDeltaCount");
    private static final byte[] REVERSE_PACKET_DELTA_COUNT = name("reversePacketDeltaCount");
    private static final byte[] REVERSE_OCTET_DELTA_COUNT = name("reverseOctetDeltaCount");
    private static final byte[] REVERSE_LAYER2_OCTET_DELTA_COUNT = name("reverseLayer2OctetDeltaCount");
    private static final byte[] REVERSE_FLOW_START_MILLISECONDS = name("reverseFlowStartMilliseconds");
    private static final byte[] REVERSE_FLOW_END_MILLISECONDS = name("reverseFlowEndMilliseconds");
    private static final byte[] TCP_CONTROL_BITS = name("tcpControlBits");
    private static final byte[] REVERSE_TCP_CONTROL_BITS = name("reverseTcpControlBits");
    private static final byte[] FLOW_END_REASON = name("flowEndReason");
    private static final byte[] HARDWARE_PACKET_DELTA_COUNT = name("hardwarePacketDeltaCount");
    private static final byte[] HARDWARE_LAYER2_OCTET_DELTA_COUNT = name("hardwareLayer2OctetDeltaCount");
    private static final byte[] APPLICATION_NAME = name("applicationName");
    private static final byte[] APPLICATION_CATEGORY_NAME = name("applicationCategoryName");
    private static final byte[] SERVER_NAME = name("serverName");
    private static final byte[] NDPI_DETECTION = name("ndpiDetection");
    private static final byte[] NDPI_MASTER_PROTOCOL = name("ndpiMasterProtocol");
    private static final byte[] NDPI_APP_PROTOCOL = name("ndpiAppProtocol");
    private static final byte[][] DETECTION_NAMES = {
        null, quoted("detected"), quoted("guessed"), quoted("unknown")};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private JsonRecordEncoder()
    {
    }

    /**
     * Encodes {@code record} as one JSON object followed by '\n'.
     *
     * @param dst   array with at least {@link #MAX_LINE_LENGTH} bytes free from {@code index}.
     * @param index where the line starts.
     * @return the index just past the '\n'.
     */
    public static int encode(final FlowRecord record, final byte[] dst, final int index)
    {
        final int ipVersion = record.ipVersion() & 0xFF;
        final int protocol = record.protocol();
        final DirectBuffer buffer = record.buffer();
        final int srcOffset = record.srcAddressOffset();
        final int dstOffset = record.dstAddressOffset();

        int i = index;
        dst[i++] = '{';
        if (4 == ipVersion)
        {
            i = putIPv4Field(dst, i, SOURCE_IPV4_ADDRESS, record.srcIPv4());
            i = putIPv4Field(dst, i, DESTINATION_IPV4_ADDRESS, record.dstIPv4());
        }
        else if (6 == ipVersion)
        {
            i = putIPv6Field(dst, i, SOURCE_IPV6_ADDRESS, buffer, srcOffset);
            i = putIPv6Field(dst, i, DESTINATION_IPV6_ADDRESS, buffer, dstOffset);
        }

        if (hasPorts(protocol, record.flags()))
        {
            i = putField(dst, i, SOURCE_TRANSPORT_PORT, record.srcPort());
            i = putField(dst, i, DESTINATION_TRANSPORT_PORT, record.dstPort());
        }
        else if (0 == (record.flags() & FlowRecord.FLAG_L3_ONLY) && (PROTOCOL_ICMP == protocol ||
            PROTOCOL_ICMPV6 == protocol))
        {
            // The probe keeps ICMP type << 8 | code in the destination port, the NetFlow convention.
            i = putField(dst, i, PROTOCOL_ICMP == protocol ? ICMP_TYPE_CODE_IPV4 : ICMP_TYPE_CODE_IPV6,
                record.dstPort());
        }
        i = putField(dst, i, PROTOCOL_IDENTIFIER, protocol);
        i = putField(dst, i, IP_VERSION, ipVersion);

        final int vlanId = record.vlanId();
        if (0 != vlanId)
        {
            i = putField(dst, i, VLAN_ID, vlanId);
        }
        i = putField(dst, i, INGRESS_INTERFACE, record.ingressInterface());
        i = putSignedField(dst, i, FLOW_START_MILLISECONDS, record.flowStartMillis());
        i = putSignedField(dst, i, FLOW_END_MILLISECONDS, record.flowEndMillis());

        i = putField(dst, i, PACKET_DELTA_COUNT, record.fwdPackets());
        i = putField(dst, i, OCTET_DELTA_COUNT, record.fwdOctets());
        i = putField(dst, i, LAYER2_OCTET_DELTA_COUNT, record.fwdL2Octets());

        final long reversePackets = record.revPackets();
        i = putField(dst, i, REVERSE_PACKET_DELTA_COUNT, reversePackets);
        i = putField(dst, i, REVERSE_OCTET_DELTA_COUNT, record.revOctets());
        i = putField(dst, i, REVERSE_LAYER2_OCTET_DELTA_COUNT, record.revL2Octets());
        if (0 != reversePackets)
        {
            i = putSignedField(dst, i, REVERSE_FLOW_START_MILLISECONDS, record.revFirstMillis());
            i = putSignedField(dst, i, REVERSE_FLOW_END_MILLISECONDS, record.revLastMillis());
        }

        if (PROTOCOL_TCP == protocol)
        {
            i = putField(dst, i, TCP_CONTROL_BITS, record.fwdTcpFlags());
            i = putField(dst, i, REVERSE_TCP_CONTROL_BITS, record.revTcpFlags());
        }
        i = putField(dst, i, FLOW_END_REASON, record.endReason());

        // The offload device's share, only for records it counted part of (as IPFIX's hardware templates).
        final long hwPackets = record.hwPackets();
        final long hwOctets = record.hwOctets();
        if (0 != hwPackets || 0 != hwOctets)
        {
            i = putField(dst, i, HARDWARE_PACKET_DELTA_COUNT, hwPackets);
            i = putField(dst, i, HARDWARE_LAYER2_OCTET_DELTA_COUNT, hwOctets);
        }

        final int detection = record.detection();
        if (detection > FlowRecord.DETECTION_NONE && detection < DETECTION_NAMES.length)
        {
            i = putStringField(dst, i, APPLICATION_NAME, buffer, record.appNameOffset(), record.appNameLength());
            i = putStringField(dst, i, APPLICATION_CATEGORY_NAME, buffer, record.categoryNameOffset(),
                record.categoryNameLength());
            if (record.serverNameLength() > 0)
            {
                i = putStringField(dst, i, SERVER_NAME, buffer, record.serverNameOffset(), record.serverNameLength());
            }
            i = putName(dst, i, NDPI_DETECTION);
            i = putName(dst, i, DETECTION_NAMES[detection]);
            dst[i++] = ',';
            i = putField(dst, i, NDPI_MASTER_PROTOCOL, record.masterProtocol());
            i = putField(dst, i, NDPI_APP_PROTOCOL, record.appProtocol());
        }

        // Every field ends in ','; the last one becomes the closing brace.
        dst[i - 1] = '}';
        dst[i] = '\n';

        return i + 1;
    }

    /** Ports exist for transports that have them, unless the probe saw no transport header at all. */
    public static boolean hasPorts(final int protocol, final int flags)
    {
        if (0 != (flags & FlowRecord.FLAG_L3_ONLY))
        {
            return false;
        }

        return switch (protocol)
        {
            case PROTOCOL_TCP, PROTOCOL_UDP, PROTOCOL_DCCP, PROTOCOL_SCTP, PROTOCOL_UDP_LITE -> true;
            default -> false;
        };
    }

    private static int putField(final byte[] dst, final int index, final byte[] name, final long unsignedValue)
    {
        final int i = DecimalAscii.putUnsigned(dst, putName(dst, index, name), unsignedValue);
        dst[i] = ',';

        return i + 1;
    }

    private static int putSignedField(final byte[] dst, final int index, final byte[] name, final long value)
    {
        final int i = DecimalAscii.putSigned(dst, putName(dst, index, name), value);
        dst[i] = ',';

        return i + 1;
    }

    private static int putIPv4Field(final byte[] dst, final int index, final byte[] name, final int address)
    {
        int i = putName(dst, index, name);
        dst[i++] = '"';
        i = AddressAscii.putIPv4(dst, i, address);
        dst[i++] = '"';
        dst[i++] = ',';

        return i;
    }

    private static int putIPv6Field(
        final byte[] dst, final int index, final byte[] name, final DirectBuffer buffer, final int addressOffset)
    {
        final long hi = buffer.getLong(addressOffset, ByteOrder.BIG_ENDIAN);
        final long lo = buffer.getLong(addressOffset + 8, ByteOrder.BIG_ENDIAN);

        int i = putName(dst, index, name);
        dst[i++] = '"';
        i = AddressAscii.putIPv6(dst, i, hi, lo);
        dst[i++] = '"';
        dst[i++] = ',';

        return i;
    }

    /** A JSON string from ASCII bytes: quotes, backslashes and control or non-ASCII bytes are escaped. */
    private static int putStringField(
        final byte[] dst, final int index, final byte[] name, final DirectBuffer buffer, final int offset,
        final int length)
    {
        int i = putName(dst, index, name);
        dst[i++] = '"';
        for (int k = 0; k < length; k++)
        {
            final int b = buffer.getByte(offset + k) & 0xFF;
            if (b == '"' || b == '\\')
            {
                dst[i++] = '\\';
                dst[i++] = (byte)b;
            }
            else if (b < 0x20 || b > 0x7E)
            {
                dst[i++] = '\\';
                dst[i++] = 'u';
                dst[i++] = '0';
                dst[i++] = '0';
                dst[i++] = HEX[b >>> 4];
                dst[i++] = HEX[b & 0xF];
            }
            else
            {
                dst[i++] = (byte)b;
            }
        }
        dst[i++] = '"';
        dst[i] = ',';
        return i + 1;
    }

    private static byte[] quoted(final String text)
    {
        return ('"' + text + '"').getBytes(StandardCharsets.US_ASCII);
    }

    private static int putName(final byte[] dst, final int index, final byte[] name)
    {
        System.arraycopy(name, 0, dst, index, name.length);

        return index + name.length;
    }

    private static byte[] name(final String name)
    {
        return ('"' + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }
}
