package io.spillway.capture.file;

import io.spillway.packet.LinkType;
import io.spillway.device.PacketSource;
import io.spillway.capture.file.PacketRecorder.Packet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import static io.spillway.capture.file.CaptureFileBuilder.data;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Classic pcap in both byte orders and both timestamp resolutions, built byte by byte. */
class PcapFormatTest
{
    private static final long SECONDS = 1_700_000_000L;

    @TempDir
    Path directory;

    @ParameterizedTest(name = "big endian {0}, nanoseconds {1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void readsEveryByteOrderAndResolution(final boolean bigEndian, final boolean nanosecond)
    {
        final ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        final long nanosPerUnit = nanosecond ? 1 : 1000;
        final Path file = CaptureFileBuilder.pcap(order, nanosecond, LinkType.ETHERNET, 65535)
            .packet(SECONDS, 0, data(60, 0))
            .packet(SECONDS, 999_999, data(1514, 7))
            .packet(SECONDS + 1, 123_456, data(1, 9))
            // The largest unsigned 32-bit seconds, in 2106: pcap seconds are unsigned.
            .packet(0xFFFF_FFFFL, 5, data(42, 3))
            .writeTo(directory.resolve("variant.pcap"));

        assertEquals(List.of(
            new Packet(60, 60, SECONDS * 1_000_000_000L, LinkType.ETHERNET, 0, data(60, 0)),
            new Packet(1514, 1514, SECONDS * 1_000_000_000L + 999_999 * nanosPerUnit, LinkType.ETHERNET, 0,
                data(1514, 7)),
            new Packet(1, 1, (SECONDS + 1) * 1_000_000_000L + 123_456 * nanosPerUnit, LinkType.ETHERNET, 0, data(1, 9)),
            new Packet(42, 42, 0xFFFF_FFFFL * 1_000_000_000L + 5 * nanosPerUnit, LinkType.ETHERNET, 0, data(42, 3))),
            readAll(file));
    }

    @Test
    void linkTypeIgnoresTheFcsBitsAboveIt()
    {
        // Bits 28..31 say "4 bytes of FCS follow each frame"; the link type is the low 16 bits.
        final Path file = CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, false, 0x3000_0000 | LinkType.PPP, 65535)
            .packet(SECONDS, 0, data(20, 0))
            .writeTo(directory.resolve("fcs.pcap"));

        assertEquals(LinkType.PPP, readAll(file).getFirst().linkType());
    }

    @Test
    void wireLengthBelowCapturedLengthIsRaisedToIt()
    {
        final Path file = CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, 65535)
            .record(SECONDS, 0, 100, 60, data(100, 0))
            .record(SECONDS, 1, 100, 0, data(100, 1))
            .record(SECONDS, 2, 60, 1500, data(60, 2))
            .writeTo(directory.resolve("wire.pcap"));

        final List<Packet> packets = readAll(file);
        assertEquals(List.of(100, 100, 1500), packets.stream().map(Packet::wireLength).toList());
        assertEquals(List.of(100, 100, 60), packets.stream().map(Packet::capturedLength).toList());
    }

    @Test
    void headerOnlyFileHasNoPacketsAndNoDamage()
    {
        final Path file = CaptureFileBuilder.pcap(ByteOrder.BIG_ENDIAN, true, LinkType.RAW, 65535)
            .writeTo(directory.resolve("empty.pcap"));
        try (PacketSource source = CaptureFiles.open(file))
        {
            assertEquals(PacketSource.END, source.poll(new PacketRecorder(), 10));
            assertEquals(List.of(), source.damages());
            assertEquals(PcapFileReader.FILE_HEADER_LENGTH, source.bytesRead());
        }
    }

    @Test
    void capturedLengthUpToSixteenTimesTheSnapLengthIsAccepted()
    {
        final Path file = CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, 100)
            .packet(SECONDS, 0, data(1600, 0))
            .writeTo(directory.resolve("lying-snaplen.pcap"));

        assertEquals(1600, readAll(file).getFirst().capturedLength());
    }

    private static List<Packet> readAll(final Path file)
    {
        try (PacketSource source = CaptureFiles.open(file))
        {
            final List<Packet> packets = PacketRecorder.readAll(source, 3);
            assertEquals(List.of(), source.damages());
            assertEquals(source.bytesTotal(), source.bytesRead());
            return packets;
        }
    }
}
