package io.spillway.capture.file;

import io.spillway.device.PacketHandler;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Reads a classic pcap file (tcpdump.org format, version 2.x) in either byte order, with microsecond or
 * nanosecond timestamps. Packets are handed out as addresses into the mapped file, never copied.
 */
final class PcapFileReader extends CaptureFileReader
{
    static final int MAGIC_MICROS = 0xA1B2C3D4;
    static final int MAGIC_NANOS = 0xA1B23C4D;
    static final int FILE_HEADER_LENGTH = 24;
    static final int RECORD_HEADER_LENGTH = 16;
    /** libpcap's largest snapshot length: a record claiming more is garbage, not a packet. */
    static final int MAX_CAPTURED_LENGTH = 262_144;
    /** A record may exceed the header's snaplen (some writers lie about it), but not by this factor. */
    static final int SNAPLEN_TOLERANCE_FACTOR = 16;


    private final ValueLayout.OfInt intLayout;
    private final long nanosPerFractionUnit;
    private final int linkType;
    private final int snapLength;
    private final long maxCapturedLength;

    PcapFileReader(final Path file, final MemorySegment content)
    {
        checkHeader(file, content);
        super(file, content, FILE_HEADER_LENGTH);
        final int magic = content.get(INT_BIG_ENDIAN, 0);
        final boolean bigEndian = magic == MAGIC_MICROS || magic == MAGIC_NANOS;
        this.intLayout = bigEndian ? INT_BIG_ENDIAN : INT_LITTLE_ENDIAN;
        this.nanosPerFractionUnit = (magic == MAGIC_NANOS || magic == Integer.reverseBytes(MAGIC_NANOS)) ? 1 : 1000;
        // The upper 16 bits of the link type field carry FCS length flags, not the link type.
        this.linkType = content.get(intLayout, 20) & 0xFFFF;
        this.snapLength = content.get(intLayout, 16);
        final boolean saneSnapLength = snapLength > 0 && snapLength <= MAX_CAPTURED_LENGTH;
        this.maxCapturedLength = saneSnapLength ?
            Math.min(MAX_CAPTURED_LENGTH, (long)snapLength * SNAPLEN_TOLERANCE_FACTOR) : MAX_CAPTURED_LENGTH;
    }

    /** True when the first four bytes, read big endian, are a pcap magic number in either byte order. */
    static boolean isPcapMagic(final int magicBigEndian)
    {
        return magicBigEndian == MAGIC_MICROS || magicBigEndian == Integer.reverseBytes(MAGIC_MICROS) ||
            magicBigEndian == MAGIC_NANOS || magicBigEndian == Integer.reverseBytes(MAGIC_NANOS);
    }

    /**
     * Checks the file header at the start of {@code head} (which starts with a pcap magic number).
     *
     * @throws CaptureFileException when the header is cut short or the version is not 2.x.
     */
    static void checkHeader(final Path file, final MemorySegment head)
    {
        if (head.byteSize() < FILE_HEADER_LENGTH)
        {
            throw new CaptureFileException(file, "is too short for a pcap file header (" + head.byteSize() + " of " +
                FILE_HEADER_LENGTH + " bytes)");
        }
        final int magic = head.get(INT_BIG_ENDIAN, 0);
        final ValueLayout.OfShort shortLayout =
            magic == MAGIC_MICROS || magic == MAGIC_NANOS ? SHORT_BIG_ENDIAN : SHORT_LITTLE_ENDIAN;
        final int major = Short.toUnsignedInt(head.get(shortLayout, 4));
        final int minor = Short.toUnsignedInt(head.get(shortLayout, 6));
        if (major != 2)
        {
            throw new CaptureFileException(file, "uses pcap format version " + major + "." + minor +
                ", only version 2.x is supported");
        }
    }

    @Override
    int read(final PacketHandler handler, final int limit)
    {
        int delivered = 0;
        while (delivered < limit && !finished)
        {
            final long offset = position;
            final long remaining = size - offset;
            if (remaining == 0)
            {
                finished = true;
                break;
            }
            if (remaining < RECORD_HEADER_LENGTH)
            {
                stop(offset, "the file ends inside a record header (" + remaining + " of " + RECORD_HEADER_LENGTH +
                    " bytes)");
                break;
            }

            final long seconds = Integer.toUnsignedLong(content.get(intLayout, offset));
            final long fraction = Integer.toUnsignedLong(content.get(intLayout, offset + 4));
            final long capturedLength = Integer.toUnsignedLong(content.get(intLayout, offset + 8));
            final long wireLength = Integer.toUnsignedLong(content.get(intLayout, offset + 12));
            if (capturedLength > maxCapturedLength)
            {
                stop(offset, implausibleLength(capturedLength));
                break;
            }
            if (capturedLength > remaining - RECORD_HEADER_LENGTH)
            {
                stop(offset, "captured length " + capturedLength + " goes beyond the end of the file (" +
                    (remaining - RECORD_HEADER_LENGTH) + " bytes left after the record header)");
                break;
            }

            final long timestampNanos = seconds * 1_000_000_000L + fraction * nanosPerFractionUnit;
            // Writers that truncate without fixing the wire length exist; readers report the captured length.
            final int wire = (int)Math.min(Math.max(wireLength, capturedLength), Integer.MAX_VALUE);
            position = offset + RECORD_HEADER_LENGTH + capturedLength;
            delivered++;
            handler.onPacket(
                baseAddress + offset + RECORD_HEADER_LENGTH, (int)capturedLength, wire, timestampNanos, linkType, 0);
        }
        return delivered;
    }

    private String implausibleLength(final long capturedLength)
    {
        return capturedLength > MAX_CAPTURED_LENGTH ?
            "implausible captured length " + capturedLength + " (more than " + MAX_CAPTURED_LENGTH + ")" :
            "implausible captured length " + capturedLength + " (more than " + SNAPLEN_TOLERANCE_FACTOR +
            " times the snapshot length " + snapLength + ")";
    }
}
