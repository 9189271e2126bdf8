package io.spillway.exporter.ipfix;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * IPFIX over TCP (RFC 7011 section 10.4) that never blocks the export thread.
 * <p>
 * The socket is non-blocking. Messages the socket does not take at once wait in a bounded queue of
 * {@link IpfixOptions#tcpBufferBytes()} bytes; a message that does not fit is refused, so its records are counted as
 * dropped. When the collector goes away (it closes the connection, or a write fails), the message it was in the
 * middle of is lost and counted, the rest of the queue is kept, and the transport reconnects with exponential
 * backoff ({@link #MIN_BACKOFF_MILLIS} doubling up to {@link #MAX_BACKOFF_MILLIS}). Every new connection starts with
 * the template messages, then the queue.
 * <p>
 * Bytes the kernel accepted count as sent: if the collector's host resets the connection, what was still in the
 * kernel's send buffer is lost without the exporter knowing.
 */
public final class TcpTransport extends CountingTransport
{
    public static final long MIN_BACKOFF_MILLIS = 100;
    public static final long MAX_BACKOFF_MILLIS = 30_000;
    /** Both for the first, blocking connection at start and for each reconnection attempt. */
    public static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** How long {@link #close()} goes on writing the queue to a connected collector. */
    public static final long CLOSE_DRAIN_MILLIS = 2_000;

    /** Each queued message is preceded by the count of flow records in it. */
    private static final int FRAME_HEADER_LENGTH = 4;
    private static final int TEMPLATES_DONE = -1;

    private final InetSocketAddress address;
    private final String name;
    private final EpochClock clock;
    private final Consumer<String> log;
    private final UnsafeBuffer queue;
    private final ByteBuffer readScratch = ByteBuffer.allocateDirect(512);
    private int head;
    private int tail;
    private int frontSent;
    private TemplateMessages templates;
    private int templateMessageCount;
    private int templatesSent = TEMPLATES_DONE;
    private SocketChannel channel;
    private boolean connected;
    private long connectStartedMillis;
    private long nextAttemptMillis;
    private long backoffMillis = MIN_BACKOFF_MILLIS;
    private long nextSequence;
    private long lostFlowRecords;
    private long reconnections;
    private boolean closed;

    private TcpTransport(
        final SocketChannel channel,
        final InetSocketAddress address,
        final String name,
        final int bufferBytes,
        final EpochClock clock,
        final Consumer<String> log)
    {
        this.channel = channel;
        this.connected = true;
        this.address = address;
        this.name = name;
        this.clock = clock;
        this.log = log;
        this.queue = new UnsafeBuffer(ByteBuffer.allocateDirect(bufferBytes));
    }

    /**
     * Resolves the collector and connects to it, waiting up to {@link #CONNECT_TIMEOUT_MILLIS}: a collector that is
     * not there at start is most often a wrong host or port, which is better said at once than retried for ever.
     *
     * @param log told of lost and restored connections, one line each.
     * @throws IllegalArgumentException when the host does not resolve.
     * @throws UncheckedIOException     when the first connection fails (refused, unreachable, timed out).
     */
    public static TcpTransport open(
        final String host, final int port, final IpfixOptions options, final EpochClock clock,
        final Consumer<String> log)
    {
        final InetSocketAddress address = new InetSocketAddress(UdpTransport.resolve(host), port);
        final String name = "collector " + UdpTransport.hostText(address.getAddress()) + ":" + port + " (TCP)";
        SocketChannel channel = null;
        try
        {
            channel = SocketChannel.open();
            channel.socket().connect(address, CONNECT_TIMEOUT_MILLIS);
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            return new TcpTransport(channel, address, name, options.tcpBufferBytes(), clock, log);
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot connect to IPFIX " + name + ": " + reason(ex), ex);
        }
    }

    @Override
    public int maxMessageLength()
    {
        return IpfixMessageWriter.MAX_MESSAGE_LENGTH;
    }

    @Override
    public void templates(final DirectBuffer buffer, final int offset, final int length)
    {
        templates = new TemplateMessages(buffer, offset, length);
        templateMessageCount = 0;
        for (int i = 0; i < length; i += IpfixMessageWriter.messageLength(templates.buffer(), i))
        {
            templateMessageCount++;
        }

        if (connected)
        {
            startTemplates();
            drain();
        }
    }

    @Override
    public boolean send(
        final DirectBuffer buffer, final int offset, final int length, final int dataRecords, final int flowRecords)
    {
        if (closed)
        {
            return false;
        }

        final long sequence = IpfixMessageWriter.sequenceNumber(buffer, offset);
        if (connected && head == tail && templatesSent == TEMPLATES_DONE)
        {
            // Nothing queued: write straight from the exporter's buffer and queue only what the socket left.
            final int written = writeDirect(buffer, offset, length);
            if (written == length)
            {
                countDelivered(length, flowRecords);
            }
            else
            {
                enqueue(buffer, offset, length, flowRecords);
                frontSent = connected ? written : 0;
            }
            nextSequence = sequence + dataRecords;
            return true;
        }

        if (!enqueue(buffer, offset, length, flowRecords))
        {
            return false;
        }

        nextSequence = sequence + dataRecords;
        poll();

        return true;
    }

    @Override
    public void poll()
    {
        if (closed)
        {
            return;
        }

        if (connected)
        {
            drain();
            return;
        }

        final long now = clock.time();
        if (null != channel)
        {
            finishConnecting(now);
        }
        else if (now >= nextAttemptMillis)
        {
            startConnecting(now);
        }
    }

    /** Whether a connection to the collector is up now. */
    public boolean isConnected()
    {
        return connected;
    }

    /** Bytes waiting in the queue. */
    public int queuedBytes()
    {
        return tail - head;
    }

    /** Connections made after the first one. */
    public long reconnections()
    {
        return reconnections;
    }




    @Override
    public long lostFlowRecords()
    {
        return lostFlowRecords;
    }

    @Override
    public String name()
    {
        return name;
    }

    /**
     * Writes the queue for up to {@link #CLOSE_DRAIN_MILLIS} while connected; what is left counts as lost.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }

        final long deadline = clock.time() + CLOSE_DRAIN_MILLIS;
        while (connected && (head < tail || templatesSent != TEMPLATES_DONE) && clock.time() < deadline)
        {
            drain();
            if (connected && head < tail)
            {
                try
                {
                    Thread.sleep(1);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }

        for (int frame = head; frame < tail; frame += frameLength(frame))
        {
            lostFlowRecords += queue.getInt(frame);
        }
        head = 0;
        tail = 0;
        closed = true;
        connected = false;
        closeQuietly(channel);
        channel = null;
    }

    private int writeDirect(final DirectBuffer buffer, final int offset, final int length)
    {
        try
        {
            return channel.write(ChannelBuffers.view(buffer, offset, length));
        }
        catch (final IOException ex)
        {
            connectionLost(reason(ex));
            return 0;
        }
    }

    private boolean enqueue(final DirectBuffer buffer, final int offset, final int length, final int flowRecords)
    {
        final int frameLength = FRAME_HEADER_LENGTH + length;
        if (queue.capacity() - tail < frameLength && head > 0)
        {
            // Move the waiting frames to the front; the copy is a memmove, so the regions may overlap.
            queue.putBytes(0, queue, head, tail - head);
            tail -= head;
            head = 0;
        }
        if (queue.capacity() - tail < frameLength)
        {
            return false;
        }

        queue.putInt(tail, flowRecords);
        queue.putBytes(tail + FRAME_HEADER_LENGTH, buffer, offset, length);
        tail += frameLength;

        return true;
    }

    private void drain()
    {
        if (collectorClosed())
        {
            return;
        }

        try
        {
            if (templatesSent != TEMPLATES_DONE)
            {
                final int remaining = templates.length() - templatesSent;
                templatesSent += channel.write(templates.view(templatesSent, remaining));
                if (templatesSent < templates.length())
                {
                    return;
                }
                templatesSent = TEMPLATES_DONE;
                countSent(templateMessageCount, templates.length());
            }

            while (head < tail)
            {
                final int messageStart = head + FRAME_HEADER_LENGTH;
                final int messageLength = IpfixMessageWriter.messageLength(queue, messageStart);
                frontSent += channel.write(
                    ChannelBuffers.view(queue, messageStart + frontSent, messageLength - frontSent));
                if (frontSent < messageLength)
                {
                    return;
                }

                countDelivered(messageLength, queue.getInt(head));
                head += FRAME_HEADER_LENGTH + messageLength;
                frontSent = 0;
            }
            head = 0;
            tail = 0;
        }
        catch (final IOException ex)
        {
            connectionLost(reason(ex));
        }
    }

    /** IPFIX collectors never send: end of stream means the collector closed its side. */
    private boolean collectorClosed()
    {
        try
        {
            readScratch.clear();
            if (channel.read(readScratch) >= 0)
            {
                return false;
            }
            connectionLost("the collector closed the connection");
        }
        catch (final IOException ex)
        {
            connectionLost(reason(ex));
        }

        return true;
    }

    private void connectionLost(final String reason)
    {
        closeQuietly(channel);
        channel = null;
        connected = false;
        templatesSent = TEMPLATES_DONE;
        if (frontSent > 0)
        {
            // The collector got part of this message and will discard it.
            lostFlowRecords += queue.getInt(head);
            head += frameLength(head);
            frontSent = 0;
        }

        backoffMillis = MIN_BACKOFF_MILLIS;
        nextAttemptMillis = clock.time() + backoffMillis;
        log.accept("IPFIX connection to " + name + " lost (" + reason + "); reconnecting, meanwhile up to " +
            queue.capacity() + " bytes of records are kept");
    }

    private void startConnecting(final long now)
    {
        try
        {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connectStartedMillis = now;
            if (channel.connect(address))
            {
                connected();
            }
        }
        catch (final IOException ex)
        {
            attemptFailed(now);
        }
    }

    private void finishConnecting(final long now)
    {
        try
        {
            if (channel.finishConnect())
            {
                connected();
            }
            else if (now - connectStartedMillis >= CONNECT_TIMEOUT_MILLIS)
            {
                attemptFailed(now);
            }
        }
        catch (final IOException ex)
        {
            attemptFailed(now);
        }
    }

    private void attemptFailed(final long now)
    {
        closeQuietly(channel);
        channel = null;
        nextAttemptMillis = now + backoffMillis;
        backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
    }

    private void connected()
    {
        connected = true;
        reconnections++;
        backoffMillis = MIN_BACKOFF_MILLIS;
        log.accept("IPFIX connection to " + name + " restored; " + (tail - head) + " queued bytes follow the " +
            "templates");
        if (null != templates)
        {
            startTemplates();
        }
        drain();
    }

    private void startTemplates()
    {
        // Templates come first on the connection, so they carry the sequence number of the first message after them.
        final long sequence = head < tail ?
            IpfixMessageWriter.sequenceNumber(queue, head + FRAME_HEADER_LENGTH) : nextSequence;
        templates.restamp(clock.time() / 1000, sequence);
        templatesSent = 0;
    }

    private void countDelivered(final int messageLength, final int flowRecords)
    {
        countSent(1, messageLength);
        countSentFlowRecords(flowRecords);
    }

    private int frameLength(final int frame)
    {
        return FRAME_HEADER_LENGTH + IpfixMessageWriter.messageLength(queue, frame + FRAME_HEADER_LENGTH);
    }

    private static String reason(final IOException ex)
    {
        return null != ex.getMessage() ? ex.getMessage() : ex.getClass().getSimpleName();
    }

    private static void closeQuietly(final SocketChannel channel)
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // The connection is being abandoned; there is nothing left to tell it.
            }
        }
    }
}
