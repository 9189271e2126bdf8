package io.spillway.capture.file;

import io.spillway.packet.LinkType;
import io.spillway.device.PacketSource;
import io.spillway.device.CaptureDamage;
import io.spillway.capture.file.CaptureFileBuilder.Option;
import io.spillway.capture.file.CaptureFileBuilder.Pcapng;
import io.spillway.capture.file.PacketRecorder.Packet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.spillway.capture.file.CaptureFileBuilder.data;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A capture cut at any byte offset yields exactly the packets wholly before the cut, then one damage at the start
 * of the record or block the cut went through (none when the cut falls between two).
 */
class PcapTruncationTest
{
    private static final int FILE_HEADER_LENGTH = 24;

    @TempDir
    Path directory;

    @Test
    void realPcapCutAtEveryOffset() throws IOException
    {
        final byte[] content = Files.readAllBytes(realCapture("4in4tunnel.pcap"));
        assertCutsEverywhere(content, pcapRecords(content));
    }

    @Test
    void realPcapngCutAtEveryOffset() throws IOException
    {
        final byte[] content = Files.readAllBytes(realCapture("http.pcapng"));
        assertCutsEverywhere(content, pcapngBlocks(content));
    }

    @Test
    void realPcapngWithManyInterfacesCutAtEveryOffset() throws IOException
    {
        final byte[] content = Files.readAllBytes(realCapture("gre.pcapng"));
        assertCutsEverywhere(content, pcapngBlocks(content));
    }

    @Test
    void builtPcapngWithSeveralSectionsCutAtEveryOffset() throws IOException
    {
        final byte[] content = CaptureFileBuilder.pcapng()
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 0, Option.tsresol(9))
            .enhancedPacket(0, 1_000, data(21, 0), 21, Option.text(1, "x"))
            .block(Pcapng.NAME_RESOLUTION_BLOCK, data(8, 0))
            .simplePacket(data(13, 1), 13)
            .section(ByteOrder.BIG_ENDIAN)
            .interfaceDescription(LinkType.RAW, 0, Option.tsresol(0x80 | 16))
            .obsoletePacket(0, 1 << 16, data(9, 2), 9)
            .enhancedPacket(0, 2 << 16, data(30, 3), 30)
            .bytes();
        assertCutsEverywhere(content, pcapngBlocks(content));
    }

    private void assertCutsEverywhere(final byte[] content, final List<Unit> units) throws IOException
    {
        final Path whole = directory.resolve("whole");
        Files.write(whole, content);
        final List<Packet> all = read(whole, null);
        assertEquals(units.stream().filter(Unit::isPacket).count(), all.size(), "packets in the whole file");

        final Path cut = directory.resolve("cut");
        for (int length = 0; length < content.length; length++)
        {
            Files.write(cut, Arrays.copyOf(content, length));
            if (length < FILE_HEADER_LENGTH)
            {
                final CaptureFileException ex = assertThrows(CaptureFileException.class, () -> CaptureFiles.open(cut));
                assertTrue(ex.getMessage().startsWith(cut.toString()), ex.getMessage());
                continue;
            }

            final List<CaptureDamage> damages = new ArrayList<>();
            final List<Packet> packets = read(cut, damages);
            int wholePackets = 0;
            Unit broken = null;
            for (final Unit unit : units)
            {
                if (unit.end() <= length)
                {
                    wholePackets += unit.isPacket() ? 1 : 0;
                }
                else if (unit.start() < length)
                {
                    broken = unit;
                }
            }
            final String where = "cut at " + length;
            assertEquals(all.subList(0, wholePackets), packets, where);
            if (broken == null)
            {
                assertEquals(List.of(), damages, where);
            }
            else
            {
                assertEquals(1, damages.size(), where);
                final CaptureDamage damage = damages.getFirst();
                assertEquals(cut, damage.file(), where);
                assertEquals(broken.start(), damage.offset(), where + ": " + damage);
                assertFalse(damage.problem().isBlank(), where);
            }
        }
    }

    private static List<Packet> read(final Path file, final List<CaptureDamage> damages)
    {
        try (PacketSource source = CaptureFiles.open(file))
        {
            final List<Packet> packets = PacketRecorder.readAll(source, 4);
            assertEquals(source.bytesTotal(), source.bytesRead(), "the whole file counts as read, damaged or not");
            if (damages == null)
            {
                assertEquals(List.of(), source.damages());
            }
            else
            {
                damages.addAll(source.damages());
            }
            return packets;
        }
    }

    private static Path realCapture(final String name)
    {
        return Path.of(System.getProperty("spillway.pcaps"), name);
    }

    /** A record or block of a well-formed file: where it starts and ends, and whether it holds a packet. */
    private record Unit(long start, long end, boolean isPacket)
    {
    }

    /** Walks the records of a well-formed pcap file by their captured lengths. */
    private static List<Unit> pcapRecords(final byte[] content)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(content);
        final boolean littleEndian = buffer.getInt(0) == Integer.reverseBytes(PcapFileReader.MAGIC_MICROS) ||
            buffer.getInt(0) == Integer.reverseBytes(PcapFileReader.MAGIC_NANOS);
        buffer.order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        final List<Unit> records = new ArrayList<>();
        int offset = FILE_HEADER_LENGTH;
        while (offset < content.length)
        {
            final int end = offset + 16 + buffer.getInt(offset + 8);
            records.add(new Unit(offset, end, true));
            offset = end;
        }
        return records;
    }

    /** Walks the blocks of a well-formed pcapng file by their lengths. */
    private static List<Unit> pcapngBlocks(final byte[] content)
    {
        final ByteBuffer buffer = ByteBuffer.wrap(content);
        final List<Unit> blocks = new ArrayList<>();
        int offset = 0;
        while (offset < content.length)
        {
            final int type = buffer.getInt(offset);
            if (type == PcapngFileReader.SECTION_HEADER_BLOCK)
            {
                buffer.order(ByteOrder.LITTLE_ENDIAN);
                if (buffer.getInt(offset + 8) != PcapngFileReader.BYTE_ORDER_MAGIC)
                {
                    buffer.order(ByteOrder.BIG_ENDIAN);
                }
            }
            final int end = offset + buffer.getInt(offset + 4);
            final boolean isPacket = type == PcapngFileReader.ENHANCED_PACKET_BLOCK ||
                type == PcapngFileReader.SIMPLE_PACKET_BLOCK || type == PcapngFileReader.PACKET_BLOCK;
            blocks.add(new Unit(offset, end, isPacket));
            offset = end;
        }
        return blocks;
    }
}
