package io.spillway.capture.file;

import io.spillway.packet.LinkType;
import io.spillway.device.PacketSource;
import io.spillway.device.PacketHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static io.spillway.capture.file.CaptureFileBuilder.data;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files beyond 2 GiB: offsets past 2^31 are read in place. The files are sparse, so they cost next to no disk and
 * the readers touch only the pages holding headers.
 */
class PcapLargeFileTest
{
    private static final long TWO_GIB = 1L << 31;

    @TempDir
    Path directory;

    @Test
    void pcapRecordsBeyondTwoGibibytes() throws IOException
    {
        final int capturedLength = PcapFileReader.MAX_CAPTURED_LENGTH;
        final int records = (int)(TWO_GIB / (16 + capturedLength)) + 2;
        final Path file = directory.resolve("large.pcap");
        final long lastData;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            StandardOpenOption.SPARSE))
        {
            channel.write(ByteBuffer.wrap(
                CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, true, LinkType.ETHERNET, capturedLength).bytes()));
            long offset = PcapFileReader.FILE_HEADER_LENGTH;
            final ByteBuffer header = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < records; i++)
            {
                header.clear().putInt(i).putInt(7).putInt(capturedLength).putInt(capturedLength).flip();
                channel.write(header, offset);
                offset += 16 + capturedLength;
            }
            lastData = offset - capturedLength;
            channel.write(ByteBuffer.wrap(data(8, 0x40)), lastData);
            // The last byte of the last packet sets the file's length; the rest of the data stays a hole.
            channel.write(ByteBuffer.allocate(1), offset - 1);
        }

        final LastPacket last = readLast(file, PcapFileReader.FILE_HEADER_LENGTH + 16);
        assertEquals(records, last.count);
        assertTrue(last.fileOffset > TWO_GIB, "last packet at offset " + last.fileOffset);
        assertEquals(lastData, last.fileOffset);
        assertEquals((records - 1) * 1_000_000_000L + 7, last.timestampNanos);
        assertArrayEquals(data(8, 0x40), last.firstBytes);
    }

    @Test
    void pcapngBlockBeyondTwoGibibytes() throws IOException
    {
        final CaptureFileBuilder.Pcapng head = CaptureFileBuilder.pcapng()
            .section(ByteOrder.BIG_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 0, CaptureFileBuilder.Option.tsresol(9));
        final long firstData = head.offset() + 28;
        head.enhancedPacket(0, 1, data(4, 0), 4);
        final long hugeBlockStart = head.offset();
        final long hugeBlockLength = TWO_GIB + 4096;
        final byte[] packetBlock = CaptureFileBuilder.pcapng()
            .section(ByteOrder.BIG_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 0)
            .enhancedPacket(0, 123_456_789L, data(64, 0x20), 64)
            .bytes();
        final int packetBlockStart = packetBlock.length - (32 + 64);
        final Path file = directory.resolve("large.pcapng");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            StandardOpenOption.SPARSE))
        {
            channel.write(ByteBuffer.wrap(head.bytes()));
            // A custom block with an all-zero body of just over 2 GiB, skipped by its length.
            final ByteBuffer lengths = ByteBuffer.allocate(8).putInt(0x00000BAD).putInt((int)hugeBlockLength).flip();
            channel.write(lengths, hugeBlockStart);
            channel.write(ByteBuffer.allocate(4).putInt(0, (int)hugeBlockLength), hugeBlockStart + hugeBlockLength - 4);
            channel.write(ByteBuffer.wrap(packetBlock, packetBlockStart, 32 + 64), hugeBlockStart + hugeBlockLength);
        }

        final LastPacket last = readLast(file, firstData);
        assertEquals(2, last.count);
        assertEquals(hugeBlockStart + hugeBlockLength + 28, last.fileOffset);
        assertEquals(123_456_789L, last.timestampNanos);
        assertArrayEquals(data(8, 0x20), last.firstBytes);
    }

    /**
     * Reads the whole file keeping only the last packet, as copying 2 GiB of packets would be pointless. The
     * last packet's file offset follows from its address and that of the first packet, whose offset is known.
     */
    private static LastPacket readLast(final Path file, final long firstDataOffset)
    {
        final LastPacket last = new LastPacket();
        try (PacketSource source = CaptureFiles.open(file))
        {
            while (source.poll(last, 1024) != PacketSource.END)
            {
                // Reading on.
            }
            assertEquals(List.of(), source.damages());
            assertEquals(source.bytesTotal(), source.bytesRead());
            last.fileOffset = firstDataOffset + (last.address - last.firstAddress);
        }
        return last;
    }

    private static final class LastPacket implements PacketHandler
    {
        int count;
        long firstAddress;
        long address;
        long fileOffset;
        long timestampNanos;
        byte[] firstBytes;

        @Override
        @SuppressWarnings("restricted") // reading packet bytes at the address the source handed out is the point
        public void onPacket(
            final long address,
            final int capturedLength,
            final int wireLength,
            final long timestampNanos,
            final int linkType,
            final int interfaceId)
        {
            if (count++ == 0)
            {
                firstAddress = address;
            }
            this.address = address;
            this.timestampNanos = timestampNanos;
            firstBytes = MemorySegment.ofAddress(address).reinterpret(8).toArray(ValueLayout.JAVA_BYTE);
        }
    }
}
