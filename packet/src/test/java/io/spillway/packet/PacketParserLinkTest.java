package io.spillway.packet;

import io.spillway.packet.LinkType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteOrder;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.spillway.packet.PacketBuilder.AF_INET;
import static io.spillway.packet.PacketBuilder.AF_INET6_BSD;
import static io.spillway.packet.PacketBuilder.AF_INET6_DARWIN;
import static io.spillway.packet.PacketBuilder.AF_INET6_FREEBSD;
import static io.spillway.packet.PacketBuilder.ETHERTYPE_ARP;
import static io.spillway.packet.PacketBuilder.ETHERTYPE_LLDP;
import static io.spillway.packet.PacketBuilder.ETHERTYPE_QINQ;
import static io.spillway.packet.PacketBuilder.ETHERTYPE_QINQ_LEGACY;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_COLOR_ETH;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_COLOR_HASH_ETH;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_DSM_COLOR_ETH;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_ETH;
import static io.spillway.packet.PacketBuilder.ETHERTYPE_VLAN;
import static io.spillway.packet.PacketBuilder.RADIOTAP_DATA_PAD;
import static io.spillway.packet.PacketBuilder.WLAN_DATA;
import static io.spillway.packet.PacketBuilder.WLAN_FROM_DS;
import static io.spillway.packet.PacketBuilder.WLAN_ORDER;
import static io.spillway.packet.PacketBuilder.WLAN_QOS_A_MSDU;
import static io.spillway.packet.PacketBuilder.WLAN_QOS_DATA;
import static io.spillway.packet.PacketBuilder.WLAN_TO_DS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PacketParserLinkTest
{
    private static final int SRC = 0x0A00_0001;
    private static final int DST = 0xC0A8_0102;
    private static final long SRC6_HI = 0x2001_0DB8_0000_0001L;
    private static final long SRC6_LO = 0x0000_0000_0000_0011L;
    private static final long DST6_HI = 0xFE80_0000_0000_0000L;
    private static final long DST6_LO = 0x0211_22FF_FE33_4455L;

    private final PacketParser parser = new PacketParser();
    private final ParsedPacket packet = new ParsedPacket();

    /** Link encapsulations that can carry both IPv4 and IPv6: name, builder, offset of IP, outer VLAN id. */
    static Stream<Arguments> links()
    {
        return Stream.of(
            link("Ethernet", PacketBuilder::ethernet, 14, 0),
            link("802.1Q", () -> PacketBuilder.ethernet().vlan(100), 18, 100),
            link("802.1ad + 802.1Q", () -> PacketBuilder.ethernet().vlan(ETHERTYPE_QINQ, 200).vlan(300), 22, 200),
            link("0x9100 + 802.1Q",
                () -> PacketBuilder.ethernet().vlan(ETHERTYPE_QINQ_LEGACY, 4094).vlan(ETHERTYPE_VLAN, 5), 22, 4094),
            link("three tags", () -> PacketBuilder.ethernet().vlan(ETHERTYPE_QINQ, 1).vlan(2).vlan(3), 26, 1),
            link("MPLS one label", () -> PacketBuilder.ethernet().mpls(16), 18, 0),
            link("MPLS three labels", () -> PacketBuilder.ethernet().mpls(16, 17, 1_048_575), 26, 0),
            link("802.1Q + MPLS", () -> PacketBuilder.ethernet().vlan(7).mpls(100, 200), 26, 7),
            link("PPPoE", () -> PacketBuilder.ethernet().pppoe(), 22, 0),
            link("802.1Q + PPPoE", () -> PacketBuilder.ethernet().vlan(12).pppoe(), 26, 12),
            link("Linux SLL", PacketBuilder::linuxSll, 16, 0),
            link("Linux SLL2", PacketBuilder::linuxSll2, 20, 0),
            link("RAW", () -> PacketBuilder.raw(LinkType.RAW), 0, 0),
            link("RAW_BSD", () -> PacketBuilder.raw(LinkType.RAW_BSD), 0, 0),
            link("RAW_OPENBSD", () -> PacketBuilder.raw(LinkType.RAW_OPENBSD), 0, 0),
            link("PPP", () -> PacketBuilder.ppp(true, false), 4, 0),
            link("PPP without address/control", () -> PacketBuilder.ppp(false, false), 2, 0),
            link("PPP compressed protocol", () -> PacketBuilder.ppp(true, true), 3, 0),
            link("PPP bare compressed protocol", () -> PacketBuilder.ppp(false, true), 1, 0),
            link("PPP_HDLC", () -> PacketBuilder.pppHdlc(false), 4, 0),
            link("PPP_HDLC compressed protocol", () -> PacketBuilder.pppHdlc(true), 3, 0),
            link("PPP_HDLC Cisco framing", () -> PacketBuilder.ciscoHdlc(LinkType.PPP_HDLC), 4, 0),
            link("C_HDLC", () -> PacketBuilder.ciscoHdlc(LinkType.C_HDLC), 4, 0),
            link("PPI + Ethernet", () -> PacketBuilder.ppi(LinkType.ETHERNET).ethernetHeader(), 8 + 14, 0),
            link("PPI + Ethernet + 802.1Q", () -> PacketBuilder.ppi(LinkType.ETHERNET).ethernetHeader().vlan(9),
                8 + 18, 9),
            link("PPI + raw IP", () -> PacketBuilder.ppi(LinkType.RAW), 8, 0),
            link("PPI + 802.11 QoS data", () -> PacketBuilder.ppi(LinkType.IEEE802_11).wlanData(WLAN_TO_DS, true,
                false), 32 + 26 + 8, 0),
            link("PPI + 802.11 QoS data + HT control", () -> PacketBuilder.ppi(LinkType.IEEE802_11)
                .wlanData(WLAN_FROM_DS, true, true), 32 + 30 + 8, 0),
            link("802.11 data", () -> PacketBuilder.wlan().wlanData(WLAN_FROM_DS, false, false), 24 + 8, 0),
            link("802.11 data, four addresses", () -> PacketBuilder.wlan().wlanData(WLAN_TO_DS | WLAN_FROM_DS, false,
                false), 30 + 8, 0),
            link("802.11 QoS data, four addresses + HT control", () -> PacketBuilder.wlan()
                .wlanData(WLAN_TO_DS | WLAN_FROM_DS, true, true), 36 + 8, 0),
            link("802.11 data with the order bit (no HT control without QoS)", () -> PacketBuilder.wlan()
                .wlanHeader(WLAN_DATA, WLAN_ORDER, 0, -1, false).llcSnap(0), 24 + 8, 0),
            link("802.11 802.1H bridge tunnel", () -> PacketBuilder.wlan().wlanHeader(WLAN_DATA, WLAN_TO_DS, 0, -1,
                false).llcSnap(0xF8), 24 + 8, 0),
            link("802.11 data + 802.1Q", () -> PacketBuilder.wlan().wlanData(WLAN_TO_DS, false, false).vlan(33),
                24 + 8 + 4, 33),
            link("802.11 A-MSDU, first subframe", () -> PacketBuilder.wlan().wlanHeader(WLAN_QOS_DATA, WLAN_FROM_DS,
                0, WLAN_QOS_A_MSDU, false).aMsduSubframe().llcSnap(0), 26 + 14 + 8, 0),
            link("radiotap without flags + 802.11", () -> PacketBuilder.radiotap(-1).wlanData(WLAN_TO_DS, false,
                false), 9 + 24 + 8, 0),
            link("radiotap TSFT and flags + 802.11 QoS", () -> PacketBuilder.radiotap(true, 0, 0).wlanData(0, true,
                false), 18 + 26 + 8, 0),
            link("radiotap extended bitmaps + 802.11 QoS", () -> PacketBuilder.radiotap(true, 0x02, 2).wlanData(0,
                true, false), 26 + 26 + 8, 0),
            link("radiotap data pad + 802.11 QoS", () -> PacketBuilder.radiotap(RADIOTAP_DATA_PAD)
                .wlanHeader(WLAN_QOS_DATA, WLAN_TO_DS, 0, 0, false).bytes(0, 0).llcSnap(0), 10 + 28 + 8, 0),
            link("radiotap data pad, header aligned", () -> PacketBuilder.radiotap(RADIOTAP_DATA_PAD)
                .wlanData(WLAN_TO_DS, false, false), 10 + 24 + 8, 0),
            link("ERF Ethernet", () -> PacketBuilder.erf(ERF_TYPE_ETH, 0), 16 + 2 + 14, 0),
            link("ERF color Ethernet + extension header", () -> PacketBuilder.erf(ERF_TYPE_COLOR_ETH, 1),
                16 + 8 + 2 + 14, 0),
            link("ERF DSM color Ethernet + 3 extension headers", () -> PacketBuilder.erf(ERF_TYPE_DSM_COLOR_ETH, 3),
                16 + 24 + 2 + 14, 0),
            link("ERF color hash Ethernet + 802.1Q", () -> PacketBuilder.erf(ERF_TYPE_COLOR_HASH_ETH, 0).vlan(77),
                16 + 2 + 18, 77));
    }

    private static Arguments link(
        final String name, final Supplier<PacketBuilder> start, final int l3Offset, final int vlanId)
    {
        return arguments(name, start, l3Offset, vlanId);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("links")
    void ipv4OverEachLink(
        final String name, final Supplier<PacketBuilder> start, final int l3Offset, final int vlanId)
    {
        final PacketBuilder.Frame frame = start.get().ipv4(SRC, DST).udp(40000, 53).payload(30).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(4, packet.ipVersion);
        assertEquals(l3Offset, packet.l3Offset);
        assertEquals(l3Offset + 20, packet.l4Offset);
        assertEquals(0x0A00_0001L, packet.srcLo);
        assertEquals(0xC0A8_0102L, packet.dstLo);
        assertEquals(17, packet.protocol);
        assertEquals(40000, packet.srcPort);
        assertEquals(53, packet.dstPort);
        assertEquals(vlanId, packet.vlanId);
        assertEquals(58, packet.ipLength);
        assertEquals(30, packet.payloadLength);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("links")
    void ipv6OverEachLink(
        final String name, final Supplier<PacketBuilder> start, final int l3Offset, final int vlanId)
    {
        final PacketBuilder.Frame frame = start.get()
            .ipv6(SRC6_HI, SRC6_LO, DST6_HI, DST6_LO).tcp(443, 51000, PacketBuilder.TCP_ACK).payload(7).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(6, packet.ipVersion);
        assertEquals(l3Offset, packet.l3Offset);
        assertEquals(SRC6_HI, packet.srcHi);
        assertEquals(SRC6_LO, packet.srcLo);
        assertEquals(DST6_HI, packet.dstHi);
        assertEquals(DST6_LO, packet.dstLo);
        assertEquals(6, packet.protocol);
        assertEquals(443, packet.srcPort);
        assertEquals(51000, packet.dstPort);
        assertEquals(vlanId, packet.vlanId);
        assertEquals(67, packet.ipLength);
    }

    @Test
    void ipv4AndIpv6LinkTypes()
    {
        final PacketBuilder.Frame v4 = PacketBuilder.raw(LinkType.IPV4).ipv4(SRC, DST).udp(1, 2).build();
        final PacketBuilder.Frame v6 = PacketBuilder.raw(LinkType.IPV6).ipv6(1, 2, 3, 4).udp(5, 6).build();

        assertEquals(ParseStatus.FLOW, v4.parse(parser, packet));
        assertEquals(4, packet.ipVersion);
        assertEquals(2, packet.dstPort);
        assertEquals(ParseStatus.FLOW, v6.parse(parser, packet));
        assertEquals(6, packet.ipVersion);
        assertEquals(6, packet.dstPort);
    }

    @Test
    void ipLinkTypesRequireTheirVersion()
    {
        final PacketBuilder.Frame v6InV4Link = PacketBuilder.raw(LinkType.IPV4).ipv6(1, 2, 3, 4).udp(5, 6).build();
        final PacketBuilder.Frame v4InV6Link =
            PacketBuilder.raw(LinkType.IPV6).ipv4(SRC, DST).udp(1, 2).payload(40).build();

        assertEquals(ParseStatus.MALFORMED, v6InV4Link.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IP_VERSION.ordinal(), packet.malformed);
        assertEquals(ParseStatus.MALFORMED, v4InV6Link.parse(parser, packet));
        assertEquals(MalformedKind.BAD_IP_VERSION.ordinal(), packet.malformed);
    }

    static Stream<Arguments> loopbackFamilies()
    {
        return Stream.of(
            arguments(AF_INET, ByteOrder.LITTLE_ENDIAN, 4),
            arguments(AF_INET, ByteOrder.BIG_ENDIAN, 4),
            arguments(AF_INET6_BSD, ByteOrder.LITTLE_ENDIAN, 6),
            arguments(AF_INET6_BSD, ByteOrder.BIG_ENDIAN, 6),
            arguments(AF_INET6_FREEBSD, ByteOrder.LITTLE_ENDIAN, 6),
            arguments(AF_INET6_FREEBSD, ByteOrder.BIG_ENDIAN, 6),
            arguments(AF_INET6_DARWIN, ByteOrder.LITTLE_ENDIAN, 6),
            arguments(AF_INET6_DARWIN, ByteOrder.BIG_ENDIAN, 6));
    }

    @ParameterizedTest(name = "NULL family {0} {1}")
    @MethodSource("loopbackFamilies")
    void nullLinkAcceptsBothByteOrders(final int family, final ByteOrder order, final int ipVersion)
    {
        final PacketBuilder.Frame frame = withIp(PacketBuilder.nullLink(family, order), ipVersion);

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(ipVersion, packet.ipVersion);
        assertEquals(4, packet.l3Offset);
        assertEquals(8080, packet.dstPort);
    }

    @ParameterizedTest(name = "LOOP family {0}")
    @MethodSource("loopbackFamilies")
    void loopUsesNetworkOrderOnly(final int family, final ByteOrder order, final int ipVersion)
    {
        final PacketBuilder.Frame networkOrder = withIp(PacketBuilder.loop(family), ipVersion);
        final PacketBuilder.Frame hostOrder = withIp(PacketBuilder.loop(Integer.reverseBytes(family)), ipVersion);

        assertEquals(ParseStatus.FLOW, networkOrder.parse(parser, packet));
        assertEquals(ipVersion, packet.ipVersion);
        assertEquals(ParseStatus.NOT_IP, hostOrder.parse(parser, packet));
    }

    @Test
    void unknownLoopbackFamilyIsNotIp()
    {
        final PacketBuilder.Frame frame = withIp(PacketBuilder.nullLink(7, ByteOrder.LITTLE_ENDIAN), 4);

        assertEquals(ParseStatus.NOT_IP, frame.parse(parser, packet));
    }

    static Stream<Arguments> nonIpFrames()
    {
        return Stream.of(
            arguments("ARP", PacketBuilder.ethernet().next(ETHERTYPE_ARP).payload(28).build(), 0),
            arguments("LLDP", PacketBuilder.ethernet().next(ETHERTYPE_LLDP).payload(40).build(), 0),
            arguments("802.3 length field", PacketBuilder.ethernet().next(46).payload(46).build(), 0),
            arguments("ARP in 802.1Q", PacketBuilder.ethernet().vlan(42).next(ETHERTYPE_ARP).payload(28).build(), 42),
            arguments("MPLS pseudowire control word",
                PacketBuilder.ethernet().mpls(30).ethernetHeader().next(ETHERTYPE_ARP).payload(28).build(), 0),
            arguments("PPPoE LCP", PacketBuilder.ethernet().pppoe().next(0xC021).payload(10).build(), 0),
            arguments("SLL ARP", PacketBuilder.linuxSll().next(ETHERTYPE_ARP).payload(28).build(), 0),
            arguments("SLL2 ARP", PacketBuilder.linuxSll2().next(ETHERTYPE_ARP).payload(28).build(), 0),
            arguments("PPP LCP", PacketBuilder.ppp(true, false).next(0xC021).payload(10).build(), 0),
            arguments("PPP compressed OSI", PacketBuilder.ppp(true, true).next(0x23).payload(10).build(), 0),
            arguments("C_HDLC SLARP", PacketBuilder.ciscoHdlc(LinkType.C_HDLC).next(0x8035).payload(20).build(), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nonIpFrames")
    void nonIpIsNotIp(final String name, final PacketBuilder.Frame frame, final int vlanId)
    {
        assertEquals(ParseStatus.NOT_IP, frame.parse(parser, packet));
        assertEquals(MalformedKind.NONE.ordinal(), packet.malformed);
        assertEquals(vlanId, packet.vlanId);
    }

    @Test
    void unsupportedLinkTypesAreTheOnesLinkTypeDoesNotList()
    {
        final PacketBuilder.Frame empty = PacketBuilder.raw(0).build();
        for (int linkType = 0; linkType < 300; linkType++)
        {
            final int status = parser.parse(empty.address(), 0, 0, linkType, 0L, packet);
            assertEquals(!LinkType.isSupported(linkType), ParseStatus.UNSUPPORTED_LINK == status,
                LinkType.name(linkType));
        }
    }

    private static PacketBuilder.Frame withIp(final PacketBuilder start, final int ipVersion)
    {
        final PacketBuilder ip = 4 == ipVersion ? start.ipv4(SRC, DST) : start.ipv6(1, 2, 3, 4);
        return ip.tcp(34000, 8080, PacketBuilder.TCP_SYN).build();
    }
}
