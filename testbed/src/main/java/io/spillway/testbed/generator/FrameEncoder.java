package io.spillway.testbed.generator;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Encodes the frames of the client-to-server direction of a flow into one reused buffer: Ethernet, IPv4 or
 * IPv6, TCP or UDP, then random payload up to the frame size, or for realistic payload the flow's opening in its
 * first frame ({@link Openings}), or in every frame for the openings that repeat.
 * <p>
 * Checksums: IPv4 header, TCP (both IP versions) and UDP over IPv6 are computed; UDP over IPv4 carries 0
 * (no checksum). TCP: the first packet carries SYN (and payload, so every frame has the requested size), the
 * following ones ACK|PSH with sequence numbers that continue the stream and a constant acknowledgement of the
 * server's never-seen SYN; a realistic opening is ACK|PSH already, the next sequence number after the SYN. The
 * IPv4 identification counts the flow's packets.
 */
final class FrameEncoder
{
    static final int ETHERNET_HEADER = 14;
    static final int IPV4_HEADER = 20;
    static final int IPV6_HEADER = 40;
    static final int TCP_HEADER = 20;
    static final int UDP_HEADER = 8;
    static final int TCP_SYN = 0x02;
    static final int TCP_PSH = 0x08;
    static final int TCP_ACK = 0x10;
    static final int PROTOCOL_TCP = 6;
    static final int PROTOCOL_UDP = 17;

    private static final short ETHER_TYPE_IPV4 = 0x0800;
    private static final short ETHER_TYPE_IPV6 = (short)0x86DD;
    private static final int ETHER_TYPE_OFFSET = 12;
    private static final int IPV4_DONT_FRAGMENT = 0x4000;
    private static final int TTL = 64;
    private static final int TCP_WINDOW = 64240;
    private static final int TCP_DATA_OFFSET_WORDS = 5;

    private final ByteBuffer frame = ByteBuffer.allocateDirect(GeneratorSpec.MAX_FRAME_SIZE + Long.BYTES);
    private final GeneratorSpec spec;
    private final SplittableRandom random;
    /** Null for random payload. */
    private final Openings openings;

    FrameEncoder(final GeneratorSpec spec, final SplittableRandom random)
    {
        this.spec = spec;
        this.random = random;
        openings = spec.payload() == PayloadKind.REALISTIC ? new Openings(random) : null;
        // Locally administered addresses: client 02:00:00:00:00:01 sends to server 02:00:00:00:00:02.
        frame.putShort(0, (short)0x0200).putInt(2, 0x0000_0002);
        frame.putShort(6, (short)0x0200).putInt(8, 0x0000_0001);
    }

    /** Bytes of headers of a frame of a flow of this kind. */
    static int headerLength(final boolean ipv6, final boolean udp)
    {
        return ETHERNET_HEADER + (ipv6 ? IPV6_HEADER : IPV4_HEADER) + (udp ? UDP_HEADER : TCP_HEADER);
    }

    /** The buffer every frame is encoded into, from index 0. */
    ByteBuffer frame()
    {
        return frame;
    }

    /**
     * Encodes the next frame of {@code flow}: its opening if it is the flow's first and the payload is
     * realistic, random payload otherwise.
     *
     * @param packetsBefore packets of the flow already encoded, modulo 2^32.
     * @param streamBytes   payload bytes of the flow already encoded, modulo 2^32.
     * @param first         whether this is the flow's first packet.
     * @param frameSize     the size drawn for this frame.
     * @return the frame's length.
     */
    int encode(final FlowIdentity flow, final int packetsBefore, final int streamBytes, final boolean first,
        final int frameSize)
    {
        final int l4Offset = ETHERNET_HEADER + (flow.ipv6 ? IPV6_HEADER : IPV4_HEADER);
        final int protocol = flow.udp ? PROTOCOL_UDP : PROTOCOL_TCP;
        final int payloadOffset = l4Offset + (flow.udp ? UDP_HEADER : TCP_HEADER);

        // The payload starts at an even offset, so its sum adds to the header's like any 16-bit words.
        final int length;
        final long payloadSum;
        final boolean opening = openings != null && (first || flow.opening.repeats);
        if (opening)
        {
            length = payloadOffset + openings.write(flow, frame, payloadOffset, Math.max(0, frameSize - payloadOffset));
            payloadSum = InternetChecksum.add(0, frame, payloadOffset, length - payloadOffset);
        }
        else
        {
            length = GeneratorSpec.frameLength(frameSize, flow.ipv6, flow.udp);
            payloadSum = fillRandom(payloadOffset, length);
        }
        final int l4Length = length - l4Offset;

        final long pseudoHeaderSum;
        if (flow.ipv6)
        {
            encodeIpv6(flow, protocol, l4Length);
            pseudoHeaderSum = InternetChecksum.add(
                InternetChecksum.add(0, frame, ETHERNET_HEADER + 8, 32), protocol + (long)l4Length);
        }
        else
        {
            encodeIpv4(flow, protocol, length - ETHERNET_HEADER, packetsBefore);
            pseudoHeaderSum = InternetChecksum.add(
                InternetChecksum.add(0, frame, ETHERNET_HEADER + 12, 8), protocol + (long)l4Length);
        }

        final long sum = InternetChecksum.add(pseudoHeaderSum, payloadSum);
        if (flow.udp)
        {
            encodeUdp(flow, l4Offset, l4Length, sum);
        }
        else
        {
            // A realistic opening goes out as data of an established connection: see TrafficGenerator.
            encodeTcp(flow, l4Offset, streamBytes, first && !opening, sum);
        }

        return length;
    }

    private void encodeIpv4(final FlowIdentity flow, final int protocol, final int totalLength, final int packetsBefore)
    {
        final int ip = ETHERNET_HEADER;
        frame.putShort(ETHER_TYPE_OFFSET, ETHER_TYPE_IPV4);
        frame.putShort(ip, (short)0x4500);
        frame.putShort(ip + 2, (short)totalLength);
        frame.putShort(ip + 4, (short)packetsBefore);
        frame.putShort(ip + 6, (short)IPV4_DONT_FRAGMENT);
        frame.put(ip + 8, (byte)TTL);
        frame.put(ip + 9, (byte)protocol);
        frame.putShort(ip + 10, (short)0);
        frame.putInt(ip + 12, flow.ipv4Client());
        frame.putInt(ip + 16, flow.ipv4Server());
        frame.putShort(ip + 10, (short)InternetChecksum.checksum(InternetChecksum.add(0, frame, ip, IPV4_HEADER)));
    }

    private void encodeIpv6(final FlowIdentity flow, final int protocol, final int payloadLength)
    {
        final int ip = ETHERNET_HEADER;
        frame.putShort(ETHER_TYPE_OFFSET, ETHER_TYPE_IPV6);
        frame.putInt(ip, 0x6000_0000 | flow.ipv6FlowLabel);
        frame.putShort(ip + 4, (short)payloadLength);
        frame.put(ip + 6, (byte)protocol);
        frame.put(ip + 7, (byte)TTL);
        frame.putLong(ip + 8, FlowIdentity.IPV6_CLIENT_PREFIX);
        frame.putLong(ip + 16, flow.ipv6ClientInterface());
        frame.putLong(ip + 24, FlowIdentity.IPV6_SERVER_PREFIX);
        frame.putLong(ip + 32, flow.ipv6ServerInterface());
    }

    private void encodeTcp(
        final FlowIdentity flow,
        final int tcp,
        final int streamBytes,
        final boolean syn,
        final long pseudoHeaderAndPayloadSum)
    {
        // The SYN takes one sequence number; the payload of every packet before, the SYN's included, follows it.
        final int sequence = syn ? flow.clientInitialSequence : flow.clientInitialSequence + 1 + streamBytes;
        final int flags = syn ? TCP_SYN : TCP_ACK | TCP_PSH;
        frame.putShort(tcp, (short)flow.clientPort);
        frame.putShort(tcp + 2, (short)flow.serverPort);
        frame.putInt(tcp + 4, sequence);
        frame.putInt(tcp + 8, syn ? 0 : flow.serverInitialSequence + 1);
        frame.putShort(tcp + 12, (short)(TCP_DATA_OFFSET_WORDS << 12 | flags));
        frame.putShort(tcp + 14, (short)TCP_WINDOW);
        frame.putInt(tcp + 16, 0);
        final long sum = InternetChecksum.add(pseudoHeaderAndPayloadSum, frame, tcp, TCP_HEADER);
        frame.putShort(tcp + 16, (short)InternetChecksum.checksum(sum));
    }

    private void encodeUdp(
        final FlowIdentity flow, final int udp, final int datagramLength, final long pseudoHeaderAndPayloadSum)
    {
        frame.putShort(udp, (short)flow.clientPort);
        frame.putShort(udp + 2, (short)flow.serverPort);
        frame.putShort(udp + 4, (short)datagramLength);
        frame.putShort(udp + 6, (short)0);
        if (flow.ipv6)
        {
            // Mandatory over IPv6; a computed 0 is sent as its one's complement twin 0xFFFF.
            final int checksum = InternetChecksum.checksum(
                InternetChecksum.add(pseudoHeaderAndPayloadSum, frame, udp, UDP_HEADER));
            frame.putShort(udp + 6, (short)(checksum == 0 ? 0xFFFF : checksum));
        }
    }

    /**
     * Fills {@code [from, to)} with random bytes, a long at a time (the buffer has room for the last one to
     * overhang), and returns their one's complement sum so the checksum need not read them again.
     */
    private long fillRandom(final int from, final int to)
    {
        long sum = 0;
        int position = from;
        while (to - position >= Long.BYTES)
        {
            final long bits = random.nextLong();
            frame.putLong(position, bits);
            sum = InternetChecksum.add(sum, bits);
            position += Long.BYTES;
        }
        if (position < to)
        {
            final long bits = random.nextLong();
            frame.putLong(position, bits);
            sum = InternetChecksum.add(sum, bits & (-1L << (Long.SIZE - Byte.SIZE * (to - position))));
        }

        return sum;
    }
}
