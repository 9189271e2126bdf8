package io.spillway.capture.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Builds pcap and pcapng files byte by byte for tests: every byte order, timestamp resolution and block type the
 * readers support, plus the raw means to write broken ones. Offsets of what was written are exposed so tests can
 * name the exact place of damage.
 */
public final class CaptureFileBuilder
{
    private CaptureFileBuilder()
    {
    }

    /** A pcap file header; {@code linkTypeField} is written as is, FCS bits included. */
    public static Pcap pcap(
        final ByteOrder order, final boolean nanosecond, final int linkTypeField, final int snapLength)
    {
        return new Pcap(order, nanosecond, linkTypeField, snapLength);
    }

    /** An empty pcapng file: start it with {@link Pcapng#section}. */
    public static Pcapng pcapng()
    {
        return new Pcapng();
    }

    /** {@code length} bytes counting up from {@code first}, so every packet's bytes are recognisable. */
    public static byte[] data(final int length, final int first)
    {
        final byte[] data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)(first + i);
        }
        return data;
    }

    /** A growable little buffer whose byte order can change between writes. */
    public abstract static class Bytes<T extends Bytes<T>>
    {
        private ByteBuffer buffer = ByteBuffer.allocate(256);

        /** Bytes written so far: the offset of whatever is written next. */
        public int offset()
        {
            return buffer.position();
        }

        public byte[] bytes()
        {
            return Arrays.copyOf(buffer.array(), buffer.position());
        }

        public Path writeTo(final Path file)
        {
            try
            {
                return Files.write(file, bytes());
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }

        /** Appends bytes as they are, e.g. garbage. */
        public T raw(final byte[] bytes)
        {
            ensure(bytes.length);
            buffer.put(bytes);
            return self();
        }

        abstract T self();

        final void order(final ByteOrder order)
        {
            buffer.order(order);
        }

        final ByteOrder order()
        {
            return buffer.order();
        }

        final void putShort(final int value)
        {
            ensure(2);
            buffer.putShort((short)value);
        }

        final void putInt(final int value)
        {
            ensure(4);
            buffer.putInt(value);
        }

        final void putInt(final int offset, final int value)
        {
            buffer.putInt(offset, value);
        }

        final void putLong(final long value)
        {
            ensure(8);
            buffer.putLong(value);
        }

        final void putPadded(final byte[] bytes)
        {
            raw(bytes);
            raw(new byte[padding(bytes.length)]);
        }

        static int padding(final int length)
        {
            return (4 - (length & 3)) & 3;
        }

        private void ensure(final int more)
        {
            if (buffer.remaining() < more)
            {
                final ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more))
                    .order(buffer.order());
                bigger.put(buffer.flip());
                buffer = bigger;
            }
        }
    }

    public static final class Pcap extends Bytes<Pcap>
    {
        private Pcap(final ByteOrder order, final boolean nanosecond, final int linkTypeField, final int snapLength)
        {
            order(order);
            putInt(nanosecond ? PcapFileReader.MAGIC_NANOS : PcapFileReader.MAGIC_MICROS);
            putShort(2);
            putShort(4);
            putInt(0);
            putInt(0);
            putInt(snapLength);
            putInt(linkTypeField);
        }

        /** A record holding the whole of {@code data}, which was that long on the wire. */
        public Pcap packet(final long seconds, final long fraction, final byte[] data)
        {
            return record(seconds, fraction, data.length, data.length, data);
        }

        /** A record whose header fields are written as given, whatever {@code data} holds. */
        public Pcap record(
            final long seconds, final long fraction, final int capturedLength, final int wireLength, final byte[] data)
        {
            putInt((int)seconds);
            putInt((int)fraction);
            putInt(capturedLength);
            putInt(wireLength);
            return raw(data);
        }

        @Override
        Pcap self()
        {
            return this;
        }
    }

    public static final class Pcapng extends Bytes<Pcapng>
    {
        public static final int NAME_RESOLUTION_BLOCK = 4;
        public static final int INTERFACE_STATISTICS_BLOCK = 5;
        public static final int DECRYPTION_SECRETS_BLOCK = 10;
        public static final int CUSTOM_BLOCK = 0x00000BAD;

        private Pcapng()
        {
        }

        /** A Section Header Block of unknown section length (-1) with a shb_userappl option. */
        public Pcapng section(final ByteOrder order)
        {
            return section(order, 1, 0);
        }

        public Pcapng section(final ByteOrder order, final int major, final int minor)
        {
            order(order);
            final int start = beginBlock(PcapngFileReader.SECTION_HEADER_BLOCK);
            putInt(PcapngFileReader.BYTE_ORDER_MAGIC);
            putShort(major);
            putShort(minor);
            putLong(-1);
            putOptions(Option.text(4, "spillway test"));
            return endBlock(start);
        }

        /** An Interface Description Block; if_tsresol, if_tsoffset and any other option go in {@code options}. */
        public Pcapng interfaceDescription(final int linkType, final int snapLength, final Option... options)
        {
            final int start = beginBlock(PcapngFileReader.INTERFACE_DESCRIPTION_BLOCK);
            putShort(linkType);
            putShort(0);
            putInt(snapLength);
            putOptions(options);
            return endBlock(start);
        }

        /** An Enhanced Packet Block; {@code interfaceId} is the section-local index. */
        public Pcapng enhancedPacket(
            final int interfaceId,
            final long timestampUnits,
            final byte[] data,
            final int originalLength,
            final Option... options)
        {
            final int start = beginBlock(PcapngFileReader.ENHANCED_PACKET_BLOCK);
            putInt(interfaceId);
            putInt((int)(timestampUnits >>> 32));
            putInt((int)timestampUnits);
            putInt(data.length);
            putInt(originalLength);
            putPadded(data);
            putOptions(options);
            return endBlock(start);
        }

        /** The obsolete Packet Block (type 2): a 16-bit interface id and a drop count before the timestamp. */
        public Pcapng obsoletePacket(
            final int interfaceId, final long timestampUnits, final byte[] data, final int originalLength)
        {
            final int start = beginBlock(PcapngFileReader.PACKET_BLOCK);
            putShort(interfaceId);
            putShort(0);
            putInt((int)(timestampUnits >>> 32));
            putInt((int)timestampUnits);
            putInt(data.length);
            putInt(originalLength);
            putPadded(data);
            return endBlock(start);
        }

        /** A Simple Packet Block storing {@code data} (padded) for a packet of {@code originalLength} bytes. */
        public Pcapng simplePacket(final byte[] data, final int originalLength)
        {
            final int start = beginBlock(PcapngFileReader.SIMPLE_PACKET_BLOCK);
            putInt(originalLength);
            putPadded(data);
            return endBlock(start);
        }

        /** Any other block, its body padded to 4 bytes. */
        public Pcapng block(final int type, final byte[] body)
        {
            final int start = beginBlock(type);
            putPadded(body);
            return endBlock(start);
        }

        @Override
        Pcapng self()
        {
            return this;
        }

        private int beginBlock(final int type)
        {
            final int start = offset();
            putInt(type);
            putInt(0);
            return start;
        }

        private Pcapng endBlock(final int start)
        {
            final int length = offset() - start + 4;
            putInt(start + 4, length);
            putInt(length);
            return this;
        }

        private void putOptions(final Option... options)
        {
            if (options.length == 0)
            {
                return;
            }
            for (final Option option : options)
            {
                final byte[] value = option.encode(order());
                putShort(option.code());
                putShort(value.length);
                putPadded(value);
            }
            putShort(PcapngFileReader.OPTION_END);
            putShort(0);
        }
    }

    /** A pcapng option; numbers are encoded in the byte order of the section they are written in. */
    public record Option(int code, byte[] bytes, long number, int numberLength)
    {
        public static Option tsresol(final int value)
        {
            return new Option(PcapngFileReader.OPTION_IF_TSRESOL, new byte[]{(byte)value}, 0, 0);
        }

        public static Option tsoffset(final long seconds)
        {
            return new Option(PcapngFileReader.OPTION_IF_TSOFFSET, null, seconds, 8);
        }

        /** opt_comment (1), if_name (2), shb_userappl (4) and other UTF-8 string options. */
        public static Option text(final int code, final String text)
        {
            return new Option(code, text.getBytes(StandardCharsets.UTF_8), 0, 0);
        }

        /** epb_flags (2): a 32-bit word. */
        public static Option epbFlags(final int flags)
        {
            return new Option(2, null, flags, 4);
        }

        public static Option raw(final int code, final byte[] value)
        {
            return new Option(code, value, 0, 0);
        }

        byte[] encode(final ByteOrder order)
        {
            if (bytes != null)
            {
                return bytes;
            }
            final ByteBuffer buffer = ByteBuffer.allocate(numberLength).order(order);
            if (numberLength == 8)
            {
                buffer.putLong(number);
            }
            else
            {
                buffer.putInt((int)number);
            }
            return buffer.array();
        }
    }
}
