package io.spillway.capture.file;

import io.spillway.device.PacketHandler;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Reads a pcapng file (draft-ietf-opsawg-pcapng, version 1.x): any number of sections, each in its own byte
 * order, with any number of interfaces. Delivers Enhanced, Simple and obsolete Packet Blocks; skips every other
 * block by its length. Packets are handed out as addresses into the mapped file, never copied.
 */
final class PcapngFileReader extends CaptureFileReader
{
    static final int SECTION_HEADER_BLOCK = 0x0A0D0D0A;
    static final int INTERFACE_DESCRIPTION_BLOCK = 1;
    static final int PACKET_BLOCK = 2;
    static final int SIMPLE_PACKET_BLOCK = 3;
    static final int ENHANCED_PACKET_BLOCK = 6;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    /** The part of the first Section Header Block checked when the file is opened. */
    static final int FILE_HEADER_LENGTH = 24;

    static final int OPTION_END = 0;
    static final int OPTION_IF_TSRESOL = 9;
    static final int OPTION_IF_TSOFFSET = 14;

    private static final int BLOCK_HEADER_LENGTH = 8;
    private static final int MIN_BLOCK_LENGTH = 12;
    private static final int MIN_SECTION_HEADER_LENGTH = 28;
    private static final int MIN_INTERFACE_DESCRIPTION_LENGTH = 20;
    private static final int MIN_ENHANCED_PACKET_LENGTH = 32;
    private static final int MIN_SIMPLE_PACKET_LENGTH = 16;
    private static final int PACKET_DATA_OFFSET = 28;
    private static final int SIMPLE_PACKET_DATA_OFFSET = 12;

    private static final ValueLayout.OfLong LONG_LITTLE_ENDIAN =
        ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_BIG_ENDIAN =
        ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final PcapngInterfaces interfaces = new PcapngInterfaces();
    // The byte order of the current section; the first SHB sets it before any other block is read.
    private ValueLayout.OfInt intLayout = INT_LITTLE_ENDIAN;
    private ValueLayout.OfShort shortLayout = SHORT_LITTLE_ENDIAN;
    private ValueLayout.OfLong longLayout = LONG_LITTLE_ENDIAN;
    private int sectionFirstInterface;
    private long sectionLastTimestampNanos;

    PcapngFileReader(final Path file, final MemorySegment content)
    {
        checkHeader(file, content);
        super(file, content, 0);
    }

    /**
     * Checks the start of the first Section Header Block at the start of {@code head}: its byte-order magic and
     * major version.
     *
     * @throws CaptureFileException when the header is cut short, the byte-order magic is wrong or the version
     *                              is not 1.x.
     */
    static void checkHeader(final Path file, final MemorySegment head)
    {
        if (head.byteSize() < FILE_HEADER_LENGTH)
        {
            throw new CaptureFileException(file, "is too short for a pcapng section header (" + head.byteSize() +
                " of " + FILE_HEADER_LENGTH + " bytes)");
        }
        final String problem = sectionHeaderProblem(head, 0);
        if (problem != null)
        {
            throw new CaptureFileException(file, problem);
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
            if (remaining < BLOCK_HEADER_LENGTH)
            {
                stop(offset, "the file ends inside a block header (" + remaining + " of " + BLOCK_HEADER_LENGTH +
                    " bytes)");
                break;
            }

            final int type = content.get(intLayout, offset);
            // The block type of an SHB reads the same in both byte orders; its length needs the new section's.
            if (type == SECTION_HEADER_BLOCK && !enterSectionByteOrder(offset, remaining))
            {
                break;
            }
            final long length = Integer.toUnsignedLong(content.get(intLayout, offset + 4));
            if (!checkBlockLength(offset, remaining, length))
            {
                break;
            }

            switch (type)
            {
                case SECTION_HEADER_BLOCK -> readSectionHeader(offset, length);
                case INTERFACE_DESCRIPTION_BLOCK -> readInterfaceDescription(offset, length);
                case ENHANCED_PACKET_BLOCK -> delivered += deliverPacket(
                    handler, offset, length, "EPB", Integer.toUnsignedLong(content.get(intLayout, offset + 8)));
                case SIMPLE_PACKET_BLOCK -> delivered += deliverSimplePacket(handler, offset, length);
                case PACKET_BLOCK -> delivered += deliverPacket(
                    handler, offset, length, "PB", Short.toUnsignedLong(content.get(shortLayout, offset + 8)));
                default ->
                {
                    // Name resolution, statistics, secrets, custom blocks: nothing a flow probe needs.
                }
            }
            if (!finished)
            {
                position = offset + length;
            }
        }
        return delivered;
    }

    /** Returns the problem with the byte-order magic or version of the SHB at {@code offset}, or null. */
    private static String sectionHeaderProblem(final MemorySegment content, final long offset)
    {
        final int magic = content.get(INT_LITTLE_ENDIAN, offset + 8);
        if (magic != BYTE_ORDER_MAGIC && magic != Integer.reverseBytes(BYTE_ORDER_MAGIC))
        {
            // Shown in file order, the way a hex dump shows it.
            return String.format(
                "section header has byte-order magic 0x%08x instead of 0x1a2b3c4d in either byte order",
                Integer.reverseBytes(magic));
        }
        final ValueLayout.OfShort shortLayout = magic == BYTE_ORDER_MAGIC ? SHORT_LITTLE_ENDIAN : SHORT_BIG_ENDIAN;
        final int major = Short.toUnsignedInt(content.get(shortLayout, offset + 12));
        final int minor = Short.toUnsignedInt(content.get(shortLayout, offset + 14));
        if (major != 1)
        {
            return "uses pcapng format version " + major + "." + minor + ", only version 1.x is supported";
        }
        return null;
    }

    private boolean enterSectionByteOrder(final long offset, final long remaining)
    {
        if (remaining < MIN_BLOCK_LENGTH)
        {
            stop(offset, "the file ends inside a section header block (" + remaining + " bytes)");
            return false;
        }
        final int magic = content.get(INT_LITTLE_ENDIAN, offset + 8);
        if (magic == BYTE_ORDER_MAGIC)
        {
            intLayout = INT_LITTLE_ENDIAN;
            shortLayout = SHORT_LITTLE_ENDIAN;
            longLayout = LONG_LITTLE_ENDIAN;
        }
        else if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC))
        {
            intLayout = INT_BIG_ENDIAN;
            shortLayout = SHORT_BIG_ENDIAN;
            longLayout = LONG_BIG_ENDIAN;
        }
        else
        {
            stop(offset, sectionHeaderProblem(content, offset));
            return false;
        }
        return true;
    }

    private boolean checkBlockLength(final long offset, final long remaining, final long length)
    {
        if (length < MIN_BLOCK_LENGTH)
        {
            stop(offset, "block length " + length + " is less than the minimum of " + MIN_BLOCK_LENGTH);
            return false;
        }
        if ((length & 3) != 0)
        {
            stop(offset, "block length " + length + " is not a multiple of 4");
            return false;
        }
        if (length > remaining)
        {
            stop(offset, "block length " + length + " goes beyond the end of the file (" + remaining +
                " bytes left)");
            return false;
        }
        final long trailingLength = Integer.toUnsignedLong(content.get(intLayout, offset + length - 4));
        if (trailingLength != length)
        {
            stop(offset, "trailing block length " + trailingLength + " differs from the leading block length " +
                length);
            return false;
        }
        return true;
    }

    private void readSectionHeader(final long offset, final long length)
    {
        if (length < MIN_SECTION_HEADER_LENGTH)
        {
            stop(offset, "section header block length " + length + " is less than the minimum of " +
                MIN_SECTION_HEADER_LENGTH);
            return;
        }
        final String problem = sectionHeaderProblem(content, offset);
        if (problem != null)
        {
            stop(offset, problem);
            return;
        }
        // The section length may be -1 (unknown) and is not needed: blocks are walked one by one.
        sectionFirstInterface = interfaces.count();
        sectionLastTimestampNanos = 0;
    }

    private void readInterfaceDescription(final long offset, final long length)
    {
        if (length < MIN_INTERFACE_DESCRIPTION_LENGTH)
        {
            stop(offset, "IDB length " + length + " is less than the minimum of " + MIN_INTERFACE_DESCRIPTION_LENGTH);
            return;
        }
        final int linkType = Short.toUnsignedInt(content.get(shortLayout, offset + 8));
        final long snapLength = Integer.toUnsignedLong(content.get(intLayout, offset + 12));
        TimestampResolution resolution = TimestampResolution.MICROSECONDS;
        long offsetSeconds = 0;

        final long optionsEnd = offset + length - 4;
        long option = offset + 16;
        while (optionsEnd - option >= 4)
        {
            final int code = Short.toUnsignedInt(content.get(shortLayout, option));
            final int valueLength = Short.toUnsignedInt(content.get(shortLayout, option + 2));
            if (code == OPTION_END)
            {
                break;
            }
            if (valueLength > optionsEnd - option - 4)
            {
                stop(offset, "IDB option " + code + " of length " + valueLength + " goes beyond the end of the block");
                return;
            }
            if (code == OPTION_IF_TSRESOL)
            {
                if (valueLength != 1)
                {
                    stop(offset, "IDB option if_tsresol has length " + valueLength + " instead of 1");
                    return;
                }
                resolution = TimestampResolution.ofTsresol(content.get(ValueLayout.JAVA_BYTE, option + 4));
            }
            else if (code == OPTION_IF_TSOFFSET)
            {
                if (valueLength != 8)
                {
                    stop(offset, "IDB option if_tsoffset has length " + valueLength + " instead of 8");
                    return;
                }
                offsetSeconds = content.get(longLayout, option + 4);
            }
            option += 4 + ((valueLength + 3) & ~3);
        }
        interfaces.add(linkType, snapLength, resolution, offsetSeconds);
    }

    /** Delivers an Enhanced Packet Block or an obsolete Packet Block: they differ only in the interface id's size. */
    private int deliverPacket(
        final PacketHandler handler, final long offset, final long length, final String blockName, final long localId)
    {
        if (length < MIN_ENHANCED_PACKET_LENGTH)
        {
            stop(offset, blockName + " length " + length + " is less than the minimum of " +
                MIN_ENHANCED_PACKET_LENGTH);
            return 0;
        }
        final int sectionInterfaces = interfaces.count() - sectionFirstInterface;
        if (sectionInterfaces == 0)
        {
            stop(offset, blockName + " comes before any interface description block in its section");
            return 0;
        }
        if (localId >= sectionInterfaces)
        {
            stop(offset, blockName + " refers to interface " + localId + " but the section has " + sectionInterfaces);
            return 0;
        }
        final long capturedLength = Integer.toUnsignedLong(content.get(intLayout, offset + 20));
        final long dataSpace = length - MIN_ENHANCED_PACKET_LENGTH;
        if (capturedLength > dataSpace)
        {
            stop(offset, blockName + " captured length " + capturedLength + " does not fit in the block (" +
                dataSpace + " bytes for data and options)");
            return 0;
        }
        if (capturedLength > Integer.MAX_VALUE)
        {
            stop(offset, blockName + " captured length " + capturedLength + " is implausibly large");
            return 0;
        }

        final int interfaceId = sectionFirstInterface + (int)localId;
        final long units = (Integer.toUnsignedLong(content.get(intLayout, offset + 12)) << 32) |
            Integer.toUnsignedLong(content.get(intLayout, offset + 16));
        final long timestampNanos = interfaces.toNanos(interfaceId, units);
        final long originalLength = Integer.toUnsignedLong(content.get(intLayout, offset + 24));
        final int wireLength = (int)Math.min(Math.max(originalLength, capturedLength), Integer.MAX_VALUE);
        sectionLastTimestampNanos = timestampNanos;
        handler.onPacket(baseAddress + offset + PACKET_DATA_OFFSET, (int)capturedLength, wireLength, timestampNanos,
            interfaces.linkType(interfaceId), interfaceId);
        return 1;
    }

    private int deliverSimplePacket(final PacketHandler handler, final long offset, final long length)
    {
        if (length < MIN_SIMPLE_PACKET_LENGTH)
        {
            stop(offset, "SPB length " + length + " is less than the minimum of " + MIN_SIMPLE_PACKET_LENGTH);
            return 0;
        }
        if (interfaces.count() == sectionFirstInterface)
        {
            stop(offset, "SPB comes before any interface description block in its section");
            return 0;
        }
        // An SPB belongs to the section's first interface and carries neither captured length nor timestamp.
        final int interfaceId = sectionFirstInterface;
        final long originalLength = Integer.toUnsignedLong(content.get(intLayout, offset + 8));
        final long snapLength = interfaces.snapLength(interfaceId);
        final long stored = Math.min(originalLength, length - MIN_SIMPLE_PACKET_LENGTH);
        final long capturedLength = snapLength == 0 ? stored : Math.min(stored, snapLength);
        if (capturedLength > Integer.MAX_VALUE)
        {
            stop(offset, "SPB captured length " + capturedLength + " is implausibly large");
            return 0;
        }
        final int wireLength = (int)Math.min(originalLength, Integer.MAX_VALUE);
        handler.onPacket(baseAddress + offset + SIMPLE_PACKET_DATA_OFFSET, (int)capturedLength, wireLength,
            sectionLastTimestampNanos, interfaces.linkType(interfaceId), interfaceId);
        return 1;
    }
}
