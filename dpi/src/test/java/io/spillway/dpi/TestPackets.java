package io.spillway.dpi;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds IPv4/IPv6 packets carrying UDP or TCP into a buffer (off-heap in the tests, so the
 * classifier can read them by address), and the application payloads the tests classify.
 * IPv4 header checksums are computed; UDP/TCP checksums are left 0 (nDPI does not check them).
 */
final class TestPackets
{
    static final int TCP = 6;
    static final int UDP = 17;
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    private static final ByteOrder NETWORK = ByteOrder.BIG_ENDIAN;
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int UDP_HEADER = 8;
    private static final int TCP_HEADER = 20;

    private TestPackets()
    {
    }

    /** An IPv4 address from its four bytes. */
    static int ipv4(final int a, final int b, final int c, final int d)
    {
        return a << 24 | b << 16 | c << 8 | d;
    }

    /** Writes IPv4 + UDP at {@code offset}; returns the IP packet's length. */
    static int udp4(
        final MutableDirectBuffer buffer, final int offset, final int src, final int dst,
        final int srcPort, final int dstPort, final byte[] payload)
    {
        final int length = IPV4_HEADER + UDP_HEADER + payload.length;
        ipv4Header(buffer, offset, src, dst, UDP, length);
        udpHeader(buffer, offset + IPV4_HEADER, srcPort, dstPort, payload);
        return length;
    }

    /** Writes IPv4 + TCP at {@code offset}; returns the IP packet's length. */
    static int tcp4(
        final MutableDirectBuffer buffer, final int offset, final int src, final int dst, final int srcPort,
        final int dstPort, final int seq, final int ack, final int flags, final byte[] payload)
    {
        final int length = IPV4_HEADER + TCP_HEADER + payload.length;
        ipv4Header(buffer, offset, src, dst, TCP, length);
        tcpHeader(buffer, offset + IPV4_HEADER, srcPort, dstPort, seq, ack, flags, payload);
        return length;
    }

    /** Writes IPv6 + UDP at {@code offset} (addresses are 16 bytes); returns the IP packet's length. */
    static int udp6(
        final MutableDirectBuffer buffer, final int offset, final byte[] src, final byte[] dst,
        final int srcPort, final int dstPort, final byte[] payload)
    {
        final int l4Length = UDP_HEADER + payload.length;
        ipv6Header(buffer, offset, src, dst, UDP, l4Length);
        udpHeader(buffer, offset + IPV6_HEADER, srcPort, dstPort, payload);
        return IPV6_HEADER + l4Length;
    }

    /** Writes IPv6 + TCP at {@code offset}; returns the IP packet's length. */
    static int tcp6(
        final MutableDirectBuffer buffer, final int offset, final byte[] src, final byte[] dst, final int srcPort,
        final int dstPort, final int seq, final int ack, final int flags, final byte[] payload)
    {
        final int l4Length = TCP_HEADER + payload.length;
        ipv6Header(buffer, offset, src, dst, TCP, l4Length);
        tcpHeader(buffer, offset + IPV6_HEADER, srcPort, dstPort, seq, ack, flags, payload);
        return IPV6_HEADER + l4Length;
    }

    /** A standard DNS query (recursion desired) for {@code name}, type A, class IN. */
    static byte[] dnsQuery(final int id, final String name)
    {
        final Bytes out = new Bytes();
        out.u16(id).u16(0x0100).u16(1).u16(0).u16(0).u16(0);
        for (final String label : name.split("\\."))
        {
            out.u8(label.length()).ascii(label);
        }
        out.u8(0).u16(1).u16(1);
        return out.toArray();
    }

    static byte[] httpGet(final String host, final String path)
    {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A minimal valid TLS 1.2 ClientHello in one record: five cipher suites, null compression and the
     * server_name, supported_groups and ec_point_formats extensions.
     */
    static byte[] tlsClientHello(final String serverName)
    {
        final byte[] name = serverName.getBytes(StandardCharsets.US_ASCII);
        final Bytes extensions = new Bytes();
        extensions.u16(0x0000).u16(name.length + 5).u16(name.length + 3).u8(0).u16(name.length).bytes(name);
        extensions.u16(0x000a).u16(6).u16(4).u16(0x001d).u16(0x0017);
        extensions.u16(0x000b).u16(2).u8(1).u8(0);
        final byte[] extensionBytes = extensions.toArray();

        final Bytes hello = new Bytes();
        hello.u16(0x0303);
        for (int i = 0; i < 32; i++)
        {
            hello.u8(i * 7 + 1);
        }
        hello.u8(0);
        hello.u16(10).u16(0xc02b).u16(0xc02f).u16(0xc02c).u16(0xc030).u16(0x009c);
        hello.u8(1).u8(0);
        hello.u16(extensionBytes.length).bytes(extensionBytes);
        final byte[] helloBytes = hello.toArray();

        final Bytes record = new Bytes();
        record.u8(0x16).u16(0x0301).u16(helloBytes.length + 4);
        record.u8(0x01).u8(helloBytes.length >>> 16).u16(helloBytes.length & 0xFFFF).bytes(helloBytes);
        return record.toArray();
    }

    private static void ipv4Header(
        final MutableDirectBuffer buffer, final int offset, final int src, final int dst, final int protocol,
        final int totalLength)
    {
        buffer.putByte(offset, (byte)0x45);
        buffer.putByte(offset + 1, (byte)0);
        buffer.putShort(offset + 2, (short)totalLength, NETWORK);
        buffer.putShort(offset + 4, (short)0x1234, NETWORK);
        buffer.putShort(offset + 6, (short)0x4000, NETWORK);
        buffer.putByte(offset + 8, (byte)64);
        buffer.putByte(offset + 9, (byte)protocol);
        buffer.putShort(offset + 10, (short)0, NETWORK);
        buffer.putInt(offset + 12, src, NETWORK);
        buffer.putInt(offset + 16, dst, NETWORK);
        int sum = 0;
        for (int i = 0; i < IPV4_HEADER; i += 2)
        {
            sum += buffer.getShort(offset + i, NETWORK) & 0xFFFF;
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum += sum >>> 16;
        buffer.putShort(offset + 10, (short)~sum, NETWORK);
    }

    private static void ipv6Header(
        final MutableDirectBuffer buffer, final int offset, final byte[] src, final byte[] dst, final int protocol,
        final int payloadLength)
    {
        buffer.putInt(offset, 0x6000_0000, NETWORK);
        buffer.putShort(offset + 4, (short)payloadLength, NETWORK);
        buffer.putByte(offset + 6, (byte)protocol);
        buffer.putByte(offset + 7, (byte)64);
        buffer.putBytes(offset + 8, src);
        buffer.putBytes(offset + 24, dst);
    }

    private static void udpHeader(
        final MutableDirectBuffer buffer, final int offset, final int srcPort, final int dstPort, final byte[] payload)
    {
        buffer.putShort(offset, (short)srcPort, NETWORK);
        buffer.putShort(offset + 2, (short)dstPort, NETWORK);
        buffer.putShort(offset + 4, (short)(UDP_HEADER + payload.length), NETWORK);
        buffer.putShort(offset + 6, (short)0, NETWORK);
        buffer.putBytes(offset + UDP_HEADER, payload);
    }

    private static void tcpHeader(
        final MutableDirectBuffer buffer, final int offset, final int srcPort, final int dstPort, final int seq,
        final int ack, final int flags, final byte[] payload)
    {
        buffer.putShort(offset, (short)srcPort, NETWORK);
        buffer.putShort(offset + 2, (short)dstPort, NETWORK);
        buffer.putInt(offset + 4, seq, NETWORK);
        buffer.putInt(offset + 8, ack, NETWORK);
        buffer.putByte(offset + 12, (byte)(5 << 4));
        buffer.putByte(offset + 13, (byte)flags);
        buffer.putShort(offset + 14, (short)64240, NETWORK);
        buffer.putShort(offset + 16, (short)0, NETWORK);
        buffer.putShort(offset + 18, (short)0, NETWORK);
        buffer.putBytes(offset + TCP_HEADER, payload);
    }

    /** A growing big-endian byte sequence, for payload builders. */
    private static final class Bytes
    {
        private byte[] bytes = new byte[256];
        private int length;

        Bytes u8(final int value)
        {
            ensure(1);
            bytes[length++] = (byte)value;
            return this;
        }

        Bytes u16(final int value)
        {
            return u8(value >>> 8).u8(value);
        }

        Bytes bytes(final byte[] value)
        {
            ensure(value.length);
            System.arraycopy(value, 0, bytes, length, value.length);
            length += value.length;
            return this;
        }

        Bytes ascii(final String value)
        {
            return bytes(value.getBytes(StandardCharsets.US_ASCII));
        }

        byte[] toArray()
        {
            return Arrays.copyOf(bytes, length);
        }

        private void ensure(final int more)
        {
            if (length + more > bytes.length)
            {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }
}
