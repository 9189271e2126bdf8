package io.spillway.capture.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a classic pcap file (little endian, nanosecond timestamps). Used by the traffic
 * generator and by tests that build captures; buffered, no allocation per packet.
 */
public final class PcapWriter implements AutoCloseable
{
    /** pcap magic for nanosecond-resolution timestamps. */
    public static final int MAGIC_NANOS = 0xA1B23C4D;
    public static final int RECORD_HEADER_LENGTH = 16;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private long packets;
    private boolean closed;

    public PcapWriter(final Path file, final int linkType, final int snapLength)
    {
        try
        {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create " + file, ex);
        }
        buffer.putInt(MAGIC_NANOS).putShort((short)2).putShort((short)4).putInt(0).putInt(0)
            .putInt(snapLength).putInt(linkType);
    }

    /** Appends one packet whose bytes are {@code frame[0, capturedLength)}. */
    public void write(final long timestampNanos, final ByteBuffer frame, final int capturedLength, final int wireLength)
    {
        if (buffer.remaining() < RECORD_HEADER_LENGTH + capturedLength)
        {
            drain();
        }
        buffer.putInt((int)(timestampNanos / 1_000_000_000L))
            .putInt((int)(timestampNanos % 1_000_000_000L))
            .putInt(capturedLength)
            .putInt(wireLength);
        buffer.put(buffer.position(), frame, 0, capturedLength);
        buffer.position(buffer.position() + capturedLength);
        packets++;
    }

    /** Appends one packet whose bytes are the whole array (a convenience for tests: wraps the array). */
    public void write(final long timestampNanos, final byte[] frame)
    {
        write(timestampNanos, ByteBuffer.wrap(frame), frame.length, frame.length);
    }

    public long packets()
    {
        return packets;
    }

    private void drain()
    {
        buffer.flip();
        try
        {
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        buffer.clear();
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        drain();
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
