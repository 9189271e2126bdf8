package io.spillway.packet;

/** LINKTYPE_* values (tcpdump.org link-layer header types) that Spillway decodes. */
public final class LinkType
{
    public static final int NULL = 0;          // BSD loopback, host byte order family
    public static final int ETHERNET = 1;
    public static final int PPP = 9;
    public static final int RAW_OPENBSD = 12;  // DLT_RAW on some systems
    public static final int RAW_BSD = 14;      // DLT_RAW on others
    public static final int PPP_HDLC = 50;
    public static final int RAW = 101;
    public static final int C_HDLC = 104;
    public static final int IEEE802_11 = 105;  // 802.11 frames without a radio header
    public static final int LOOP = 108;        // OpenBSD loopback, network byte order family
    public static final int LINUX_SLL = 113;
    public static final int IEEE802_11_RADIOTAP = 127;
    public static final int PPI = 192;         // Per-Packet Information header, then the frame of its own DLT
    public static final int ERF = 197;         // Endace ERF record header, then the frame of its record type
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    private LinkType()
    {
    }

    public static boolean isSupported(final int linkType)
    {
        return switch (linkType)
        {
            case NULL, ETHERNET, PPP, RAW_OPENBSD, RAW_BSD, PPP_HDLC, RAW, C_HDLC, IEEE802_11, LOOP, LINUX_SLL,
                 IEEE802_11_RADIOTAP, PPI, ERF, IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }

    public static String name(final int linkType)
    {
        return switch (linkType)
        {
            case NULL -> "NULL";
            case ETHERNET -> "ETHERNET";
            case PPP -> "PPP";
            case RAW_OPENBSD, RAW_BSD, RAW -> "RAW";
            case PPP_HDLC -> "PPP_HDLC";
            case C_HDLC -> "C_HDLC";
            case IEEE802_11 -> "IEEE802_11";
            case IEEE802_11_RADIOTAP -> "IEEE802_11_RADIOTAP";
            case PPI -> "PPI";
            case ERF -> "ERF";
            case LOOP -> "LOOP";
            case LINUX_SLL -> "LINUX_SLL";
            case IPV4 -> "IPV4";
            case IPV6 -> "IPV6";
            case LINUX_SLL2 -> "LINUX_SLL2";
            default -> "LINKTYPE_" + linkType;
        };
    }
}
