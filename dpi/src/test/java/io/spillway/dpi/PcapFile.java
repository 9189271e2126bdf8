package io.spillway.dpi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes IP packets as an Ethernet pcap file, so ndpiReader can classify the bytes the tests built. */
final class PcapFile
{
    private static final int MAGIC = 0xa1b2c3d4;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int ETHERNET_HEADER = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;

    private final List<byte[]> packets = new ArrayList<>();
    private final List<Long> timesMs = new ArrayList<>();

    /** Records one IP packet (the version nibble picks the EtherType). */
    void add(final byte[] ipPacket, final long timeMs)
    {
        packets.add(ipPacket.clone());
        timesMs.add(timeMs);
    }

    void write(final Path file) throws IOException
    {
        int size = 24;
        for (final byte[] packet : packets)
        {
            size += 16 + ETHERNET_HEADER + packet.length;
        }
        final ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putShort((short)2).putShort((short)4).putInt(0).putInt(0).putInt(65_535)
            .putInt(LINKTYPE_ETHERNET);
        for (int i = 0; i < packets.size(); i++)
        {
            final byte[] packet = packets.get(i);
            final long timeMs = timesMs.get(i);
            final int frameLength = ETHERNET_HEADER + packet.length;
            out.putInt((int)(timeMs / 1000)).putInt((int)(timeMs % 1000) * 1000);
            out.putInt(frameLength).putInt(frameLength);
            out.put(new byte[]{ 0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01 });
            out.order(ByteOrder.BIG_ENDIAN)
                .putShort((short)((packet[0] >>> 4 & 0xF) == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4))
                .order(ByteOrder.LITTLE_ENDIAN);
            out.put(packet);
        }
        Files.write(file, out.array());
    }
}
