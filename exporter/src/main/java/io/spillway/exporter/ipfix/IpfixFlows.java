package io.spillway.exporter.ipfix;

/**
 * How a flow becomes IPFIX data records: one biflow record (RFC 5103) or one record per direction.
 */
public enum IpfixFlows
{
    /** One record with both directions, the reverse one in RFC 5103 elements: what nfdump and Wireshark read. */
    BI,
    /**
     * One record per direction that has packets, in forward elements only: for collectors that ignore RFC 5103
     * (pmacct, goflow2, many SIEMs), which would otherwise drop the reverse direction.
     */
    UNI
}
