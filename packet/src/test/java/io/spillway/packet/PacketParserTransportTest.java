package io.spillway.packet;

import org.junit.jupiter.api.Test;

import static io.spillway.packet.PacketBuilder.TCP_ACK;
import static io.spillway.packet.PacketBuilder.TCP_FIN;
import static io.spillway.packet.PacketBuilder.TCP_PSH;
import static io.spillway.packet.PacketBuilder.TCP_RST;
import static io.spillway.packet.PacketBuilder.TCP_SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PacketParserTransportTest
{
    private static final int SRC = 0x0A01_0203;
    private static final int DST = 0x0A04_0506;
    private static final int L4 = 14 + 20;

    private final PacketParser parser = new PacketParser();
    private final ParsedPacket packet = new ParsedPacket();

    @Test
    void tcpPortsFlagsAndPayload()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).tcp(51515, 443, TCP_SYN | TCP_ACK).payload(100).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(6, packet.protocol);
        assertEquals(51515, packet.srcPort);
        assertEquals(443, packet.dstPort);
        assertEquals(TCP_SYN | TCP_ACK, packet.tcpFlags);
        assertEquals(L4, packet.l4Offset);
        assertEquals(L4 + 20, packet.payloadOffset);
        assertEquals(100, packet.payloadLength);
    }

    @Test
    void tcpFlagsAreTheWholeByte()
    {
        final int flags = 0xC0 | TCP_FIN | TCP_RST | TCP_PSH;
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv4(SRC, DST).tcp(1, 2, flags).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(flags, packet.tcpFlags);
        assertEquals(0, packet.payloadLength);
    }

    @Test
    void tcpOptionsMovePayload()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).tcp(1, 2, TCP_ACK).tcpOptions(12).payload(9).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(L4 + 32, packet.payloadOffset);
        assertEquals(9, packet.payloadLength);
    }

    @Test
    void udp()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv4(SRC, DST).udp(123, 124).payload(48).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(17, packet.protocol);
        assertEquals(123, packet.srcPort);
        assertEquals(124, packet.dstPort);
        assertEquals(0, packet.tcpFlags);
        assertEquals(L4 + 8, packet.payloadOffset);
        assertEquals(48, packet.payloadLength);
    }

    @Test
    void sctp()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv4(SRC, DST).sctp(36412, 38412).payload(16)
            .build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(132, packet.protocol);
        assertEquals(36412, packet.srcPort);
        assertEquals(38412, packet.dstPort);
        assertEquals(L4 + 12, packet.payloadOffset);
        assertEquals(16, packet.payloadLength);
    }

    @Test
    void icmpTypeAndCodeAreTheDestinationPort()
    {
        final PacketBuilder.Frame echo = PacketBuilder.ethernet().ipv4(SRC, DST).icmp(8, 0).payload(56).build();
        final PacketBuilder.Frame unreachable = PacketBuilder.ethernet().ipv4(SRC, DST).icmp(3, 13).build();

        assertEquals(ParseStatus.FLOW, echo.parse(parser, packet));
        assertEquals(1, packet.protocol);
        assertEquals(0, packet.srcPort);
        assertEquals(0x0800, packet.dstPort);
        assertEquals(-1, packet.payloadOffset);
        assertEquals(ParseStatus.FLOW, unreachable.parse(parser, packet));
        assertEquals(0x030D, packet.dstPort);
    }

    @Test
    void icmpv6TypeAndCodeAreTheDestinationPort()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv6(1, 2, 3, 4).icmpv6(135, 0).payload(16).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(58, packet.protocol);
        assertEquals(0, packet.srcPort);
        assertEquals(135 << 8, packet.dstPort);
    }

    @Test
    void otherProtocolsHaveNoPorts()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).next(PacketBuilder.PROTOCOL_OSPF).payload(44).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(89, packet.protocol);
        assertEquals(0, packet.srcPort);
        assertEquals(0, packet.dstPort);
        assertEquals(L4, packet.l4Offset);
        assertEquals(-1, packet.payloadOffset);
        assertEquals(Tunnel.NONE, packet.tunnel);
    }

    @Test
    void greIsAccountedAsTheOuterFlow()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).gre().ipv4(0x0101_0101, 0x0202_0202).udp(53, 53).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(Tunnel.GRE, packet.tunnel);
        assertEquals(47, packet.protocol);
        assertEquals(SRC & 0xFFFF_FFFFL, packet.srcLo);
        assertEquals(0, packet.dstPort);
    }

    @Test
    void ipInIp()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4(0x0101_0101, 0x0202_0202).tcp(1, 2, 0).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(Tunnel.IP_IN_IP, packet.tunnel);
        assertEquals(4, packet.protocol);
        assertEquals(DST & 0xFFFF_FFFFL, packet.dstLo);
        assertEquals(0, packet.srcPort);
    }

    @Test
    void sixInFour()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv4(SRC, DST).ipv6(1, 2, 3, 4).udp(1, 2).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(Tunnel.IPV6_IN_IP, packet.tunnel);
        assertEquals(41, packet.protocol);
        assertEquals(4, packet.ipVersion);
    }

    @Test
    void vxlanIsRecognisedByItsDestinationPort()
    {
        final PacketBuilder.Frame vxlan = PacketBuilder.ethernet().ipv4(SRC, DST).udp(49152, 4789).vxlan(5001)
            .ethernetHeader().ipv4(0x0101_0101, 0x0202_0202).tcp(1, 2, 0).build();
        final PacketBuilder.Frame fromVxlanPort = PacketBuilder.ethernet().ipv4(SRC, DST).udp(4789, 49152).build();

        assertEquals(ParseStatus.FLOW, vxlan.parse(parser, packet));
        assertEquals(Tunnel.VXLAN, packet.tunnel);
        assertEquals(49152, packet.srcPort);
        assertEquals(4789, packet.dstPort);
        assertEquals(ParseStatus.FLOW, fromVxlanPort.parse(parser, packet));
        assertEquals(Tunnel.NONE, packet.tunnel);
    }

    @Test
    void teredoIsRecognisedByEitherPort()
    {
        final PacketBuilder.Frame toServer =
            PacketBuilder.ethernet().ipv4(SRC, DST).udp(50000, 3544).ipv6(1, 2, 3, 4).next(59).build();
        final PacketBuilder.Frame fromServer =
            PacketBuilder.ethernet().ipv4(SRC, DST).udp(3544, 50000).ipv6(1, 2, 3, 4).next(59).build();

        assertEquals(ParseStatus.FLOW, toServer.parse(parser, packet));
        assertEquals(Tunnel.TEREDO, packet.tunnel);
        assertEquals(ParseStatus.FLOW, fromServer.parse(parser, packet));
        assertEquals(Tunnel.TEREDO, packet.tunnel);
    }

    @Test
    void plainUdpIsNoTunnel()
    {
        final PacketBuilder.Frame frame = PacketBuilder.ethernet().ipv4(SRC, DST).udp(5353, 5353).build();

        assertEquals(ParseStatus.FLOW, frame.parse(parser, packet));
        assertEquals(Tunnel.NONE, packet.tunnel);
    }

    @Test
    void laterFragmentOfGreIsStillMarked()
    {
        final PacketBuilder.Frame frame =
            PacketBuilder.ethernet().ipv4(SRC, DST).ipv4Fragment(5, 100, false).next(47).payload(30).build();

        assertEquals(ParseStatus.L3_FLOW, frame.parse(parser, packet));
        assertEquals(Tunnel.GRE, packet.tunnel);
    }
}
