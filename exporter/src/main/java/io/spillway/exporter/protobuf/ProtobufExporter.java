package io.spillway.exporter.protobuf;

import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.FlowRecord;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Writes flow records as length-delimited {@code spillway.flow.v1.FlowRecord} messages to a file or a TCP
 * connection: the stream {@code writeDelimitedTo} writes and {@code parseDelimitedFrom} reads.
 * <p>
 * Records are encoded by {@link ProtobufRecordEncoder} into one direct buffer, which goes to the channel when it is
 * nearly full and on {@link #flush()}; nothing is allocated per record. The TCP socket is non-blocking: bytes it
 * does not take wait in the buffer, and a record that finds no room is dropped and counted. The first error (disk
 * full, the collector closed or reset the connection) ends the output for good: it is logged once, and the records
 * not completely written then and all later ones are counted in {@link #droppedRecords()}. There is no reconnection:
 * a length-delimited stream cut mid-message cannot be resumed by the reader anyway.
 */
public final class ProtobufExporter implements FlowExporter
{
    public static final int DEFAULT_BUFFER_CAPACITY = 64 * 1024;
    /** For the connection at start, which blocks: a collector that is not there is a usage error. */
    public static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** How long {@link #close()} goes on writing to a collector that is slow to read. */
    public static final long CLOSE_DRAIN_MILLIS = 2_000;

    private final WritableByteChannel channel;
    private final SocketChannel socket;
    private final String name;
    private final Consumer<String> log;
    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer;
    private final ByteBuffer readScratch;
    private int position;
    private int written;
    private int unsentRecordStart;
    private long sentRecords;
    private long droppedRecords;
    private boolean failed;
    private boolean closed;

    private ProtobufExporter(
        final WritableByteChannel channel, final SocketChannel socket, final String name, final int bufferCapacity,
        final Consumer<String> log)
    {
        if (bufferCapacity < ProtobufRecordEncoder.MAX_DELIMITED_LENGTH)
        {
            throw new IllegalArgumentException("bufferCapacity " + bufferCapacity + " is below one record's maximum " +
                ProtobufRecordEncoder.MAX_DELIMITED_LENGTH);
        }

        this.channel = channel;
        this.socket = socket;
        this.name = name;
        this.log = log;
        this.byteBuffer = ByteBuffer.allocateDirect(bufferCapacity);
        this.buffer = new UnsafeBuffer(byteBuffer);
        this.readScratch = null != socket ? ByteBuffer.allocateDirect(512) : null;
    }

    /**
     * Creates {@code path}, or truncates it when it exists.
     *
     * @param log told of the write error that ends the output.
     * @throws UncheckedIOException when the file cannot be opened for writing.
     */
    public static ProtobufExporter openFile(final Path path, final Consumer<String> log)
    {
        try
        {
            final FileChannel channel = FileChannel.open(path,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            return new ProtobufExporter(channel, null, "file " + path, DEFAULT_BUFFER_CAPACITY, log);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open Protobuf file '" + path + "' for writing: " + reason(ex), ex);
        }
    }

    /**
     * Resolves the collector and connects to it, waiting up to {@link #CONNECT_TIMEOUT_MILLIS}.
     *
     * @param bufferCapacity bytes kept while the collector is slow to read, at least
     *                       {@link ProtobufRecordEncoder#MAX_DELIMITED_LENGTH}.
     * @param log            told of the error that ends the output.
     * @throws IllegalArgumentException when the host does not resolve.
     * @throws UncheckedIOException     when the connection fails (refused, unreachable, timed out).
     */
    public static ProtobufExporter openTcp(
        final String host, final int port, final int bufferCapacity, final Consumer<String> log)
    {
        final InetAddress address;
        try
        {
            address = InetAddress.getByName(host);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("cannot resolve Protobuf collector host '" + host + "'", ex);
        }

        final String text = address.getHostAddress();
        final String name = "collector " + (address instanceof Inet6Address ? "[" + text + "]" : text) + ":" + port +
            " (TCP)";
        SocketChannel socket = null;
        try
        {
            socket = SocketChannel.open();
            socket.socket().connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
            socket.configureBlocking(false);
            socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new ProtobufExporter(socket, socket, name, bufferCapacity, log);
        }
        catch (final IOException ex)
        {
            closeQuietly(socket);
            throw new UncheckedIOException("cannot connect to Protobuf " + name + ": " + reason(ex), ex);
        }
    }

    @Override
    public void onRecord(final FlowRecord record)
    {
        if (failed || closed)
        {
            droppedRecords++;
            return;
        }

        if (buffer.capacity() - position < ProtobufRecordEncoder.MAX_DELIMITED_LENGTH)
        {
            writeBuffer();
            compact();
            if (failed || buffer.capacity() - position < ProtobufRecordEncoder.MAX_DELIMITED_LENGTH)
            {
                // The collector reads slower than the probe exports: this record has no room.
                droppedRecords++;
                return;
            }
        }

        position = ProtobufRecordEncoder.encodeDelimited(record, buffer, position);
    }

    @Override
    public void flush()
    {
        if (failed || closed)
        {
            return;
        }

        writeBuffer();
        if (null != socket && !failed)
        {
            checkCollectorOpen();
        }
    }

    /** Records completely handed to the file or the socket. */
    public long sentRecords()
    {
        return sentRecords;
    }

    /** Records that will never reach the output: no room, after an error, after close. */
    @Override
    public long droppedRecords()
    {
        return droppedRecords;
    }

    /** Where records go, for messages, e.g. "file flows.pb" or "collector 192.0.2.1:9000 (TCP)". */
    public String name()
    {
        return name;
    }

    /** Writes what is buffered (to a collector for up to {@link #CLOSE_DRAIN_MILLIS}), then closes the channel. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }

        final long deadline = System.currentTimeMillis() + CLOSE_DRAIN_MILLIS;
        writeBuffer();
        while (!failed && written < position && System.currentTimeMillis() < deadline)
        {
            sleepBriefly();
            writeBuffer();
        }
        if (!failed && written < position)
        {
            droppedRecords += recordsIn(unsentRecordStart, position);
            log.accept("Protobuf export to " + name + " did not take the last records in time; they are dropped");
        }

        closed = true;
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            // Closing may be the first place a file system reports a failed write.
            fail(ex);
        }
    }

    /** Writes as much of the buffer as the channel takes now, and counts the records it completed. */
    private void writeBuffer()
    {
        if (failed || written == position)
        {
            return;
        }

        try
        {
            byteBuffer.limit(position).position(written);
            while (byteBuffer.hasRemaining() && channel.write(byteBuffer) > 0)
            {
                // A file takes everything; a non-blocking socket what fits its send buffer.
            }
            written = byteBuffer.position();
        }
        catch (final IOException ex)
        {
            fail(ex);
            return;
        }

        int start = unsentRecordStart;
        while (start < written)
        {
            final int length = ProtobufRecordEncoder.delimitedLength(buffer, start);
            final int end = start + ProtobufRecordEncoder.prefixLength(length) + length;
            if (end > written)
            {
                break;
            }
            sentRecords++;
            start = end;
        }
        unsentRecordStart = start;
    }

    /** Moves the bytes not yet written to the front; the copy is a memmove, so the regions may overlap. */
    private void compact()
    {
        if (failed || 0 == unsentRecordStart)
        {
            return;
        }

        buffer.putBytes(0, buffer, unsentRecordStart, position - unsentRecordStart);
        position -= unsentRecordStart;
        written -= unsentRecordStart;
        unsentRecordStart = 0;
    }

    /** Collectors never send: end of stream means the collector closed its side. */
    private void checkCollectorOpen()
    {
        try
        {
            readScratch.clear();
            if (socket.read(readScratch) < 0)
            {
                fail(new IOException("the collector closed the connection"));
            }
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
    }

    private int recordsIn(final int from, final int to)
    {
        int count = 0;
        for (int i = from; i < to; count++)
        {
            final int length = ProtobufRecordEncoder.delimitedLength(buffer, i);
            i += ProtobufRecordEncoder.prefixLength(length) + length;
        }

        return count;
    }

    private void fail(final IOException ex)
    {
        if (failed)
        {
            return;
        }

        failed = true;
        droppedRecords += recordsIn(unsentRecordStart, position);
        position = 0;
        written = 0;
        unsentRecordStart = 0;
        log.accept("Protobuf export to " + name + " failed, further records are dropped: " + reason(ex));
    }

    private static void sleepBriefly()
    {
        try
        {
            Thread.sleep(1);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static String reason(final IOException ex)
    {
        return null != ex.getMessage() ? ex.getMessage() : ex.getClass().getSimpleName();
    }

    private static void closeQuietly(final SocketChannel socket)
    {
        if (null != socket)
        {
            try
            {
                socket.close();
            }
            catch (final IOException ignore)
            {
                // The connection is being abandoned; there is nothing left to tell it.
            }
        }
    }
}
