package io.spillway.dpi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a classic pcap file with Ethernet framing (VLAN tags skipped) and yields each IP packet the
 * way ndpiReader 4.2 hands it to nDPI: from the IP header to the end of the captured bytes, packets
 * whose IP header claims more bytes than were captured left out.
 */
final class CaptureReader
{
    /** One IP packet: {@code bytes[ipOffset..]} is what nDPI sees. */
    record IpPacket(long timeMs, byte[] frame, int ipOffset, int ipLength)
    {
    }

    private static final int LINKTYPE_ETHERNET = 1;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88A8;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;

    private CaptureReader()
    {
    }

    static List<IpPacket> read(final Path file) throws IOException
    {
        final ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
        final int magic = in.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic == 0xd4c3b2a1)
        {
            in.order(ByteOrder.BIG_ENDIAN);
        }
        else if (magic != 0xa1b2c3d4)
        {
            throw new IOException(file + " is not a classic microsecond pcap");
        }
        if (in.getInt(20) != LINKTYPE_ETHERNET)
        {
            throw new IOException(file + " is not Ethernet");
        }

        final List<IpPacket> packets = new ArrayList<>();
        int position = 24;
        while (position + 16 <= in.limit())
        {
            final long seconds = in.getInt(position) & 0xFFFF_FFFFL;
            final long micros = in.getInt(position + 4) & 0xFFFF_FFFFL;
            final int captured = in.getInt(position + 8);
            final byte[] frame = new byte[captured];
            in.get(position + 16, frame);
            position += 16 + captured;
            final IpPacket packet = ipPacket(seconds * 1000 + micros / 1000, frame);
            if (packet != null)
            {
                packets.add(packet);
            }
        }
        return packets;
    }

    private static IpPacket ipPacket(final long timeMs, final byte[] frame)
    {
        final ByteBuffer bytes = ByteBuffer.wrap(frame);
        int offset = 12;
        if (frame.length < offset + 2)
        {
            return null;
        }
        int etherType = bytes.getShort(offset) & 0xFFFF;
        while ((etherType == ETHERTYPE_VLAN || etherType == ETHERTYPE_QINQ) && frame.length >= offset + 6)
        {
            offset += 4;
            etherType = bytes.getShort(offset) & 0xFFFF;
        }
        offset += 2;
        final int ipLength = frame.length - offset;
        if (etherType == ETHERTYPE_IPV4 && ipLength >= 20)
        {
            final int headerLength = (frame[offset] & 0x0F) * 4;
            final int totalLength = bytes.getShort(offset + 2) & 0xFFFF;
            return headerLength <= ipLength && totalLength <= ipLength ?
                new IpPacket(timeMs, frame, offset, ipLength) : null;
        }
        if (etherType == ETHERTYPE_IPV6 && ipLength >= 40)
        {
            final int payloadLength = bytes.getShort(offset + 4) & 0xFFFF;
            return 40 + payloadLength <= ipLength ? new IpPacket(timeMs, frame, offset, ipLength) : null;
        }
        return null;
    }
}
