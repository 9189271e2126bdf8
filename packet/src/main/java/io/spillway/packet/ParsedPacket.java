package io.spillway.packet;

/**
 * What {@link PacketParser} found in one packet: a mutable holder reused for every packet, so
 * parsing allocates nothing. Offsets are relative to the first byte of the frame.
 * <p>
 * Addresses are kept as big-endian longs: an IPv4 address is in the low 32 bits of
 * {@code srcLo}/{@code dstLo} with the high words zero; an IPv6 address is {@code hi} = bytes
 * 0..7 and {@code lo} = bytes 8..15.
 */
public final class ParsedPacket
{
    /** Fragment states. */
    public static final int NOT_FRAGMENT = 0;
    public static final int FIRST_FRAGMENT = 1;
    public static final int LATER_FRAGMENT = 2;

    /** 4 or 6; 0 when no IP header was found. */
    public int ipVersion;
    /**
     * IP protocol number of the transport (after IPv6 extension headers). When the chain is broken or cut, the
     * type of the extension header that could not be walked.
     */
    public int protocol;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    /**
     * Transport ports; 0 when the protocol has none or they could not be read. ICMP and ICMPv6: srcPort 0 and
     * dstPort = type &lt;&lt; 8 | code, the NetFlow convention.
     */
    public int srcPort;
    public int dstPort;
    /** Outermost VLAN tag's id (12 bits; 802.1Q, 802.1ad or 0x9100 tag), 0 when untagged. */
    public int vlanId;
    /** TCP flags byte (CWR..FIN), 0 for non-TCP. */
    public int tcpFlags;
    /** Offset of the IP header, also when it turned out broken; 0 when parsing stopped before it. */
    public int l3Offset;
    /**
     * Offset of the header after the IP header and its IPv6 extension headers, whatever the protocol; -1 when
     * unknown (later fragment, extension header chain broken or cut). May be at or past the captured length when
     * the snap length cut the packet.
     */
    public int l4Offset;
    /**
     * Offset of the TCP, UDP or SCTP payload, -1 when absent (other protocols, header unreadable). May be at or
     * past the captured length when the snap length cut the packet.
     */
    public int payloadOffset;
    /** Bytes of transport payload present in the capture (0 when absent). */
    public int payloadLength;
    /** Bytes of the IP packet as its header claims (IPv4 total length, IPv6 40 + payload length). */
    public int ipLength;
    /** One of NOT_FRAGMENT, FIRST_FRAGMENT, LATER_FRAGMENT. */
    public int fragment;
    /** IPv4 identification or IPv6 fragment header identification (when fragment != NOT_FRAGMENT). */
    public int fragmentId;
    /** The fragment says more fragments follow. */
    public boolean moreFragments;
    /** A {@link MalformedKind} ordinal; NONE when the packet is sound. */
    public int malformed;
    /** A {@link Tunnel} the packet carries (GRE, VXLAN, IP-in-IP, 6in4, Teredo): accounted as the outer flow. */
    public int tunnel;
    /**
     * Layer-2 octets the packet counts to its flow: the frame's wire length as given to the parser, except under
     * LINKTYPE_ERF, where the record header in front of the frame is capture metadata: there the record's wire
     * length (ERF wlen), which is also what tshark reports as the frame length. Set by every parse.
     */
    public int layer2Length;

    public void reset()
    {
        ipVersion = 0;
        protocol = 0;
        srcHi = 0;
        srcLo = 0;
        dstHi = 0;
        dstLo = 0;
        srcPort = 0;
        dstPort = 0;
        vlanId = 0;
        tcpFlags = 0;
        l3Offset = 0;
        l4Offset = -1;
        payloadOffset = -1;
        payloadLength = 0;
        ipLength = 0;
        fragment = NOT_FRAGMENT;
        fragmentId = 0;
        moreFragments = false;
        malformed = MalformedKind.NONE.ordinal();
        tunnel = 0;
        layer2Length = 0;
    }
}
