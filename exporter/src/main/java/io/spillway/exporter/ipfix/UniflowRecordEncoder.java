package io.spillway.exporter.ipfix;

import io.spillway.exporter.FlowRecord;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Writes one direction of a flow as a uniflow data record, big-endian, in the field order of the uniflow templates
 * of {@link IpfixTemplates}, without allocating. The reverse direction's record has the addresses and ports swapped
 * and the reverse counts, flags and times in the forward elements.
 */
public final class UniflowRecordEncoder
{
    /** Fixed part of an IPv4 uniflow record: every field up to the layer-2 octets. */
    public static final int IPV4_BASE_LENGTH = 64;
    /** The same for IPv6: two 16-byte addresses instead of two 4-byte ones. */
    public static final int IPV6_BASE_LENGTH = 88;

    private static final ByteOrder BIG = ByteOrder.BIG_ENDIAN;
    private static final int PROTOCOL_ICMP = 1;
    private static final int PROTOCOL_ICMPV6 = 58;

    private UniflowRecordEncoder()
    {
    }

    /** Bytes {@link #encode} writes for either direction of {@code record} under {@code templateId}. */
    public static int encodedLength(final FlowRecord record, final int templateId)
    {
        final int shape = templateId - IpfixTemplates.FIRST_UNIFLOW_TEMPLATE;
        int length = 0 != (shape & 1) ? IPV6_BASE_LENGTH : IPV4_BASE_LENGTH;
        if (0 != (shape & IpfixTemplates.APPLICATION))
        {
            length += IpfixTemplates.APPLICATION_ID_LENGTH + IpfixRecordEncoder.variableLength(record.appNameLength());
        }

        return length;
    }

    /**
     * Writes one direction of {@code record} as a data record of template {@code templateId} (from
     * {@link IpfixTemplates#uniflowTemplateId}).
     *
     * @param reverse true for the responder's direction, false for the initiator's.
     * @return the bytes written, {@link #encodedLength}.
     */
    public static int encode(
        final FlowRecord record,
        final boolean reverse,
        final int templateId,
        final MutableDirectBuffer buffer,
        final int index)
    {
        final int shape = templateId - IpfixTemplates.FIRST_UNIFLOW_TEMPLATE;
        final DirectBuffer source = record.buffer();
        final int protocol = record.protocol();
        final boolean icmp = PROTOCOL_ICMP == protocol || PROTOCOL_ICMPV6 == protocol;
        final boolean ports = !icmp && 0 == (record.flags() & FlowRecord.FLAG_L3_ONLY);

        int i = index;
        if (0 != (shape & 1))
        {
            buffer.putBytes(i, source, reverse ? record.dstAddressOffset() : record.srcAddressOffset(), 16);
            buffer.putBytes(i + 16, source, reverse ? record.srcAddressOffset() : record.dstAddressOffset(), 16);
            i += 32;
        }
        else
        {
            buffer.putInt(i, reverse ? record.dstIPv4() : record.srcIPv4(), BIG);
            buffer.putInt(i + 4, reverse ? record.srcIPv4() : record.dstIPv4(), BIG);
            i += 8;
        }

        // An ICMP flow's packets all have its type and code (they are part of its key), either direction.
        final int sourcePort = reverse ? record.dstPort() : record.srcPort();
        final int destinationPort = reverse ? record.srcPort() : record.dstPort();
        buffer.putShort(i, (short)(icmp ? record.dstPort() : 0), BIG);
        buffer.putShort(i + 2, (short)(ports ? sourcePort : 0), BIG);
        buffer.putShort(i + 4, (short)(ports ? destinationPort : 0), BIG);
        buffer.putByte(i + 6, (byte)protocol);
        buffer.putShort(i + 7, (short)(reverse ? record.revTcpFlags() : record.fwdTcpFlags()), BIG);
        buffer.putShort(i + 9, (short)record.vlanId(), BIG);
        buffer.putInt(i + 11, record.ingressInterface(), BIG);
        buffer.putByte(i + 15, (byte)record.endReason());
        i += 16;

        buffer.putLong(i, reverse ? record.revFirstMillis() : record.fwdFirstMillis(), BIG);
        buffer.putLong(i + 8, reverse ? record.revLastMillis() : record.fwdLastMillis(), BIG);
        buffer.putLong(i + 16, reverse ? record.revPackets() : record.fwdPackets(), BIG);
        buffer.putLong(i + 24, reverse ? record.revOctets() : record.fwdOctets(), BIG);
        buffer.putLong(i + 32, reverse ? record.revL2Octets() : record.fwdL2Octets(), BIG);
        i += 40;

        if (0 != (shape & IpfixTemplates.APPLICATION))
        {
            IpfixRecordEncoder.putApplicationId(record, buffer, i);
            i = IpfixRecordEncoder.putVariable(buffer, i + IpfixTemplates.APPLICATION_ID_LENGTH, source,
                record.appNameOffset(), record.appNameLength());
        }

        return i - index;
    }
}
