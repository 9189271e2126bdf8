package io.spillway.packet;

/**
 * Tunnels {@link PacketParser} recognises in {@link ParsedPacket#tunnel}, for statistics only: a tunnelled packet
 * is not decapsulated and is accounted to its outer flow.
 */
public final class Tunnel
{
    public static final int NONE = 0;
    /** IP protocol 47. */
    public static final int GRE = 1;
    /** IP protocol 4: IPv4 inside IPv4 or IPv6. */
    public static final int IP_IN_IP = 2;
    /** IP protocol 41: IPv6 inside IPv4 (6in4) or IPv6. */
    public static final int IPV6_IN_IP = 3;
    /** UDP to port 4789. */
    public static final int VXLAN = 4;
    /** UDP from or to port 3544. */
    public static final int TEREDO = 5;

    private Tunnel()
    {
    }

    public static String name(final int tunnel)
    {
        return switch (tunnel)
        {
            case NONE -> "none";
            case GRE -> "GRE";
            case IP_IN_IP -> "IP-in-IP";
            case IPV6_IN_IP -> "6in4";
            case VXLAN -> "VXLAN";
            case TEREDO -> "Teredo";
            default -> "tunnel " + tunnel;
        };
    }
}
