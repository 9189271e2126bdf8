package io.spillway.capture.file;

import io.spillway.device.PacketSource;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Opens pcap and pcapng files as a {@link PacketSource}, telling the formats apart by their magic number.
 * Every file is checked when opened, so an operator learns of a missing or foreign file at once; each is mapped
 * only when reading reaches it.
 */
public final class CaptureFiles
{
    private static final int HEAD_LENGTH = Math.max(PcapFileReader.FILE_HEADER_LENGTH,
        PcapngFileReader.FILE_HEADER_LENGTH);
    private static final ValueLayout.OfInt INT_BIG_ENDIAN =
        ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int GZIP_MAGIC = 0x1F8B;
    private static final int MODIFIED_PCAP_MAGIC = 0xA1B2CD34;
    private static final int TEXT_EXCERPT_LENGTH = 16;

    private enum Format
    {
        PCAP, PCAPNG
    }

    private CaptureFiles()
    {
    }

    /**
     * Opens one capture file.
     *
     * @throws CaptureFileException when the file is missing, unreadable, empty, not a pcap or pcapng file, or of
     *                              an unsupported version.
     */
    public static PacketSource open(final Path file)
    {
        return open(List.of(file));
    }

    /**
     * Opens capture files to be read one after the other as a single source. Damage in one file ends that file
     * only; reading goes on with the next.
     *
     * @throws CaptureFileException     when any file cannot be opened (see {@link #open(Path)}).
     * @throws IllegalArgumentException when the list is empty.
     */
    public static PacketSource open(final List<Path> files)
    {
        if (files.isEmpty())
        {
            throw new IllegalArgumentException("no capture files given");
        }
        final long[] sizes = new long[files.size()];
        for (int i = 0; i < sizes.length; i++)
        {
            sizes[i] = check(files.get(i));
        }
        return new CaptureFileSequence(List.copyOf(files), sizes);
    }

    /**
     * Creates the reader for a mapped file after checking its header again (the file may have changed since it
     * was opened).
     */
    static CaptureFileReader newReader(final Path file, final MemorySegment content)
    {
        return switch (detectFormat(file, content))
        {
            case PCAP -> new PcapFileReader(file, content);
            case PCAPNG -> new PcapngFileReader(file, content);
        };
    }

    /** Returns the size of the file after checking that it is a readable pcap or pcapng file. */
    private static long check(final Path file)
    {
        if (Files.isDirectory(file))
        {
            throw new CaptureFileException(file, "is a directory, not a capture file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            final ByteBuffer head = ByteBuffer.allocate((int)Math.min(size, HEAD_LENGTH));
            while (head.hasRemaining() && channel.read(head) >= 0)
            {
                // A regular file delivers the requested bytes in a call or two.
            }
            detectFormat(file, MemorySegment.ofArray(head.array()).asSlice(0, head.position()));
            return size;
        }
        catch (final NoSuchFileException ex)
        {
            throw new CaptureFileException(file, "does not exist", ex);
        }
        catch (final AccessDeniedException ex)
        {
            throw new CaptureFileException(file, "cannot be read: permission denied", ex);
        }
        catch (final IOException ex)
        {
            throw new CaptureFileException(file, "cannot be read: " + ex.getMessage(), ex);
        }
    }

    /**
     * Tells pcapng from pcap by the magic number and checks the header that follows it.
     *
     * @throws CaptureFileException when the file is neither, is cut short, or has an unsupported version.
     */
    private static Format detectFormat(final Path file, final MemorySegment head)
    {
        if (head.byteSize() == 0)
        {
            throw new CaptureFileException(file, "is empty");
        }
        if (head.byteSize() < Integer.BYTES)
        {
            throw new CaptureFileException(file, "is too short to be a capture file (" + head.byteSize() + " bytes)");
        }
        final int magic = head.get(INT_BIG_ENDIAN, 0);
        if (magic == PcapngFileReader.SECTION_HEADER_BLOCK)
        {
            PcapngFileReader.checkHeader(file, head);
            return Format.PCAPNG;
        }
        if (PcapFileReader.isPcapMagic(magic))
        {
            PcapFileReader.checkHeader(file, head);
            return Format.PCAP;
        }
        throw new CaptureFileException(file, unknownFormat(magic, head));
    }

    private static String unknownFormat(final int magic, final MemorySegment head)
    {
        if (magic >>> 16 == GZIP_MAGIC)
        {
            return "is compressed with gzip; decompress it first (gunzip)";
        }
        if (magic == MODIFIED_PCAP_MAGIC || magic == Integer.reverseBytes(MODIFIED_PCAP_MAGIC))
        {
            return "is a modified (Kuznetzov) pcap file, which is not supported; convert it with " +
                "\"editcap -F pcap\"";
        }
        final String text = textExcerpt(head);
        if (text != null)
        {
            return "is not a pcap or pcapng capture file: it is text, starting with \"" + text + "\"";
        }
        return "is not a pcap or pcapng capture file (unknown magic number 0x" +
            String.format("%08x", magic) + ")";
    }

    /** Returns the start of the file when it is printable ASCII, null otherwise. */
    private static String textExcerpt(final MemorySegment head)
    {
        final int length = (int)Math.min(head.byteSize(), TEXT_EXCERPT_LENGTH);
        final StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            final byte b = head.get(ValueLayout.JAVA_BYTE, i);
            if (b == '\n' || b == '\r' || b == '\t')
            {
                text.append(' ');
            }
            else if (b >= 0x20 && b < 0x7F)
            {
                text.append((char)b);
            }
            else
            {
                return null;
            }
        }
        return text.toString().strip();
    }
}
