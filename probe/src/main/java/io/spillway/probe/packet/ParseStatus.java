package io.spillway.probe.packet;

/** What the capture thread does with a packet after {@link PacketParser#parse}. */
public final class ParseStatus
{
    /** Full 5-tuple known: account to its flow. */
    public static final int FLOW = 0;
    /**
     * The IP header is sound but the transport ports are unknown (a later fragment whose first
     * fragment was not seen, a truncated or malformed transport header): account to the
     * layer-3 flow of (addresses, protocol) with ports 0.
     */
    public static final int L3_FLOW = 1;
    /** Not IP (ARP, LLDP, ...): counted, not accounted to a flow. */
    public static final int NOT_IP = 2;
    /** Broken before a sound IP header: counted by {@link MalformedKind}, not accounted. */
    public static final int MALFORMED = 3;
    /** A link type Spillway does not decode. */
    public static final int UNSUPPORTED_LINK = 4;

    private ParseStatus()
    {
    }
}
