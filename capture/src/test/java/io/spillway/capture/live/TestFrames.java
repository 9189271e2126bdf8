package io.spillway.capture.live;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Ethernet frames for live tests, built byte by byte. Every frame carries {@link #SOURCE_MAC} as its source so a
 * receiver can tell test frames from anything else on the link, and a sequence number so each frame is
 * recognisable. IPv4 frames have correct header checksums.
 */
public final class TestFrames
{
    /** Locally administered unicast: no real device has it. */
    public static final byte[] SOURCE_MAC = {0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B};
    /** A unicast address no test interface has: frames to it are "other host" frames. */
    public static final byte[] FOREIGN_MAC = {0x02, 0x00, 0x5E, 0x10, 0x00, (byte)0x99};
    public static final byte[] BROADCAST_MAC = {-1, -1, -1, -1, -1, -1};
    /** IEEE 802 local experimental ethertype: nothing in the kernel handles it. */
    public static final int ETHERTYPE_EXPERIMENTAL = 0x88B5;
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_VLAN = 0x8100;
    public static final int ETHERTYPE_QINQ = 0x88A8;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    private static final int ETHERNET_HEADER = 14;
    private static final int IPV4_HEADER = 20;
    private static final int UDP_HEADER = 8;
    private static final int TCP_HEADER = 20;

    private TestFrames()
    {
    }

    /**
     * A frame of {@code length} bytes with the experimental ethertype: sequence number in the first four payload
     * bytes, then bytes counting up from it.
     */
    public static byte[] marked(final byte[] destination, final int sequence, final int length)
    {
        final ByteBuffer frame = ByteBuffer.allocate(length);
        frame.put(destination).put(SOURCE_MAC).putShort((short)ETHERTYPE_EXPERIMENTAL).putInt(sequence);
        for (int i = frame.position(); i < length; i++)
        {
            frame.put((byte)(sequence + i));
        }
        return frame.array();
    }

    /** The sequence number of a frame built by {@link #marked}, tagged or not. */
    public static int sequence(final byte[] frame)
    {
        int offset = 12;
        while (offset + 2 <= frame.length && isTag(((frame[offset] & 0xFF) << 8) | (frame[offset + 1] & 0xFF)))
        {
            offset += 4;
        }
        return ByteBuffer.wrap(frame, offset + 2, 4).getInt();
    }

    /**
     * An IPv4 UDP or TCP frame of {@code length} bytes between two endpoints; the payload starts with
     * {@code sequence}. TCP frames carry ACK and no options.
     */
    public static byte[] ipv4(final int protocol, final int sourceAddress, final int sourcePort,
        final int destinationAddress, final int destinationPort, final int sequence, final int length)
    {
        final int transport = protocol == PROTOCOL_TCP ? TCP_HEADER : UDP_HEADER;
        final int minimum = ETHERNET_HEADER + IPV4_HEADER + transport + 4;
        if (length < minimum)
        {
            throw new IllegalArgumentException("an IPv4 frame needs at least " + minimum + " bytes");
        }
        final ByteBuffer frame = ByteBuffer.allocate(length);
        frame.put(FOREIGN_MAC).put(SOURCE_MAC).putShort((short)ETHERTYPE_IPV4);
        final int ipStart = frame.position();
        frame.put((byte)0x45).put((byte)0).putShort((short)(length - ETHERNET_HEADER)).putShort((short)sequence)
            .putShort((short)0x4000).put((byte)64).put((byte)protocol).putShort((short)0).putInt(sourceAddress)
            .putInt(destinationAddress);
        frame.putShort(ipStart + 10, (short)ipv4Checksum(frame.array(), ipStart));
        frame.putShort((short)sourcePort).putShort((short)destinationPort);
        if (protocol == PROTOCOL_TCP)
        {
            frame.putInt(sequence).putInt(0).put((byte)(5 << 4)).put((byte)0x10).putShort((short)65535)
                .putShort((short)0).putShort((short)0);
        }
        else
        {
            frame.putShort((short)(length - ETHERNET_HEADER - IPV4_HEADER)).putShort((short)0);
        }
        frame.putInt(sequence);
        return frame.array();
    }

    /** {@code frame} with a VLAN tag inserted after the MAC addresses, as a switch port would send it. */
    public static byte[] tagged(final byte[] frame, final int tagProtocol, final int tagControl)
    {
        final byte[] tagged = new byte[frame.length + 4];
        System.arraycopy(frame, 0, tagged, 0, 12);
        tagged[12] = (byte)(tagProtocol >> 8);
        tagged[13] = (byte)tagProtocol;
        tagged[14] = (byte)(tagControl >> 8);
        tagged[15] = (byte)tagControl;
        System.arraycopy(frame, 12, tagged, 16, frame.length - 12);
        return tagged;
    }

    /** The first {@code length} bytes of {@code frame}. */
    public static byte[] prefix(final byte[] frame, final int length)
    {
        return Arrays.copyOf(frame, Math.min(length, frame.length));
    }

    /** The MAC address "aa:bb:cc:dd:ee:ff" as bytes. */
    public static byte[] mac(final String text)
    {
        final String[] parts = text.trim().split(":");
        final byte[] mac = new byte[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            mac[i] = (byte)Integer.parseInt(parts[i], 16);
        }
        return mac;
    }

    private static boolean isTag(final int etherType)
    {
        return etherType == ETHERTYPE_VLAN || etherType == ETHERTYPE_QINQ || etherType == 0x9100;
    }

    private static int ipv4Checksum(final byte[] bytes, final int start)
    {
        int sum = 0;
        for (int i = start; i < start + IPV4_HEADER; i += 2)
        {
            sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
        }
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return ~sum & 0xFFFF;
    }
}
