package io.spillway.packet;

/**
 * Why a packet is malformed. Counted per kind in the run summary. Kinds up to and including
 * {@link #BAD_IP_TOTAL_LENGTH} make the packet unaccountable ({@link ParseStatus#MALFORMED});
 * the later ones leave a sound IP header, so the packet is still accounted: to its flow
 * ({@link ParseStatus#FLOW}) when the transport ports were read, else to its layer-3 flow
 * ({@link ParseStatus#L3_FLOW}). A header cut by the capture's snap length is never malformed.
 */
public enum MalformedKind
{
    NONE("none"),
    TRUNCATED_LINK_HEADER("truncated link-layer header"),
    /** A link-layer header whose own length is shorter than its fixed part or its declared fields (PPI, radiotap). */
    BAD_LINK_HEADER_LENGTH("bad link-layer header length"),
    TRUNCATED_IP_HEADER("truncated IP header"),
    BAD_IP_VERSION("bad IP version"),
    BAD_IP_HEADER_LENGTH("bad IPv4 header length"),
    BAD_IP_TOTAL_LENGTH("bad IP total length"),
    BAD_IPV6_EXTENSION_HEADER("bad IPv6 extension header chain"),
    TRUNCATED_TRANSPORT_HEADER("truncated transport header"),
    BAD_TCP_HEADER_LENGTH("bad TCP data offset");

    private final String description;

    MalformedKind(final String description)
    {
        this.description = description;
    }

    public String description()
    {
        return description;
    }

    private static final MalformedKind[] VALUES = values();

    public static MalformedKind of(final int ordinal)
    {
        return VALUES[ordinal];
    }
}
