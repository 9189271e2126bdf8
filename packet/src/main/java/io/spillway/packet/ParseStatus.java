package io.spillway.packet;

/**
 * What the capture thread does with a packet after {@link PacketParser#parse}. The status says what could be
 * read; the packet's {@link MalformedKind} says what was wrong with it. See {@link PacketParser} for the rules.
 */
public final class ParseStatus
{
    /**
     * Full 5-tuple known: account to its flow. The malformed kind may still be set when the transport header is
     * broken after its ports (a bad TCP data offset, a UDP header shorter than 8 bytes).
     */
    public static final int FLOW = 0;
    /**
     * The IP header is sound but the transport ports are unknown (a later fragment whose first fragment was not
     * seen, a transport header too short for its ports, a broken IPv6 extension header chain, or ports cut by the
     * snap length): account to the layer-3 flow of (addresses, protocol) with ports 0.
     */
    public static final int L3_FLOW = 1;
    /** Not IP (ARP, LLDP, ...): counted, not accounted to a flow. */
    public static final int NOT_IP = 2;
    /** Broken before a sound IP header: counted by {@link MalformedKind}, not accounted. */
    public static final int MALFORMED = 3;
    /**
     * A link layer Spillway does not decode: a link type it does not know, or in one packet an ERF record type other
     * than Ethernet and IP, or an 802.11 frame that cannot be read (protected, a fragment, another protocol version).
     * Counted, not accounted.
     */
    public static final int UNSUPPORTED_LINK = 4;
    /**
     * The capture's snap length cut the frame before the IP addresses could be read (the bytes were on the wire,
     * so the packet is not malformed): counted, not accounted.
     */
    public static final int SNAPLEN_CUT = 5;

    private ParseStatus()
    {
    }

    /** How the status reads in a counter's label. */
    public static String name(final int status)
    {
        return switch (status)
        {
            case FLOW -> "accounted";
            case L3_FLOW -> "accounted as layer-3 flows";
            case NOT_IP -> "not IP";
            case MALFORMED -> "malformed";
            case UNSUPPORTED_LINK -> "of an unsupported link type";
            case SNAPLEN_CUT -> "cut by the snap length";
            default -> "of status " + status;
        };
    }
}
