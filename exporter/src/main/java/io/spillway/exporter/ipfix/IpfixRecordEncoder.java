package io.spillway.exporter.ipfix;

import io.spillway.exporter.FlowRecord;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Writes biflow data records, big-endian, in the field order of {@link IpfixTemplates}, without allocating.
 */
public final class IpfixRecordEncoder
{
    /** Fixed part of an IPv4 record: every field up to the reverse layer-2 octets. */
    public static final int IPV4_BASE_LENGTH = 106;
    /** The same for IPv6: two 16-byte addresses instead of two 4-byte ones. */
    public static final int IPV6_BASE_LENGTH = 130;
    public static final int HARDWARE_LENGTH = 16;
    /** applicationId and the four nDPI numbers; the two names follow with their length prefixes. */
    public static final int APPLICATION_FIXED_LENGTH = IpfixTemplates.APPLICATION_ID_LENGTH + 7;
    public static final int STATISTICS_LENGTH = 52;

    private static final ByteOrder BIG = ByteOrder.BIG_ENDIAN;
    private static final int PROTOCOL_ICMP = 1;
    private static final int PROTOCOL_ICMPV6 = 58;
    private static final int LONG_LENGTH_MARKER = 255;

    private IpfixRecordEncoder()
    {
    }

    /** Bytes {@link #encode} writes for {@code record} under {@code templateId}. */
    public static int encodedLength(final FlowRecord record, final int templateId)
    {
        final int shape = templateId - IpfixTemplates.FIRST_DATA_TEMPLATE;
        int length = 0 != (shape & 1) ? IPV6_BASE_LENGTH : IPV4_BASE_LENGTH;
        if (0 != (shape & IpfixTemplates.HARDWARE))
        {
            length += HARDWARE_LENGTH;
        }
        if (0 != (shape & IpfixTemplates.APPLICATION))
        {
            length += APPLICATION_FIXED_LENGTH + variableLength(record.appNameLength()) +
                variableLength(record.serverNameLength());
        }

        return length;
    }

    /**
     * Writes {@code record} as a data record of template {@code templateId} (from
     * {@link IpfixTemplates#dataTemplateId}).
     *
     * @return the bytes written, {@link #encodedLength}.
     */
    public static int encode(
        final FlowRecord record, final int templateId, final MutableDirectBuffer buffer, final int index)
    {
        final int shape = templateId - IpfixTemplates.FIRST_DATA_TEMPLATE;
        final DirectBuffer source = record.buffer();
        final int protocol = record.protocol();
        final boolean icmp = PROTOCOL_ICMP == protocol || PROTOCOL_ICMPV6 == protocol;
        final boolean ports = !icmp && 0 == (record.flags() & FlowRecord.FLAG_L3_ONLY);

        int i = index;
        if (0 != (shape & 1))
        {
            buffer.putBytes(i, source, record.srcAddressOffset(), 16);
            buffer.putBytes(i + 16, source, record.dstAddressOffset(), 16);
            i += 32;
        }
        else
        {
            buffer.putInt(i, record.srcIPv4(), BIG);
            buffer.putInt(i + 4, record.dstIPv4(), BIG);
            i += 8;
        }

        // The parser's convention for ICMP is dstPort = type << 8 | code: IPFIX has an element for that.
        buffer.putShort(i, (short)(icmp ? record.dstPort() : 0), BIG);
        buffer.putShort(i + 2, (short)(ports ? record.srcPort() : 0), BIG);
        buffer.putShort(i + 4, (short)(ports ? record.dstPort() : 0), BIG);
        buffer.putByte(i + 6, (byte)protocol);
        buffer.putShort(i + 7, (short)record.revTcpFlags(), BIG);
        buffer.putShort(i + 9, (short)record.fwdTcpFlags(), BIG);
        buffer.putShort(i + 11, (short)record.vlanId(), BIG);
        buffer.putInt(i + 13, record.ingressInterface(), BIG);
        buffer.putByte(i + 17, (byte)record.endReason());
        i += 18;

        final long reversePackets = record.revPackets();
        buffer.putLong(i, 0 != reversePackets ? record.revFirstMillis() : 0, BIG);
        buffer.putLong(i + 8, 0 != reversePackets ? record.revLastMillis() : 0, BIG);
        buffer.putLong(i + 16, record.flowStartMillis(), BIG);
        buffer.putLong(i + 24, record.flowEndMillis(), BIG);
        buffer.putLong(i + 32, record.fwdPackets(), BIG);
        buffer.putLong(i + 40, record.fwdOctets(), BIG);
        buffer.putLong(i + 48, record.fwdL2Octets(), BIG);
        buffer.putLong(i + 56, reversePackets, BIG);
        buffer.putLong(i + 64, record.revOctets(), BIG);
        buffer.putLong(i + 72, record.revL2Octets(), BIG);
        i += 80;

        if (0 != (shape & IpfixTemplates.HARDWARE))
        {
            buffer.putLong(i, record.hwPackets(), BIG);
            buffer.putLong(i + 8, record.hwOctets(), BIG);
            i += HARDWARE_LENGTH;
        }

        if (0 != (shape & IpfixTemplates.APPLICATION))
        {
            i = putApplication(record, buffer, i);
        }

        return i - index;
    }

    /**
     * Writes the exporting process statistics record of template {@link IpfixTemplates#STATISTICS}.
     *
     * @return the bytes written, {@link #STATISTICS_LENGTH}.
     */
    public static int encodeStatistics(
        final MutableDirectBuffer buffer,
        final int index,
        final long observationDomainId,
        final long messages,
        final long flowRecords,
        final long octets,
        final long notSentFlows,
        final long ignoredPackets,
        final long initTimeMillis)
    {
        buffer.putInt(index, (int)observationDomainId, BIG);
        buffer.putLong(index + 4, messages, BIG);
        buffer.putLong(index + 12, flowRecords, BIG);
        buffer.putLong(index + 20, octets, BIG);
        buffer.putLong(index + 28, notSentFlows, BIG);
        buffer.putLong(index + 36, ignoredPackets, BIG);
        buffer.putLong(index + 44, initTimeMillis, BIG);

        return STATISTICS_LENGTH;
    }

    private static int putApplication(final FlowRecord record, final MutableDirectBuffer buffer, final int index)
    {
        final int master = record.masterProtocol();
        final int app = record.appProtocol();

        putApplicationId(record, buffer, index);
        buffer.putShort(index + 7, (short)master, BIG);
        buffer.putShort(index + 9, (short)app, BIG);
        buffer.putShort(index + 11, (short)record.category(), BIG);
        buffer.putByte(index + 13, (byte)record.detection());

        int i = index + APPLICATION_FIXED_LENGTH;
        i = putVariable(buffer, i, record.buffer(), record.appNameOffset(), record.appNameLength());

        return putVariable(buffer, i, record.buffer(), record.serverNameOffset(), record.serverNameLength());
    }

    /** Writes applicationId, {@link IpfixTemplates#APPLICATION_ID_LENGTH} bytes. */
    static void putApplicationId(final FlowRecord record, final MutableDirectBuffer buffer, final int index)
    {
        final int app = record.appProtocol();

        // RFC 6759 PANA-L7-PEN: nDPI ids belong to ntop's registry; the most specific id nDPI gave is the selector.
        buffer.putByte(index, (byte)InformationElements.CLASSIFICATION_ENGINE_PANA_L7_PEN);
        buffer.putInt(index + 1, (int)InformationElements.NTOP_ENTERPRISE_NUMBER, BIG);
        buffer.putShort(index + 5, (short)(0 != app ? app : record.masterProtocol()), BIG);
    }

    /** Writes a variable-length value with its length prefix (RFC 7011 section 7); returns the index after it. */
    static int putVariable(
        final MutableDirectBuffer buffer,
        final int index,
        final DirectBuffer source,
        final int offset,
        final int length)
    {
        int i = index;
        if (length < LONG_LENGTH_MARKER)
        {
            buffer.putByte(i++, (byte)length);
        }
        else
        {
            buffer.putByte(i, (byte)LONG_LENGTH_MARKER);
            buffer.putShort(i + 1, (short)length, BIG);
            i += 3;
        }

        if (length > 0)
        {
            buffer.putBytes(i, source, offset, length);
        }

        return i + length;
    }

    /** Bytes a variable-length value of {@code length} bytes takes, its length prefix included. */
    static int variableLength(final int length)
    {
        return (length < LONG_LENGTH_MARKER ? 1 : 3) + length;
    }
}
