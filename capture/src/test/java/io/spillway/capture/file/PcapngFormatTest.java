package io.spillway.capture.file;


import io.spillway.packet.LinkType;
import io.spillway.device.PacketSource;
import io.spillway.capture.file.CaptureFileBuilder.Option;
import io.spillway.capture.file.CaptureFileBuilder.Pcapng;
import io.spillway.capture.file.PacketRecorder.Packet;
import io.spillway.capture.reference.Tshark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.spillway.capture.file.CaptureFileBuilder.data;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** pcapng built byte by byte: sections in both byte orders, several interfaces, every packet block type. */
class PcapngFormatTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_700_000_000L;

    @TempDir
    Path directory;

    @Test
    void readsSectionsOfBothByteOrdersWithManyInterfacesAndBlockTypes()
    {
        final long microsUnits = T0 * 1_000_000L + 123_456L;
        final long nanosUnits = T0 * SECOND + 123_456_789L;
        final long millisUnits = T0 * 1000L + 500L;
        final long binaryUnits = (T0 << 10) + 512;
        final Path file = CaptureFileBuilder.pcapng()
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 65535)
            .interfaceDescription(LinkType.PPP, 0, Option.text(2, "ppp0"), Option.tsresol(9), Option.tsoffset(100))
            .block(Pcapng.NAME_RESOLUTION_BLOCK, data(23, 0))
            .enhancedPacket(0, microsUnits, data(60, 1), 60, Option.text(1, "a comment"), Option.epbFlags(1))
            .enhancedPacket(1, nanosUnits, data(33, 2), 1500)
            .block(Pcapng.INTERFACE_STATISTICS_BLOCK, data(28, 0))
            .simplePacket(data(30, 3), 30)
            .block(Pcapng.CUSTOM_BLOCK, data(9, 0))
            .obsoletePacket(1, nanosUnits + 1, data(10, 4), 10)
            .section(ByteOrder.BIG_ENDIAN)
            .interfaceDescription(LinkType.NULL, 64, Option.tsresol(0x80 | 10), Option.tsoffset(-3600))
            .interfaceDescription(LinkType.RAW, 65535, Option.tsresol(3))
            .simplePacket(data(80, 5), 100)
            .enhancedPacket(1, millisUnits, data(40, 6), 40)
            .enhancedPacket(0, binaryUnits, data(44, 7), 44)
            .simplePacket(data(5, 8), 5)
            .block(Pcapng.DECRYPTION_SECRETS_BLOCK, data(16, 0))
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceDescription(LinkType.IPV6, 0, Option.tsresol(0))
            .enhancedPacket(0, T0, data(48, 9), 48)
            .writeTo(directory.resolve("sections.pcapng"));

        final long epbNanos = T0 * SECOND + 123_456_789L + 100 * SECOND;
        final long binaryNanos = T0 * SECOND + SECOND / 2 - 3600 * SECOND;
        assertEquals(List.of(
            new Packet(60, 60, T0 * SECOND + 123_456_000L, LinkType.ETHERNET, 0, data(60, 1)),
            new Packet(33, 1500, epbNanos, LinkType.PPP, 1, data(33, 2)),
            // An SPB belongs to the section's first interface and takes the section's last timestamp.
            new Packet(30, 30, epbNanos, LinkType.ETHERNET, 0, data(30, 3)),
            new Packet(10, 10, epbNanos + 1, LinkType.PPP, 1, data(10, 4)),
            // No timestamp seen yet in the second section; the snaplen of 64 cuts the SPB.
            new Packet(64, 100, 0, LinkType.NULL, 2, data(64, 5)),
            new Packet(40, 40, T0 * SECOND + 500_000_000L, LinkType.RAW, 3, data(40, 6)),
            new Packet(44, 44, binaryNanos, LinkType.NULL, 2, data(44, 7)),
            new Packet(5, 5, binaryNanos, LinkType.NULL, 2, data(5, 8)),
            new Packet(48, 48, T0 * SECOND, LinkType.IPV6, 4, data(48, 9))),
            readAll(file));
    }

    @Test
    void simplePacketCapturedLengthIsTheLeastOfOriginalLengthSnapLengthAndBlockBody()
    {
        final Path file = CaptureFileBuilder.pcapng()
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 64)
            .enhancedPacket(0, 7, data(1, 0), 1)
            .simplePacket(data(5, 1), 5)
            .simplePacket(data(100, 2), 1514)
            .simplePacket(data(60, 3), 1514)
            .writeTo(directory.resolve("spb.pcapng"));

        final List<Packet> packets = readAll(file);
        assertEquals(List.of(1, 5, 64, 60), packets.stream().map(Packet::capturedLength).toList());
        assertEquals(List.of(1, 5, 1514, 1514), packets.stream().map(Packet::wireLength).toList());
        assertArrayEquals(data(64, 2), packets.get(2).data(), "SPB bytes");
        assertEquals(List.of(7000L, 7000L, 7000L, 7000L), packets.stream().map(Packet::timestampNanos).toList());
    }

    @Test
    void everyTimestampResolutionConvertsExactly()
    {
        final int[] tsresols = {0, 1, 3, 6, 9, 10, 12, 15, 19, 30, 0x80, 0x81, 0x8A, 0x94, 0x9E, 0xA0, 0xB0, 0xC0};
        final long[] units = {0, 1, 999, 1_700_000_000L, 1_700_000_000_123L, Long.MAX_VALUE, -1L};
        final Pcapng builder = CaptureFileBuilder.pcapng().section(ByteOrder.BIG_ENDIAN);
        for (final int tsresol : tsresols)
        {
            builder.interfaceDescription(LinkType.ETHERNET, 0, Option.tsresol(tsresol));
        }
        final List<Long> expected = new ArrayList<>();
        for (int i = 0; i < tsresols.length; i++)
        {
            for (final long count : units)
            {
                final BigInteger exact = exactNanos(tsresols[i], count);
                if (exact.bitLength() < 63)
                {
                    builder.enhancedPacket(i, count, data(1, i), 1);
                    expected.add(exact.longValueExact());
                }
            }
        }
        final Path file = builder.writeTo(directory.resolve("resolutions.pcapng"));

        assertEquals(expected, readAll(file).stream().map(Packet::timestampNanos).toList());
    }

    @Test
    void tsoffsetShiftsTimestampsBySecondsEitherWay()
    {
        final Path file = CaptureFileBuilder.pcapng()
            .section(ByteOrder.BIG_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 0, Option.tsoffset(T0))
            .interfaceDescription(LinkType.ETHERNET, 0, Option.tsresol(9), Option.tsoffset(-1))
            .enhancedPacket(0, 250_000, data(1, 0), 1)
            .enhancedPacket(1, 3 * SECOND, data(1, 1), 1)
            .writeTo(directory.resolve("tsoffset.pcapng"));

        assertEquals(List.of(T0 * SECOND + SECOND / 4, 2 * SECOND),
            readAll(file).stream().map(Packet::timestampNanos).toList());
    }

    @Test
    void wireLengthBelowCapturedLengthIsRaisedToIt()
    {
        final Path file = CaptureFileBuilder.pcapng()
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 0)
            .enhancedPacket(0, 1, data(100, 0), 64)
            .writeTo(directory.resolve("wire.pcapng"));

        final Packet packet = readAll(file).getFirst();
        assertEquals(100, packet.capturedLength());
        assertEquals(100, packet.wireLength());
    }

    @Test
    void builtFileReadsAsTsharkReadsIt()
    {
        // An independent reader for byte orders, sections, resolutions and offsets the real captures lack. SPBs
        // are left out: tshark gives them no timestamp at all. Interface ids are compared apart: tshark 4.0
        // restarts them in each section, Spillway numbers them across the file.
        final Path file = CaptureFileBuilder.pcapng()
            .section(ByteOrder.BIG_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 0, Option.tsresol(9))
            .interfaceDescription(LinkType.RAW, 0, Option.tsresol(0x80 | 20), Option.tsoffset(7))
            .enhancedPacket(0, T0 * SECOND + 1, data(60, 0), 60, Option.text(1, "first"))
            .enhancedPacket(1, (T0 << 20) + 12345, data(40, 1), 80)
            .block(Pcapng.NAME_RESOLUTION_BLOCK, new byte[4])
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceDescription(LinkType.NULL, 0, Option.tsresol(3))
            .enhancedPacket(0, T0 * 1000 + 999, data(32, 2), 32)
            .obsoletePacket(0, T0 * 1000 + 1000, data(32, 3), 32)
            .writeTo(directory.resolve("tshark.pcapng"));

        final List<Tshark.Frame> frames = Tshark.frames(file);
        final List<Packet> packets = readAll(file);
        assertEquals(frames.size(), packets.size());
        for (int i = 0; i < frames.size(); i++)
        {
            final Tshark.Frame frame = frames.get(i);
            final Packet packet = packets.get(i);
            assertEquals(frame, new Tshark.Frame(packet.capturedLength(), packet.wireLength(), packet.timestampNanos(),
                Tshark.encapsulationOf(packet.linkType()), frame.interfaceId()), "frame " + (i + 1));
        }
        assertEquals(List.of(0, 1, 2, 2), packets.stream().map(Packet::interfaceId).toList());
    }

    private static BigInteger exactNanos(final int tsresol, final long units)
    {
        final BigInteger unitsPerSecond = (tsresol & 0x80) != 0 ?
            BigInteger.ONE.shiftLeft(tsresol & 0x7F) : BigInteger.TEN.pow(tsresol);
        return new BigInteger(Long.toUnsignedString(units)).multiply(BigInteger.valueOf(SECOND)).divide(unitsPerSecond);
    }

    private static List<Packet> readAll(final Path file)
    {
        try (PacketSource source = CaptureFiles.open(file))
        {
            final List<Packet> packets = PacketRecorder.readAll(source, 2);
            assertEquals(List.of(), source.damages());
            assertEquals(source.bytesTotal(), source.bytesRead());
            return packets;
        }
    }
}
