package io.spillway.benchmarks;

import io.spillway.packet.PacketDescriptor;
import io.spillway.packet.ParsedPacket;
import org.agrona.MutableDirectBuffer;

/** Deterministic IPv4 UDP flow keys by flow number, written as packet descriptors. */
final class SyntheticFlows
{
    private final ParsedPacket packet = new ParsedPacket();

    /** Writes the descriptor of one 64-byte packet of flow {@code flow} at {@code offset}. */
    void write(final MutableDirectBuffer buffer, final int offset, final long flow, final long timeNs)
    {
        packet.reset();
        packet.ipVersion = 4;
        packet.protocol = 17;
        // Spread flow numbers over addresses and ports the way real traffic would: a mixed value.
        final long mixed = flow * 0x9E3779B97F4A7C15L;
        packet.srcLo = 0x0A00_0000L | (flow & 0xFF_FFFFL);
        packet.dstLo = 0xC0A8_0000L | ((mixed >>> 40) & 0xFFFFL);
        packet.srcPort = 1024 + (int)((flow >>> 24) & 0x3FFF);
        packet.dstPort = (int)((mixed >>> 20) & 0xFFFF);
        packet.ipLength = 46;
        final int keyFlags = PacketDescriptor.keyFlags(packet, false, 0);
        PacketDescriptor.write(buffer, offset, packet, PacketDescriptor.hash(packet, keyFlags), keyFlags, 0, 60, 64,
            timeNs);
    }
}
