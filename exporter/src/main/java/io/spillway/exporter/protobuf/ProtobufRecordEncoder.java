package io.spillway.exporter.protobuf;

import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.json.JsonRecordEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes one {@link FlowRecord} as a length-delimited {@code spillway.flow.v1.FlowRecord} (the bytes of
 * {@code writeDelimitedTo}: a varint length, then the message) into a buffer, without allocating.
 * <p>
 * Written by hand because the generated classes build an object per record. The output is what protobuf-java
 * writes for the same values: fields in number order, zero and empty fields left out. The schema is
 * src/main/proto/spillway/flow/v1/flow.proto, documented in docs/protobuf.md; both change with this class. Which
 * fields a record has follows the JSON export ({@link JsonRecordEncoder}), so both carry the same content.
 */
public final class ProtobufRecordEncoder
{
    /** Upper bound of one message without its length prefix (all varints at 10 bytes, every name 2 bytes a char). */
    public static final int MAX_MESSAGE_LENGTH = 1536;
    /** Upper bound of one delimited message: callers make this much room before {@link #encodeDelimited}. */
    public static final int MAX_DELIMITED_LENGTH = MAX_MESSAGE_LENGTH + 2;

    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;

    private static final int PROTOCOL_TCP = 6;
    private static final int PROTOCOL_ICMP = 1;
    private static final int PROTOCOL_ICMPV6 = 58;

    // Field numbers of flow.proto.
    static final int IP_VERSION = 1;
    static final int PROTOCOL_IDENTIFIER = 2;
    static final int SOURCE_IPV4_ADDRESS = 3;
    static final int DESTINATION_IPV4_ADDRESS = 4;
    static final int SOURCE_IPV6_ADDRESS = 5;
    static final int DESTINATION_IPV6_ADDRESS = 6;
    static final int SOURCE_TRANSPORT_PORT = 7;
    static final int DESTINATION_TRANSPORT_PORT = 8;
    static final int FLOW_START_MILLISECONDS = 9;
    static final int FLOW_END_MILLISECONDS = 10;
    static final int PACKET_DELTA_COUNT = 11;
    static final int OCTET_DELTA_COUNT = 12;
    static final int REVERSE_PACKET_DELTA_COUNT = 13;
    static final int REVERSE_OCTET_DELTA_COUNT = 14;
    static final int FLOW_END_REASON = 15;
    static final int LAYER2_OCTET_DELTA_COUNT = 16;
    static final int REVERSE_LAYER2_OCTET_DELTA_COUNT = 17;
    static final int REVERSE_FLOW_START_MILLISECONDS = 18;
    static final int REVERSE_FLOW_END_MILLISECONDS = 19;
    static final int TCP_CONTROL_BITS = 20;
    static final int REVERSE_TCP_CONTROL_BITS = 21;
    static final int ICMP_TYPE_CODE_IPV4 = 22;
    static final int ICMP_TYPE_CODE_IPV6 = 23;
    static final int VLAN_ID = 24;
    static final int INGRESS_INTERFACE = 25;
    static final int HARDWARE_PACKET_DELTA_COUNT = 32;
    static final int HARDWARE_LAYER2_OCTET_DELTA_COUNT = 33;
    static final int APPLICATION_NAME = 48;
    static final int APPLICATION_CATEGORY_NAME = 49;
    static final int SERVER_NAME = 50;
    static final int NDPI_DETECTION = 51;
    static final int NDPI_MASTER_PROTOCOL = 52;
    static final int NDPI_APP_PROTOCOL = 53;
    static final int NDPI_CATEGORY = 54;

    private static final int IPV4_LENGTH = 4;
    private static final int IPV6_LENGTH = 16;

    private ProtobufRecordEncoder()
    {
    }

    /**
     * Encodes {@code record} as its varint length followed by the message.
     *
     * @param dst   buffer with at least {@link #MAX_DELIMITED_LENGTH} bytes free from {@code index}.
     * @param index where the length prefix starts.
     * @return the index just past the message.
     */
    public static int encodeDelimited(final FlowRecord record, final MutableDirectBuffer dst, final int index)
    {
        // The message goes after room for a two-byte prefix (it is shorter than 2^14); a one-byte prefix moves it.
        final int body = index + 2;
        final int end = encode(record, dst, body);
        final int length = end - body;
        if (length < 0x80)
        {
            dst.putByte(index, (byte)length);
            dst.putBytes(index + 1, dst, body, length);
            return index + 1 + length;
        }

        dst.putByte(index, (byte)(0x80 | (length & 0x7F)));
        dst.putByte(index + 1, (byte)(length >>> 7));
        return end;
    }

    /**
     * Encodes {@code record} as a bare message, without length.
     *
     * @param dst   buffer with at least {@link #MAX_MESSAGE_LENGTH} bytes free from {@code index}.
     * @return the index just past the message.
     */
    public static int encode(final FlowRecord record, final MutableDirectBuffer dst, final int index)
    {
        final int ipVersion = record.ipVersion() & 0xFF;
        final int protocol = record.protocol();
        final int flags = record.flags();
        final DirectBuffer buffer = record.buffer();

        int i = putUnsigned(dst, index, IP_VERSION, ipVersion);
        i = putUnsigned(dst, i, PROTOCOL_IDENTIFIER, protocol);
        if (4 == ipVersion)
        {
            i = putBytes(dst, i, SOURCE_IPV4_ADDRESS, buffer, record.srcAddressOffset(), IPV4_LENGTH);
            i = putBytes(dst, i, DESTINATION_IPV4_ADDRESS, buffer, record.dstAddressOffset(), IPV4_LENGTH);
        }
        else if (6 == ipVersion)
        {
            i = putBytes(dst, i, SOURCE_IPV6_ADDRESS, buffer, record.srcAddressOffset(), IPV6_LENGTH);
            i = putBytes(dst, i, DESTINATION_IPV6_ADDRESS, buffer, record.dstAddressOffset(), IPV6_LENGTH);
        }

        final boolean ports = JsonRecordEncoder.hasPorts(protocol, flags);
        if (ports)
        {
            i = putUnsigned(dst, i, SOURCE_TRANSPORT_PORT, record.srcPort());
            i = putUnsigned(dst, i, DESTINATION_TRANSPORT_PORT, record.dstPort());
        }
        i = putUnsigned(dst, i, FLOW_START_MILLISECONDS, record.flowStartMillis());
        i = putUnsigned(dst, i, FLOW_END_MILLISECONDS, record.flowEndMillis());
        i = putUnsigned(dst, i, PACKET_DELTA_COUNT, record.fwdPackets());
        i = putUnsigned(dst, i, OCTET_DELTA_COUNT, record.fwdOctets());
        final long reversePackets = record.revPackets();
        i = putUnsigned(dst, i, REVERSE_PACKET_DELTA_COUNT, reversePackets);
        i = putUnsigned(dst, i, REVERSE_OCTET_DELTA_COUNT, record.revOctets());
        i = putUnsigned(dst, i, FLOW_END_REASON, record.endReason());

        i = putUnsigned(dst, i, LAYER2_OCTET_DELTA_COUNT, record.fwdL2Octets());
        i = putUnsigned(dst, i, REVERSE_LAYER2_OCTET_DELTA_COUNT, record.revL2Octets());
        if (0 != reversePackets)
        {
            i = putUnsigned(dst, i, REVERSE_FLOW_START_MILLISECONDS, record.revFirstMillis());
            i = putUnsigned(dst, i, REVERSE_FLOW_END_MILLISECONDS, record.revLastMillis());
        }
        if (PROTOCOL_TCP == protocol)
        {
            i = putUnsigned(dst, i, TCP_CONTROL_BITS, record.fwdTcpFlags());
            i = putUnsigned(dst, i, REVERSE_TCP_CONTROL_BITS, record.revTcpFlags());
        }
        if (!ports && 0 == (flags & FlowRecord.FLAG_L3_ONLY))
        {
            // The probe keeps ICMP type << 8 | code in the destination port, the NetFlow convention.
            if (PROTOCOL_ICMP == protocol)
            {
                i = putUnsigned(dst, i, ICMP_TYPE_CODE_IPV4, record.dstPort());
            }
            else if (PROTOCOL_ICMPV6 == protocol)
            {
                i = putUnsigned(dst, i, ICMP_TYPE_CODE_IPV6, record.dstPort());
            }
        }
        i = putUnsigned(dst, i, VLAN_ID, record.vlanId());
        i = putUnsigned(dst, i, INGRESS_INTERFACE, record.ingressInterface());

        i = putUnsigned(dst, i, HARDWARE_PACKET_DELTA_COUNT, record.hwPackets());
        i = putUnsigned(dst, i, HARDWARE_LAYER2_OCTET_DELTA_COUNT, record.hwOctets());

        final int detection = record.detection();
        if (detection > FlowRecord.DETECTION_NONE && detection <= FlowRecord.DETECTION_UNKNOWN)
        {
            i = putLatin1(dst, i, APPLICATION_NAME, buffer, record.appNameOffset(), record.appNameLength());
            i = putLatin1(dst, i, APPLICATION_CATEGORY_NAME, buffer, record.categoryNameOffset(),
                record.categoryNameLength());
            i = putLatin1(dst, i, SERVER_NAME, buffer, record.serverNameOffset(), record.serverNameLength());
            i = putUnsigned(dst, i, NDPI_DETECTION, detection);
            i = putUnsigned(dst, i, NDPI_MASTER_PROTOCOL, record.masterProtocol());
            i = putUnsigned(dst, i, NDPI_APP_PROTOCOL, record.appProtocol());
            i = putUnsigned(dst, i, NDPI_CATEGORY, record.category());
        }

        return i;
    }

    /** Reads the varint length prefix at {@code index}; with {@link #prefixLength} it finds the next message. */
    public static int delimitedLength(final DirectBuffer buffer, final int index)
    {
        final int first = buffer.getByte(index) & 0xFF;
        if (first < 0x80)
        {
            return first;
        }

        return (first & 0x7F) | (buffer.getByte(index + 1) & 0xFF) << 7;
    }

    /** Bytes of the prefix that says {@code length}. */
    public static int prefixLength(final int length)
    {
        return length < 0x80 ? 1 : 2;
    }

    /** A varint field; proto3 leaves 0 off the wire. Unsigned: uint32, uint64 and enum values alike. */
    private static int putUnsigned(final MutableDirectBuffer dst, final int index, final int field, final long value)
    {
        if (0 == value)
        {
            return index;
        }

        return putVarint(dst, putVarint(dst, index, field << 3 | VARINT), value);
    }

    private static int putBytes(
        final MutableDirectBuffer dst, final int index, final int field, final DirectBuffer src, final int offset,
        final int length)
    {
        int i = putVarint(dst, index, field << 3 | LENGTH_DELIMITED);
        i = putVarint(dst, i, length);
        dst.putBytes(i, src, offset, length);

        return i + length;
    }

    /**
     * A string field from bytes read as ISO 8859-1, written as UTF-8: a byte above 0x7F is the code point U+00XX,
     * as the JSON export's backslash-u escape, and a proto3 string must be valid UTF-8. Empty strings stay off the wire.
     */
    private static int putLatin1(
        final MutableDirectBuffer dst, final int index, final int field, final DirectBuffer src, final int offset,
        final int length)
    {
        if (0 == length)
        {
            return index;
        }

        int utf8Length = length;
        for (int k = 0; k < length; k++)
        {
            if (src.getByte(offset + k) < 0)
            {
                utf8Length++;
            }
        }

        int i = putVarint(dst, index, field << 3 | LENGTH_DELIMITED);
        i = putVarint(dst, i, utf8Length);
        for (int k = 0; k < length; k++)
        {
            final int b = src.getByte(offset + k) & 0xFF;
            if (b < 0x80)
            {
                dst.putByte(i++, (byte)b);
            }
            else
            {
                dst.putByte(i++, (byte)(0xC0 | b >>> 6));
                dst.putByte(i++, (byte)(0x80 | (b & 0x3F)));
            }
        }

        return i;
    }

    private static int putVarint(final MutableDirectBuffer dst, final int index, final long value)
    {
        int i = index;
        long v = value;
        while (0 != (v & ~0x7FL))
        {
            dst.putByte(i++, (byte)(0x80 | (v & 0x7F)));
            v >>>= 7;
        }
        dst.putByte(i++, (byte)v);

        return i;
    }
}
