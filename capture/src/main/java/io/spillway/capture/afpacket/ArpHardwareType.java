package io.spillway.capture.afpacket;

import io.spillway.packet.LinkType;

/**
 * Maps the kernel's interface type ({@code ARPHRD_*} of linux/if_arp.h, as {@code sll_hatype} reports it) to the
 * LINKTYPE_* of the frames a raw packet socket delivers on it. Only types whose frames Spillway can decode are
 * mapped; libpcap's pcap-linux.c has the full table.
 */
final class ArpHardwareType
{
    static final int ETHER = 1;
    static final int PPP = 512;
    static final int RAWIP = 519;
    static final int TUNNEL = 768;
    static final int TUNNEL6 = 769;
    static final int SIT = 776;
    static final int LOOPBACK = 772;
    static final int NONE = 0xFFFE;

    /** Returned by {@link #linkType} for a type whose frames Spillway does not decode. */
    static final int UNSUPPORTED = -1;

    private ArpHardwareType()
    {
    }

    /**
     * Ethernet and loopback frames start with an Ethernet header (loopback's has zero addresses). Interfaces without
     * a link-layer header (tun, PPP, IP-in-IP and SIT tunnels, raw-IP modems) deliver the IP packet itself: the
     * kernel has no header to give back.
     */
    static int linkType(final int arpHardwareType)
    {
        return switch (arpHardwareType)
        {
            case ETHER, LOOPBACK -> LinkType.ETHERNET;
            case NONE, RAWIP, PPP, TUNNEL, TUNNEL6, SIT -> LinkType.RAW;
            default -> UNSUPPORTED;
        };
    }

    /** "ARPHRD_IEEE80211_RADIOTAP (803)": the name an operator finds in linux/if_arp.h, and the number. */
    static String describe(final int arpHardwareType)
    {
        final String name = switch (arpHardwareType)
        {
            case ETHER -> "ARPHRD_ETHER";
            case PPP -> "ARPHRD_PPP";
            case RAWIP -> "ARPHRD_RAWIP";
            case TUNNEL -> "ARPHRD_TUNNEL";
            case TUNNEL6 -> "ARPHRD_TUNNEL6";
            case SIT -> "ARPHRD_SIT";
            case LOOPBACK -> "ARPHRD_LOOPBACK";
            case NONE -> "ARPHRD_NONE";
            case 24 -> "ARPHRD_IEEE1394";
            case 32 -> "ARPHRD_INFINIBAND";
            case 280 -> "ARPHRD_CAN";
            case 513 -> "ARPHRD_CISCO";
            case 778 -> "ARPHRD_IPGRE";
            case 801 -> "ARPHRD_IEEE80211";
            case 802 -> "ARPHRD_IEEE80211_PRISM";
            case 803 -> "ARPHRD_IEEE80211_RADIOTAP";
            case 823 -> "ARPHRD_IP6GRE";
            case 824 -> "ARPHRD_NETLINK";
            default -> "ARPHRD type";
        };
        return name + " (" + arpHardwareType + ")";
    }
}
