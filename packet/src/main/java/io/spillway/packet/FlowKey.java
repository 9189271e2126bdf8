package io.spillway.packet;

/**
 * Key bits that are not addresses, ports, protocol or VLAN. They are part of the flow key: an
 * IPv6 flow never matches an IPv4 one, and a layer-3-only flow (ports unknown, e.g. a fragment
 * whose first fragment was not seen) never matches a flow whose ports are really 0.
 */
public final class FlowKey
{
    public static final int IPV6 = 0x01;
    public static final int L3_ONLY = 0x02;
    /** The bits above are the key; the rest of the key-flags byte carries the ingress interface. */
    public static final int KEY_BITS = 0x03;
    public static final int INTERFACE_SHIFT = 2;
    /** Ingress interfaces above this are recorded as this value. */
    public static final int MAX_INTERFACE = 0x3F;

    private FlowKey()
    {
    }
}
