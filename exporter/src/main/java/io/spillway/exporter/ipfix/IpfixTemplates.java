package io.spillway.exporter.ipfix;

import io.spillway.exporter.FlowRecord;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static io.spillway.exporter.ipfix.InformationElements.*;

/**
 * The templates Spillway exports: the data templates of one {@link IpfixFlows} mode, one per record shape, and the
 * options template of the exporting process statistics. IDs never change during an exporter's life.
 * {@link IpfixRecordEncoder} (biflows) and {@link UniflowRecordEncoder} (uniflows) write data records in exactly
 * the field order defined here; docs/ipfix.md lists the same fields.
 * <p>
 * Biflow template ID = {@link #IPV4} or {@link #IPV6}, plus {@link #HARDWARE} when an offload device counted part of
 * the flow, plus {@link #APPLICATION} when DPI gave a verdict or a name. Uniflow template ID =
 * {@link #UNIFLOW_IPV4} or {@link #UNIFLOW_IPV6}, plus {@link #APPLICATION}: uniflows carry no hardware counts,
 * which are Spillway's own elements and count both directions.
 */
public final class IpfixTemplates
{
    public static final int TEMPLATE_SET_ID = 2;
    public static final int OPTIONS_TEMPLATE_SET_ID = 3;

    public static final int IPV4 = 256;
    public static final int IPV6 = 257;
    public static final int APPLICATION = 2;
    public static final int HARDWARE = 4;
    public static final int FIRST_DATA_TEMPLATE = IPV4;
    public static final int LAST_DATA_TEMPLATE = IPV6 + APPLICATION + HARDWARE;
    public static final int STATISTICS = 264;
    /** Uniflow templates have IDs of their own: a collector never confuses them with the biflow ones. */
    public static final int UNIFLOW_IPV4 = 272;
    public static final int UNIFLOW_IPV6 = 273;
    public static final int FIRST_UNIFLOW_TEMPLATE = UNIFLOW_IPV4;
    public static final int LAST_UNIFLOW_TEMPLATE = UNIFLOW_IPV6 + APPLICATION;

    /** applicationId: engine id, the registry owner's PEN, a 2-byte nDPI protocol id (RFC 6759 section 4.1). */
    public static final int APPLICATION_ID_LENGTH = 7;
    /** One length byte up to 254 bytes of value, else 255 and two length bytes (RFC 7011 section 7). */
    public static final int SHORT_LENGTH_LIMIT = 255;

    private static final int TEMPLATE_HEADER_LENGTH = 4;
    private static final int OPTIONS_TEMPLATE_HEADER_LENGTH = 6;
    private static final int ENTERPRISE_BIT = 0x8000;

    /**
     * One field of a template.
     *
     * @param elementId        Information Element id, without the enterprise bit.
     * @param length           bytes in a data record, or {@link InformationElements#VARIABLE_LENGTH}.
     * @param enterpriseNumber 0 for an IANA element.
     * @param maxLength        most bytes a value takes in a record, length prefix included.
     */
    public record Field(int elementId, int length, long enterpriseNumber, int maxLength)
    {
        public int specifierLength()
        {
            return 0 == enterpriseNumber ? 4 : 8;
        }
    }

    /**
     * A template or, when {@code scopeFieldCount} is above 0, an options template whose first fields are scope.
     */
    public record Template(int id, int scopeFieldCount, List<Field> fields)
    {
        public boolean isOptions()
        {
            return scopeFieldCount > 0;
        }

        public int setId()
        {
            return isOptions() ? OPTIONS_TEMPLATE_SET_ID : TEMPLATE_SET_ID;
        }

        /** Bytes of the template record in a template set. */
        public int recordLength()
        {
            int length = isOptions() ? OPTIONS_TEMPLATE_HEADER_LENGTH : TEMPLATE_HEADER_LENGTH;
            for (final Field field : fields)
            {
                length += field.specifierLength();
            }

            return length;
        }

        /** Most bytes one data record of this template takes. */
        public int maxDataRecordLength()
        {
            int length = 0;
            for (final Field field : fields)
            {
                length += field.maxLength();
            }

            return length;
        }
    }

    private final List<Template> templates;

    /**
     * The biflow templates.
     *
     * @param enterpriseNumber the PEN of Spillway's own elements.
     */
    public IpfixTemplates(final long enterpriseNumber)
    {
        this(enterpriseNumber, IpfixFlows.BI);
    }

    /**
     * @param enterpriseNumber the PEN of Spillway's own elements.
     * @param flows            whose data templates: a collector is sent only those the exporter uses.
     */
    public IpfixTemplates(final long enterpriseNumber, final IpfixFlows flows)
    {
        final List<Template> list = new ArrayList<>();
        if (IpfixFlows.UNI == flows)
        {
            for (int id = FIRST_UNIFLOW_TEMPLATE; id <= LAST_UNIFLOW_TEMPLATE; id++)
            {
                list.add(uniflowTemplate(id));
            }
        }
        else
        {
            for (int id = FIRST_DATA_TEMPLATE; id <= LAST_DATA_TEMPLATE; id++)
            {
                list.add(dataTemplate(id, enterpriseNumber));
            }
        }
        list.add(statisticsTemplate());
        templates = List.copyOf(list);
    }

    /** Every template, data templates first. */
    public List<Template> all()
    {
        return templates;
    }

    public Template template(final int id)
    {
        for (final Template template : templates)
        {
            if (template.id() == id)
            {
                return template;
            }
        }

        throw new IllegalArgumentException("no IPFIX template " + id);
    }

    /** The largest data record of any template: a message must have room for it. */
    public int maxDataRecordLength()
    {
        int max = 0;
        for (final Template template : templates)
        {
            max = Math.max(max, template.maxDataRecordLength());
        }

        return max;
    }

    /** The largest template record. */
    public int maxTemplateRecordLength()
    {
        int max = 0;
        for (final Template template : templates)
        {
            max = Math.max(max, template.recordLength());
        }

        return max;
    }

    /** The biflow data template for {@code record}'s shape. */
    public static int dataTemplateId(final FlowRecord record)
    {
        int id = 6 == record.ipVersion() ? IPV6 : IPV4;
        if (hasApplication(record))
        {
            id += APPLICATION;
        }
        if (0 != record.hwPackets() || 0 != record.hwOctets())
        {
            id += HARDWARE;
        }

        return id;
    }

    /** The uniflow data template for {@code record}'s shape; both directions of a flow use the same. */
    public static int uniflowTemplateId(final FlowRecord record)
    {
        final int id = 6 == record.ipVersion() ? UNIFLOW_IPV6 : UNIFLOW_IPV4;

        return hasApplication(record) ? id + APPLICATION : id;
    }

    /** DPI gave a verdict or a name: the record has application fields. */
    private static boolean hasApplication(final FlowRecord record)
    {
        return record.detection() != FlowRecord.DETECTION_NONE || record.appNameLength() > 0 ||
            record.serverNameLength() > 0;
    }

    /**
     * Writes {@code template} as a template record (RFC 7011 sections 3.4.1 and 3.4.2).
     *
     * @return the bytes written, {@link Template#recordLength()}.
     */
    public static int writeTemplateRecord(final Template template, final MutableDirectBuffer buffer, final int index)
    {
        int i = index;
        buffer.putShort(i, (short)template.id(), ByteOrder.BIG_ENDIAN);
        buffer.putShort(i + 2, (short)template.fields().size(), ByteOrder.BIG_ENDIAN);
        i += 4;
        if (template.isOptions())
        {
            buffer.putShort(i, (short)template.scopeFieldCount(), ByteOrder.BIG_ENDIAN);
            i += 2;
        }

        for (final Field field : template.fields())
        {
            final boolean enterprise = 0 != field.enterpriseNumber();
            final int id = enterprise ? field.elementId() | ENTERPRISE_BIT : field.elementId();
            buffer.putShort(i, (short)id, ByteOrder.BIG_ENDIAN);
            buffer.putShort(i + 2, (short)field.length(), ByteOrder.BIG_ENDIAN);
            i += 4;
            if (enterprise)
            {
                buffer.putInt(i, (int)field.enterpriseNumber(), ByteOrder.BIG_ENDIAN);
                i += 4;
            }
        }

        return i - index;
    }

    private static Template dataTemplate(final int id, final long enterpriseNumber)
    {
        final boolean ipv6 = 0 != ((id - FIRST_DATA_TEMPLATE) & 1);
        final List<Field> fields = new ArrayList<>();
        fields.add(iana(ipv6 ? SOURCE_IPV6_ADDRESS : SOURCE_IPV4_ADDRESS, ipv6 ? 16 : 4));
        fields.add(iana(ipv6 ? DESTINATION_IPV6_ADDRESS : DESTINATION_IPV4_ADDRESS, ipv6 ? 16 : 4));
        // ICMP type and code precede the ports: nfdump 1.7 writes both into its destination port, the later one
        // winning, then puts the port back for TCP and UDP only; in this order SCTP and others keep their port.
        fields.add(iana(ipv6 ? ICMP_TYPE_CODE_IPV6 : ICMP_TYPE_CODE_IPV4, 2));
        fields.add(iana(SOURCE_TRANSPORT_PORT, 2));
        fields.add(iana(DESTINATION_TRANSPORT_PORT, 2));
        fields.add(iana(PROTOCOL_IDENTIFIER, 1));
        // Reverse flags and times precede their forward elements: nfdump 1.7 reads 29305/6, /152 and /153 as the
        // forward elements, and with this order the forward value, written last, is the one it keeps.
        fields.add(reverse(TCP_CONTROL_BITS, 2));
        fields.add(iana(TCP_CONTROL_BITS, 2));
        fields.add(iana(VLAN_ID, 2));
        fields.add(iana(INGRESS_INTERFACE, 4));
        fields.add(iana(FLOW_END_REASON, 1));
        fields.add(reverse(FLOW_START_MILLISECONDS, 8));
        fields.add(reverse(FLOW_END_MILLISECONDS, 8));
        fields.add(iana(FLOW_START_MILLISECONDS, 8));
        fields.add(iana(FLOW_END_MILLISECONDS, 8));
        fields.add(iana(PACKET_DELTA_COUNT, 8));
        fields.add(iana(OCTET_DELTA_COUNT, 8));
        fields.add(iana(LAYER2_OCTET_DELTA_COUNT, 8));
        fields.add(reverse(PACKET_DELTA_COUNT, 8));
        fields.add(reverse(OCTET_DELTA_COUNT, 8));
        fields.add(reverse(LAYER2_OCTET_DELTA_COUNT, 8));

        if (0 != ((id - FIRST_DATA_TEMPLATE) & HARDWARE))
        {
            fields.add(enterprise(HARDWARE_PACKET_DELTA_COUNT, 8, enterpriseNumber));
            fields.add(enterprise(HARDWARE_LAYER2_OCTET_DELTA_COUNT, 8, enterpriseNumber));
        }

        // Variable-length fields last, so every fixed field sits at a fixed offset.
        if (0 != ((id - FIRST_DATA_TEMPLATE) & APPLICATION))
        {
            fields.add(iana(APPLICATION_ID, APPLICATION_ID_LENGTH));
            fields.add(enterprise(NDPI_MASTER_PROTOCOL_ID, 2, enterpriseNumber));
            fields.add(enterprise(NDPI_APP_PROTOCOL_ID, 2, enterpriseNumber));
            fields.add(enterprise(NDPI_CATEGORY_ID, 2, enterpriseNumber));
            fields.add(enterprise(NDPI_DETECTION_KIND, 1, enterpriseNumber));
            fields.add(new Field(APPLICATION_NAME, VARIABLE_LENGTH, 0,
                variableMaxLength(FlowRecord.MAX_APP_NAME_LENGTH)));
            fields.add(new Field(SERVER_NAME, VARIABLE_LENGTH, enterpriseNumber,
                variableMaxLength(FlowRecord.MAX_SERVER_NAME_LENGTH)));
        }

        return new Template(id, 0, List.copyOf(fields));
    }

    /**
     * One direction of a flow in IANA elements only: no RFC 5103 reverse elements, which collectors that ignore
     * them drop with the direction's counts, and none of Spillway's own, which such collectors cannot name.
     * The field order is the biflow one without the reverse fields, so nfdump reads the ports as there.
     */
    private static Template uniflowTemplate(final int id)
    {
        final boolean ipv6 = 0 != ((id - FIRST_UNIFLOW_TEMPLATE) & 1);
        final List<Field> fields = new ArrayList<>();
        fields.add(iana(ipv6 ? SOURCE_IPV6_ADDRESS : SOURCE_IPV4_ADDRESS, ipv6 ? 16 : 4));
        fields.add(iana(ipv6 ? DESTINATION_IPV6_ADDRESS : DESTINATION_IPV4_ADDRESS, ipv6 ? 16 : 4));
        fields.add(iana(ipv6 ? ICMP_TYPE_CODE_IPV6 : ICMP_TYPE_CODE_IPV4, 2));
        fields.add(iana(SOURCE_TRANSPORT_PORT, 2));
        fields.add(iana(DESTINATION_TRANSPORT_PORT, 2));
        fields.add(iana(PROTOCOL_IDENTIFIER, 1));
        fields.add(iana(TCP_CONTROL_BITS, 2));
        fields.add(iana(VLAN_ID, 2));
        fields.add(iana(INGRESS_INTERFACE, 4));
        fields.add(iana(FLOW_END_REASON, 1));
        fields.add(iana(FLOW_START_MILLISECONDS, 8));
        fields.add(iana(FLOW_END_MILLISECONDS, 8));
        fields.add(iana(PACKET_DELTA_COUNT, 8));
        fields.add(iana(OCTET_DELTA_COUNT, 8));
        fields.add(iana(LAYER2_OCTET_DELTA_COUNT, 8));
        if (0 != ((id - FIRST_UNIFLOW_TEMPLATE) & APPLICATION))
        {
            fields.add(iana(APPLICATION_ID, APPLICATION_ID_LENGTH));
            fields.add(new Field(APPLICATION_NAME, VARIABLE_LENGTH, 0,
                variableMaxLength(FlowRecord.MAX_APP_NAME_LENGTH)));
        }

        return new Template(id, 0, List.copyOf(fields));
    }

    private static Template statisticsTemplate()
    {
        return new Template(STATISTICS, 1, List.of(
            iana(OBSERVATION_DOMAIN_ID, 4),
            iana(EXPORTED_MESSAGE_TOTAL_COUNT, 8),
            iana(EXPORTED_FLOW_RECORD_TOTAL_COUNT, 8),
            iana(EXPORTED_OCTET_TOTAL_COUNT, 8),
            iana(NOT_SENT_FLOW_TOTAL_COUNT, 8),
            iana(IGNORED_PACKET_TOTAL_COUNT, 8),
            iana(SYSTEM_INIT_TIME_MILLISECONDS, 8)));
    }

    /** Bytes a variable-length value of at most {@code maxValueLength} bytes takes, its length prefix included. */
    public static int variableMaxLength(final int maxValueLength)
    {
        return (maxValueLength < SHORT_LENGTH_LIMIT ? 1 : 3) + maxValueLength;
    }

    private static Field iana(final int elementId, final int length)
    {
        return new Field(elementId, length, 0, length);
    }

    private static Field reverse(final int elementId, final int length)
    {
        return new Field(elementId, length, REVERSE_ENTERPRISE_NUMBER, length);
    }

    private static Field enterprise(final int elementId, final int length, final long enterpriseNumber)
    {
        return new Field(elementId, length, enterpriseNumber, length);
    }
}
