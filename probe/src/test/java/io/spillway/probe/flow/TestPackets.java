package io.spillway.probe.flow;

import io.spillway.packet.PacketDescriptor;
import io.spillway.packet.ParsedPacket;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/** Builds packet descriptors the way the capture thread does, for flow cache tests. */
public final class TestPackets
{
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int ACK = 0x10;

    private final ParsedPacket packet = new ParsedPacket();
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(PacketDescriptor.LENGTH));

    /** An IPv4 packet's descriptor; the buffer is reused by the next call. */
    public UnsafeBuffer v4(
        final int src, final int srcPort, final int dst, final int dstPort, final int protocol, final int tcpFlags,
        final int ipLength, final long timeMs)
    {
        packet.reset();
        packet.ipVersion = 4;
        packet.srcLo = src & 0xFFFF_FFFFL;
        packet.dstLo = dst & 0xFFFF_FFFFL;
        return finish(srcPort, dstPort, protocol, tcpFlags, ipLength, timeMs, 0);
    }

    public UnsafeBuffer v6(
        final long srcHi, final long srcLo, final int srcPort, final long dstHi, final long dstLo, final int dstPort,
        final int protocol, final int ipLength, final long timeMs)
    {
        packet.reset();
        packet.ipVersion = 6;
        packet.srcHi = srcHi;
        packet.srcLo = srcLo;
        packet.dstHi = dstHi;
        packet.dstLo = dstLo;
        return finish(srcPort, dstPort, protocol, 0, ipLength, timeMs, 0);
    }

    public UnsafeBuffer withVlan(
        final int src, final int dst, final int vlan, final int ipLength, final long timeMs)
    {
        packet.reset();
        packet.ipVersion = 4;
        packet.srcLo = src & 0xFFFF_FFFFL;
        packet.dstLo = dst & 0xFFFF_FFFFL;
        packet.vlanId = vlan;
        return finish(1000, 53, UDP, 0, ipLength, timeMs, 0);
    }

    private UnsafeBuffer finish(
        final int srcPort, final int dstPort, final int protocol, final int tcpFlags, final int ipLength,
        final long timeMs, final int interfaceId)
    {
        packet.srcPort = srcPort;
        packet.dstPort = dstPort;
        packet.protocol = protocol;
        packet.tcpFlags = tcpFlags;
        packet.ipLength = ipLength;
        final int keyFlags = PacketDescriptor.keyFlags(packet, false, interfaceId);
        final long hash = PacketDescriptor.hash(packet, keyFlags);
        PacketDescriptor.write(buffer, 0, packet, hash, keyFlags, 0, 0, ipLength + 14, timeMs * 1_000_000L);
        return buffer;
    }
}
