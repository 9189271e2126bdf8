package io.spillway.capture.file;

import io.spillway.packet.LinkType;
import io.spillway.device.PacketSource;
import io.spillway.device.CaptureDamage;
import io.spillway.capture.file.PacketRecorder.Packet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.spillway.capture.file.CaptureFileBuilder.data;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Several files read in order as one source: damage ends one file only, progress covers them all. */
class CaptureFileSequenceTest
{
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path directory;

    @Test
    void packetsOfAllThreeFilesArriveInOrderAroundADamagedMiddleFile() throws IOException
    {
        final Path first = pcap("first.pcap", 3, 0);
        final CaptureFileBuilder.Pcapng middleBuilder = CaptureFileBuilder.pcapng()
            .section(ByteOrder.BIG_ENDIAN)
            .interfaceDescription(LinkType.RAW, 0)
            .enhancedPacket(0, 10_000_000L, data(40, 10), 40)
            .enhancedPacket(0, 11_000_000L, data(40, 11), 40);
        final int damageOffset = middleBuilder.offset();
        final byte[] middleContent = middleBuilder.enhancedPacket(0, 12_000_000L, data(40, 12), 40).bytes();
        ByteBuffer.wrap(middleContent).putInt(damageOffset + 4, 70);
        final Path middle = Files.write(directory.resolve("middle.pcapng"), middleContent);
        final Path last = pcap("last.pcap", 2, 20);

        try (PacketSource source = CaptureFiles.open(List.of(first, middle, last)))
        {
            final long total = Files.size(first) + Files.size(middle) + Files.size(last);
            assertEquals(total, source.bytesTotal());
            assertEquals(0, source.bytesRead());

            final List<Packet> packets = PacketRecorder.readAll(source, 2);

            assertEquals(List.of(0, 1, 2, 10, 11, 20, 21),
                packets.stream().map(packet -> (int)packet.data()[0]).toList());
            assertEquals(List.of(0L, SECOND, 2 * SECOND, 10 * SECOND, 11 * SECOND, 20 * SECOND, 21 * SECOND),
                packets.stream().map(Packet::timestampNanos).toList());
            assertEquals(List.of(LinkType.ETHERNET, LinkType.RAW, LinkType.ETHERNET),
                List.of(packets.get(0).linkType(), packets.get(3).linkType(), packets.get(6).linkType()));
            assertEquals(List.of(new CaptureDamage(middle, damageOffset, "block length 70 is not a multiple of 4")),
                source.damages());
            assertEquals(total, source.bytesRead());
        }
    }

    @Test
    void pollDeliversUpToTheLimitAcrossFileBoundaries()
    {
        final Path first = pcap("first.pcap", 3, 0);
        final Path second = pcap("second.pcap", 2, 10);
        try (PacketSource source = CaptureFiles.open(List.of(first, second)))
        {
            final PacketRecorder recorder = new PacketRecorder();
            assertEquals(0, source.poll(recorder, 0));
            assertEquals(4, source.poll(recorder, 4));
            assertEquals(1, source.poll(recorder, 4));
            assertEquals(PacketSource.END, source.poll(recorder, 4));
            assertEquals(PacketSource.END, source.poll(recorder, 4));
            assertEquals(5, recorder.packets().size());
        }
    }

    @Test
    void bytesReadAdvancesWithEachPoll() throws IOException
    {
        final Path first = pcap("first.pcap", 2, 0);
        final Path second = pcap("second.pcap", 1, 10);
        final long record = 16 + 60;
        try (PacketSource source = CaptureFiles.open(List.of(first, second)))
        {
            final PacketRecorder recorder = new PacketRecorder();
            source.poll(recorder, 1);
            assertEquals(24 + record, source.bytesRead());
            source.poll(recorder, 1);
            assertEquals(24 + 2 * record, source.bytesRead());
            source.poll(recorder, 1);
            assertEquals(Files.size(first) + 24 + record, source.bytesRead());
            assertEquals(PacketSource.END, source.poll(recorder, 1));
            assertEquals(source.bytesTotal(), source.bytesRead());
        }
    }

    @Test
    @SuppressWarnings("restricted") // reading packet bytes at the address the source handed out is the point
    void packetAddressesOfEarlierFilesStayValidUntilClose()
    {
        final Path first = pcap("first.pcap", 2, 0);
        final Path second = pcap("second.pcap", 2, 10);
        final List<Long> addresses = new ArrayList<>();
        try (PacketSource source = CaptureFiles.open(List.of(first, second)))
        {
            while (source.poll((address, captured, wire, time, link, id) -> addresses.add(address), 1) !=
                PacketSource.END)
            {
                // Keep only the addresses, as a worker that has not finished with a packet does.
            }

            final List<Integer> firstBytes = addresses.stream()
                .map(address -> (int)MemorySegment.ofAddress(address).reinterpret(60).get(ValueLayout.JAVA_BYTE, 0))
                .toList();
            assertEquals(List.of(0, 1, 10, 11), firstBytes);
            assertArrayEquals(data(60, 1),
                MemorySegment.ofAddress(addresses.get(1)).reinterpret(60).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void fileDeletedAfterOpeningIsReportedAndSkipped() throws IOException
    {
        final Path first = pcap("first.pcap", 1, 0);
        final Path gone = pcap("gone.pcap", 1, 5);
        final Path last = pcap("last.pcap", 1, 10);
        try (PacketSource source = CaptureFiles.open(List.of(first, gone, last)))
        {
            final long total = source.bytesTotal();
            Files.delete(gone);

            final List<Packet> packets = PacketRecorder.readAll(source, 10);

            assertEquals(List.of(0, 10), packets.stream().map(packet -> (int)packet.data()[0]).toList());
            assertEquals(1, source.damages().size());
            final CaptureDamage damage = source.damages().getFirst();
            assertEquals(gone, damage.file());
            assertEquals(0, damage.offset());
            assertEquals("no longer exists", damage.problem());
            assertEquals(total, source.bytesRead());
        }
    }

    @Test
    void fileOverwrittenWithTextAfterOpeningIsReportedAndSkipped() throws IOException
    {
        final Path first = pcap("first.pcap", 1, 0);
        final Path last = pcap("last.pcap", 1, 10);
        try (PacketSource source = CaptureFiles.open(List.of(first, last)))
        {
            Files.writeString(last, "overwritten by mistake, nothing to see here");

            assertEquals(1, PacketRecorder.readAll(source, 10).size());
            assertEquals(
                List.of(new CaptureDamage(last, 0,
                    "is not a pcap or pcapng capture file: it is text, starting with \"overwritten by m\"")),
                source.damages());
        }
    }

    @Test
    void fileCutShortAfterOpeningIsReadUpToItsNewEnd() throws IOException
    {
        final Path file = pcap("shrinking.pcap", 3, 0);
        try (PacketSource source = CaptureFiles.open(file))
        {
            final byte[] content = Files.readAllBytes(file);
            final int cut = 24 + 76 + 76 + 30;
            Files.write(file, Arrays.copyOf(content, cut));

            assertEquals(2, PacketRecorder.readAll(source, 10).size());
            assertEquals(List.of(new CaptureDamage(file, 24 + 76 + 76,
                "captured length 60 goes beyond the end of the file (14 bytes left after the record header)")),
                source.damages());
        }
    }

    @Test
    void pollAfterCloseIsRefusedAndCloseIsIdempotent()
    {
        final PacketSource source = CaptureFiles.open(pcap("first.pcap", 1, 0));
        assertEquals(1, source.poll(new PacketRecorder(), 10));
        source.close();
        source.close();
        assertThrows(IllegalStateException.class, () -> source.poll(new PacketRecorder(), 10));
    }

    /** A microsecond pcap of {@code count} 60-byte packets; packet n starts with byte first+n, at second first+n. */
    private Path pcap(final String name, final int count, final int first)
    {
        final CaptureFileBuilder.Pcap pcap =
            CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, 65535);
        for (int i = 0; i < count; i++)
        {
            pcap.packet(first + i, 0, data(60, first + i));
        }
        return pcap.writeTo(directory.resolve(name));
    }
}
