package io.spillway.capture.file;

import io.spillway.packet.LinkType;
import io.spillway.device.PacketSource;
import io.spillway.device.CaptureDamage;
import io.spillway.capture.file.CaptureFileBuilder.Option;
import io.spillway.capture.file.CaptureFileBuilder.Pcap;
import io.spillway.capture.file.CaptureFileBuilder.Pcapng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.spillway.capture.file.CaptureFileBuilder.data;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Corrupt record and block headers stop the file with a damage at the start of the bad record or block, naming
 * the problem precisely, after every packet before it was delivered.
 */
class PcapCorruptionTest
{
    private static final int SECONDS = 1_700_000_000;

    @TempDir
    Path directory;

    @Test
    void pcapCapturedLengthAboveTheLibpcapMaximum()
    {
        final Pcap pcap = CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, false, LinkType.ETHERNET, 0)
            .packet(SECONDS, 0, data(60, 0));
        final int bad = pcap.offset();
        pcap.record(SECONDS, 1, 262_145, 262_145, data(100, 0));

        assertDamage(pcap.bytes(), 1, bad, "implausible captured length 262145 (more than 262144)");
    }

    @Test
    void pcapCapturedLengthFarAboveASaneSnapLength()
    {
        final Pcap pcap = CaptureFileBuilder.pcap(ByteOrder.BIG_ENDIAN, true, LinkType.ETHERNET, 100)
            .packet(SECONDS, 0, data(60, 0))
            .packet(SECONDS, 1, data(60, 1));
        final int bad = pcap.offset();
        pcap.record(SECONDS, 2, 1601, 1601, data(1601, 0));

        assertDamage(pcap.bytes(), 2, bad,
            "implausible captured length 1601 (more than 16 times the snapshot length 100)");
    }

    @Test
    void pcapCapturedLengthBeyondTheEndOfTheFile()
    {
        final Pcap pcap = CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, true, LinkType.ETHERNET, 65535)
            .packet(SECONDS, 0, data(60, 0));
        final int bad = pcap.offset();
        pcap.record(SECONDS, 1, 100, 100, data(99, 0));

        assertDamage(pcap.bytes(), 1, bad,
            "captured length 100 goes beyond the end of the file (99 bytes left after the record header)");
    }

    @Test
    void pcapTruncatedRecordHeader()
    {
        final Pcap pcap = CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, true, LinkType.ETHERNET, 65535)
            .packet(SECONDS, 0, data(60, 0));
        final int bad = pcap.offset();
        pcap.raw(new byte[10]);

        assertDamage(pcap.bytes(), 1, bad, "the file ends inside a record header (10 of 16 bytes)");
    }

    @Test
    void pcapngBlockLengthNotAMultipleOfFour()
    {
        final Pcapng pcapng = sectionWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        final int bad = pcapng.offset();
        final byte[] content = pcapng.enhancedPacket(0, 2, data(60, 1), 60).bytes();
        putInt(content, bad + 4, 93, ByteOrder.LITTLE_ENDIAN);

        assertDamage(content, 1, bad, "block length 93 is not a multiple of 4");
    }

    @Test
    void pcapngBlockLengthBelowTheMinimum()
    {
        final Pcapng pcapng = sectionWithOnePacket(ByteOrder.BIG_ENDIAN);
        final int bad = pcapng.offset();
        final byte[] content = pcapng.enhancedPacket(0, 2, data(60, 1), 60).bytes();
        putInt(content, bad + 4, 8, ByteOrder.BIG_ENDIAN);

        assertDamage(content, 1, bad, "block length 8 is less than the minimum of 12");
    }

    @Test
    void pcapngTrailingLengthDiffersFromTheLeadingOne()
    {
        final Pcapng pcapng = sectionWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        final int bad = pcapng.offset();
        final byte[] content = pcapng.enhancedPacket(0, 2, data(60, 1), 60)
            .enhancedPacket(0, 3, data(60, 2), 60)
            .bytes();
        // The first bad EPB is 92 bytes long: 32 of fixed fields and 60 of data.
        putInt(content, bad + 92 - 4, 96, ByteOrder.LITTLE_ENDIAN);

        assertDamage(content, 1, bad, "trailing block length 96 differs from the leading block length 92");
    }

    @Test
    void pcapngBlockLengthBeyondTheEndOfTheFile()
    {
        final Pcapng pcapng = sectionWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        final int bad = pcapng.offset();
        final byte[] content = pcapng.enhancedPacket(0, 2, data(60, 1), 60).bytes();
        putInt(content, bad + 4, 1000, ByteOrder.LITTLE_ENDIAN);

        assertDamage(content, 1, bad, "block length 1000 goes beyond the end of the file (92 bytes left)");
    }

    @Test
    void pcapngEnhancedPacketRefersToAMissingInterface()
    {
        final Pcapng pcapng = CaptureFileBuilder.pcapng()
            .section(ByteOrder.LITTLE_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 0)
            .section(ByteOrder.BIG_ENDIAN)
            .interfaceDescription(LinkType.ETHERNET, 0)
            .interfaceDescription(LinkType.ETHERNET, 0)
            .enhancedPacket(1, 1, data(20, 0), 20);
        final int bad = pcapng.offset();
        // Three interfaces in the file, but ids restart per section: this one has two.
        pcapng.enhancedPacket(2, 2, data(20, 1), 20);

        assertDamage(pcapng.bytes(), 1, bad, "EPB refers to interface 2 but the section has 2");
    }

    @Test
    void pcapngEnhancedPacketBeforeAnyInterface()
    {
        final Pcapng pcapng = CaptureFileBuilder.pcapng().section(ByteOrder.LITTLE_ENDIAN);
        final int bad = pcapng.offset();
        pcapng.enhancedPacket(0, 1, data(20, 0), 20).interfaceDescription(LinkType.ETHERNET, 0);

        assertDamage(pcapng.bytes(), 0, bad, "EPB comes before any interface description block in its section");
    }

    @Test
    void pcapngSimplePacketBeforeAnyInterfaceOfItsSection()
    {
        final Pcapng pcapng = sectionWithOnePacket(ByteOrder.LITTLE_ENDIAN).section(ByteOrder.BIG_ENDIAN);
        final int bad = pcapng.offset();
        pcapng.simplePacket(data(20, 0), 20);

        assertDamage(pcapng.bytes(), 1, bad, "SPB comes before any interface description block in its section");
    }

    @Test
    void pcapngCapturedLengthDoesNotFitTheBlock()
    {
        final Pcapng pcapng = sectionWithOnePacket(ByteOrder.BIG_ENDIAN);
        final int bad = pcapng.offset();
        final byte[] content = pcapng.enhancedPacket(0, 2, data(60, 1), 60).bytes();
        putInt(content, bad + 20, 61, ByteOrder.BIG_ENDIAN);

        assertDamage(content, 1, bad,
            "EPB captured length 61 does not fit in the block (60 bytes for data and options)");
    }

    @Test
    void pcapngEnhancedPacketTooShortForItsFields()
    {
        final Pcapng pcapng = sectionWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        final int bad = pcapng.offset();
        pcapng.block(PcapngFileReader.ENHANCED_PACKET_BLOCK, new byte[12]);

        assertDamage(pcapng.bytes(), 1, bad, "EPB length 24 is less than the minimum of 32");
    }

    @Test
    void pcapngGarbageAfterTheFirstSection()
    {
        final Pcapng pcapng = CaptureFileBuilder.pcapng().section(ByteOrder.LITTLE_ENDIAN);
        final int bad = pcapng.offset();
        // "This" reads as block type 0x73696854, " is " as the little-endian block length 0x20736920.
        pcapng.raw("This is not a block, just text that follows the header.\n".getBytes(StandardCharsets.US_ASCII));

        assertDamage(pcapng.bytes(), 0, bad,
            "block length 544434464 goes beyond the end of the file (56 bytes left)");
    }

    @Test
    void pcapngLaterSectionWithABadByteOrderMagic()
    {
        final Pcapng pcapng = sectionWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        final int bad = pcapng.offset();
        final byte[] content = pcapng.section(ByteOrder.LITTLE_ENDIAN).bytes();
        putInt(content, bad + 8, 0x12345678, ByteOrder.BIG_ENDIAN);

        assertDamage(content, 1, bad,
            "section header has byte-order magic 0x12345678 instead of 0x1a2b3c4d in either byte order");
    }

    @Test
    void pcapngLaterSectionOfAnUnsupportedVersion()
    {
        final Pcapng pcapng = sectionWithOnePacket(ByteOrder.BIG_ENDIAN);
        final int bad = pcapng.offset();
        pcapng.section(ByteOrder.BIG_ENDIAN, 2, 0).interfaceDescription(LinkType.ETHERNET, 0);

        assertDamage(pcapng.bytes(), 1, bad, "uses pcapng format version 2.0, only version 1.x is supported");
    }

    @Test
    void pcapngInterfaceOptionOverrunsItsBlock()
    {
        final Pcapng pcapng = sectionWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        final int bad = pcapng.offset();
        final byte[] content = pcapng.interfaceDescription(LinkType.ETHERNET, 0, Option.text(2, "eth0")).bytes();
        // The if_name option's length, right after its code, at the start of the options.
        putShort(content, bad + 18, 40, ByteOrder.LITTLE_ENDIAN);

        assertDamage(content, 1, bad, "IDB option 2 of length 40 goes beyond the end of the block");
    }

    @Test
    void pcapngTsresolOptionOfTheWrongLength()
    {
        final Pcapng pcapng = sectionWithOnePacket(ByteOrder.LITTLE_ENDIAN);
        final int bad = pcapng.offset();
        pcapng.interfaceDescription(
            LinkType.ETHERNET, 0, Option.raw(PcapngFileReader.OPTION_IF_TSRESOL, new byte[2]));

        assertDamage(pcapng.bytes(), 1, bad, "IDB option if_tsresol has length 2 instead of 1");
    }

    private static Pcapng sectionWithOnePacket(final ByteOrder order)
    {
        return CaptureFileBuilder.pcapng()
            .section(order)
            .interfaceDescription(LinkType.ETHERNET, 0)
            .enhancedPacket(0, 1, data(60, 0), 60);
    }

    private void assertDamage(final byte[] content, final int packetsBefore, final long offset, final String problem)
    {
        final Path file = directory.resolve("damaged");
        try (PacketSource source = CaptureFiles.open(writeFile(file, content)))
        {
            final PacketRecorder recorder = new PacketRecorder();
            while (source.poll(recorder, 1) != PacketSource.END)
            {
                assertEquals(List.of(), source.damages(), "no damage reported before the damaged block is reached");
            }
            assertEquals(packetsBefore, recorder.packets().size(), "packets before the damage");
            assertEquals(List.of(new CaptureDamage(file, offset, problem)), source.damages());
            assertEquals(PacketSource.END, source.poll(recorder, 10), "the source stays ended");
        }
    }

    private static Path writeFile(final Path file, final byte[] content)
    {
        try
        {
            return Files.write(file, content);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static void putInt(final byte[] content, final int offset, final int value, final ByteOrder order)
    {
        ByteBuffer.wrap(content).order(order).putInt(offset, value);
    }

    private static void putShort(final byte[] content, final int offset, final int value, final ByteOrder order)
    {
        ByteBuffer.wrap(content).order(order).putShort(offset, (short)value);
    }
}
