package io.spillway.exporter.ipfix;

/**
 * Identifiers of the Information Elements Spillway exports: IANA ones (RFC 7012 registry), the RFC 5103 reverse
 * enterprise number, and Spillway's own elements, numbered under the configured enterprise number.
 */
public final class InformationElements
{
    /** RFC 5103: an IANA element under this enterprise number is the same element for the reverse direction. */
    public static final long REVERSE_ENTERPRISE_NUMBER = 29305;
    /** ntop's Private Enterprise Number: the owner of the nDPI protocol id registry (RFC 6759 PANA-L7-PEN). */
    public static final long NTOP_ENTERPRISE_NUMBER = 35632;
    /** RFC 6759 Classification Engine ID: proprietary layer 7 ids whose registry owner's PEN follows. */
    public static final int CLASSIFICATION_ENGINE_PANA_L7_PEN = 20;
    /** Field length that marks a variable-length field in a template (RFC 7011 section 7). */
    public static final int VARIABLE_LENGTH = 65535;

    public static final int OCTET_DELTA_COUNT = 1;
    public static final int PACKET_DELTA_COUNT = 2;
    public static final int PROTOCOL_IDENTIFIER = 4;
    public static final int TCP_CONTROL_BITS = 6;
    public static final int SOURCE_TRANSPORT_PORT = 7;
    public static final int SOURCE_IPV4_ADDRESS = 8;
    public static final int INGRESS_INTERFACE = 10;
    public static final int DESTINATION_TRANSPORT_PORT = 11;
    public static final int DESTINATION_IPV4_ADDRESS = 12;
    public static final int SOURCE_IPV6_ADDRESS = 27;
    public static final int DESTINATION_IPV6_ADDRESS = 28;
    public static final int ICMP_TYPE_CODE_IPV4 = 32;
    public static final int EXPORTED_OCTET_TOTAL_COUNT = 40;
    public static final int EXPORTED_MESSAGE_TOTAL_COUNT = 41;
    public static final int EXPORTED_FLOW_RECORD_TOTAL_COUNT = 42;
    public static final int VLAN_ID = 58;
    public static final int APPLICATION_ID = 95;
    public static final int APPLICATION_NAME = 96;
    public static final int FLOW_END_REASON = 136;
    public static final int ICMP_TYPE_CODE_IPV6 = 139;
    public static final int OBSERVATION_DOMAIN_ID = 149;
    public static final int FLOW_START_MILLISECONDS = 152;
    public static final int FLOW_END_MILLISECONDS = 153;
    public static final int SYSTEM_INIT_TIME_MILLISECONDS = 160;
    public static final int IGNORED_PACKET_TOTAL_COUNT = 164;
    public static final int NOT_SENT_FLOW_TOTAL_COUNT = 166;
    public static final int LAYER2_OCTET_DELTA_COUNT = 352;

    /** Spillway element: TLS SNI, HTTP Host or DNS query name seen by nDPI (string). */
    public static final int SERVER_NAME = 1;
    /** Spillway element: nDPI master protocol id, e.g. TLS (unsigned16). */
    public static final int NDPI_MASTER_PROTOCOL_ID = 2;
    /** Spillway element: nDPI application protocol id, e.g. YouTube (unsigned16). */
    public static final int NDPI_APP_PROTOCOL_ID = 3;
    /** Spillway element: nDPI category id (unsigned16). */
    public static final int NDPI_CATEGORY_ID = 4;
    /** Spillway element: how nDPI reached its verdict, FlowRecord.DETECTION_* (unsigned8). */
    public static final int NDPI_DETECTION_KIND = 5;
    /** Spillway element: packets of the biflow counted by an offload device (unsigned64). */
    public static final int HARDWARE_PACKET_DELTA_COUNT = 6;
    /** Spillway element: layer-2 (frame) octets of the biflow counted by an offload device (unsigned64). */
    public static final int HARDWARE_LAYER2_OCTET_DELTA_COUNT = 7;

    private InformationElements()
    {
    }
}
