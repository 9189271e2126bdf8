package io.spillway.packet;

import io.spillway.packet.ParsedPacket;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A packet as a receive queue hands it to the worker that owns its flow: the flow key, the hash, what is counted,
 * and the address of the packet bytes (valid while the worker handles it) for DPI. Fixed {@link #LENGTH} bytes,
 * native byte order, in {@link PacketBatch}es. A receive path that does not parse writes only the received fields
 * ({@link #writeReceived}: timestamp, address, captured and wire length, flowId) and the worker parses the rest.
 */
public final class PacketDescriptor
{
    public static final int HASH = 0;              // long: FlowHash
    public static final int TIMESTAMP_NS = 8;      // long
    public static final int PACKET_ADDRESS = 16;   // long: first byte of the frame
    public static final int CAPTURED_LENGTH = 24;  // int
    public static final int WIRE_LENGTH = 28;      // int: layer-2 bytes counted
    public static final int IP_LENGTH = 32;        // int: IP bytes counted
    public static final int PORTS = 36;            // int: srcPort << 16 | dstPort
    public static final int PROTOCOL = 40;         // byte
    public static final int KEY_FLAGS = 41;        // byte: FlowKey bits | interface << INTERFACE_SHIFT
    public static final int VLAN = 42;             // short
    public static final int TCP_FLAGS = 44;        // byte
    public static final int FRAGMENT = 45;         // byte: ParsedPacket fragment state
    public static final int L3_OFFSET = 46;        // short
    public static final int PAYLOAD_OFFSET = 48;   // short, -1 when none
    public static final int PAYLOAD_LENGTH = 50;   // short (unsigned)
    public static final int RESERVED = 52;         // int
    public static final int SRC_HI = 56;           // long: IPv6 bytes 0..7, 0 for IPv4
    public static final int SRC_LO = 64;           // long: IPv6 bytes 8..15, IPv4 in the low 32 bits
    public static final int DST_HI = 72;
    public static final int DST_LO = 80;
    public static final int FLOW_ID = 88;          // long: device flow handle, 0 when none
    public static final int LENGTH = 96;

    private PacketDescriptor()
    {
    }

    /** Key flags of a parsed packet: IP version, layer-3-only, ingress interface. */
    public static int keyFlags(final ParsedPacket packet, final boolean l3Only, final int interfaceId)
    {
        final int ifBits = Math.min(interfaceId, FlowKey.MAX_INTERFACE) << FlowKey.INTERFACE_SHIFT;
        return (packet.ipVersion == 6 ? FlowKey.IPV6 : 0) | (l3Only ? FlowKey.L3_ONLY : 0) | ifBits;
    }

    /** Computes the flow hash of a parsed packet with the given key flags. */
    public static long hash(final ParsedPacket packet, final int keyFlags)
    {
        final boolean l3Only = (keyFlags & FlowKey.L3_ONLY) != 0;
        return FlowHash.of(hi(packet, packet.srcHi), lo(packet, packet.srcLo), l3Only ? 0 : packet.srcPort,
            hi(packet, packet.dstHi), lo(packet, packet.dstLo), l3Only ? 0 : packet.dstPort,
            packet.protocol, packet.vlanId, keyFlags & FlowKey.KEY_BITS);
    }

    /** Writes one descriptor at {@code offset}. For a layer-3-only packet the ports are written as 0. */
    public static void write(
        final MutableDirectBuffer buffer, final int offset, final ParsedPacket packet, final long hash,
        final int keyFlags, final long address, final int capturedLength, final int wireLength,
        final long timestampNanos)
    {
        write(buffer, offset, packet, hash, keyFlags, address, capturedLength, wireLength, timestampNanos, 0L);
    }

    /** Writes one descriptor at {@code offset} with the flowId a device delivered the packet with (0: none). */
    public static void write(
        final MutableDirectBuffer buffer, final int offset, final ParsedPacket packet, final long hash,
        final int keyFlags, final long address, final int capturedLength, final int wireLength,
        final long timestampNanos, final long flowId)
    {
        final boolean l3Only = (keyFlags & FlowKey.L3_ONLY) != 0;
        buffer.putLong(offset + HASH, hash);
        buffer.putLong(offset + TIMESTAMP_NS, timestampNanos);
        buffer.putLong(offset + PACKET_ADDRESS, address);
        buffer.putInt(offset + CAPTURED_LENGTH, capturedLength);
        buffer.putInt(offset + WIRE_LENGTH, wireLength);
        buffer.putInt(offset + IP_LENGTH, packet.ipLength);
        buffer.putInt(offset + PORTS, l3Only ? 0 : packet.srcPort << 16 | packet.dstPort);
        buffer.putByte(offset + PROTOCOL, (byte)packet.protocol);
        buffer.putByte(offset + KEY_FLAGS, (byte)keyFlags);
        buffer.putShort(offset + VLAN, (short)packet.vlanId);
        buffer.putByte(offset + TCP_FLAGS, (byte)packet.tcpFlags);
        buffer.putByte(offset + FRAGMENT, (byte)packet.fragment);
        buffer.putShort(offset + L3_OFFSET, (short)packet.l3Offset);
        buffer.putShort(offset + PAYLOAD_OFFSET, (short)packet.payloadOffset);
        buffer.putShort(offset + PAYLOAD_LENGTH, (short)Math.min(packet.payloadLength, 0xFFFF));
        buffer.putInt(offset + RESERVED, 0);
        buffer.putLong(offset + SRC_HI, hi(packet, packet.srcHi));
        buffer.putLong(offset + SRC_LO, lo(packet, packet.srcLo));
        buffer.putLong(offset + DST_HI, hi(packet, packet.dstHi));
        buffer.putLong(offset + DST_LO, lo(packet, packet.dstLo));
        buffer.putLong(offset + FLOW_ID, flowId);
    }

    /**
     * Writes what a receive path knows of a frame, for the worker to parse ({@link PacketBatch} raw): the rest of the
     * descriptor is written when it is parsed.
     */
    public static void writeReceived(
        final MutableDirectBuffer buffer, final int offset, final long address, final int capturedLength,
        final int wireLength, final long timestampNanos, final long flowId)
    {
        buffer.putLong(offset + TIMESTAMP_NS, timestampNanos);
        buffer.putLong(offset + PACKET_ADDRESS, address);
        buffer.putInt(offset + CAPTURED_LENGTH, capturedLength);
        buffer.putInt(offset + WIRE_LENGTH, wireLength);
        buffer.putLong(offset + FLOW_ID, flowId);
    }

    /** IPv4 addresses travel zero-extended with a zero high word, whatever the parser left there. */
    private static long hi(final ParsedPacket packet, final long hi)
    {
        return packet.ipVersion == 6 ? hi : 0;
    }

    private static long lo(final ParsedPacket packet, final long lo)
    {
        return packet.ipVersion == 6 ? lo : lo & 0xFFFF_FFFFL;
    }

    public static long hash(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + HASH);
    }

    public static long timestampNanos(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + TIMESTAMP_NS);
    }
}
