package io.spillway.exporter.ipfix;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.util.function.Consumer;

/**
 * IPFIX over UDP (RFC 7011 section 10.3): one message per datagram, each at most the path MTU less the IP and UDP
 * headers, templates at start and every template refresh interval. A datagram the kernel will not take (send buffer
 * full, or an ICMP error from an earlier one) is dropped and its records counted: UDP never waits.
 */
public final class UdpTransport extends CountingTransport
{
    private static final int IPV4_UDP_OVERHEAD = 20 + 8;
    private static final int IPV6_UDP_OVERHEAD = 40 + 8;
    private static final long NOT_SENT = Long.MIN_VALUE;
    /** A collector that is down fails every other datagram: say so once a minute, not for each one. */
    private static final long FAILURE_LOG_INTERVAL_MILLIS = 60_000;

    private final DatagramChannel channel;
    private final String name;
    private final int maxMessageLength;
    private final long templateRefreshMillis;
    private final EpochClock clock;
    private final Consumer<String> log;
    private TemplateMessages templates;
    private long templatesSentAtMillis = NOT_SENT;
    private long nextSequence;
    private long failedMessages;
    private long failureLoggedAtMillis = NOT_SENT;

    private UdpTransport(
        final DatagramChannel channel,
        final String name,
        final int maxMessageLength,
        final int templateRefreshSeconds,
        final EpochClock clock,
        final Consumer<String> log)
    {
        this.channel = channel;
        this.name = name;
        this.maxMessageLength = maxMessageLength;
        this.templateRefreshMillis = templateRefreshSeconds * 1000L;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Resolves the collector and opens a connected, non-blocking UDP socket to it.
     *
     * @param minMessageLength the shortest message that holds the largest record, see
     *                         {@link IpfixExporter#minMessageLength}.
     * @param log              told when sending fails, at most once a minute.
     * @throws IllegalArgumentException when the host does not resolve or the MTU is too small for the records.
     * @throws UncheckedIOException     when no socket can be opened to the address (no route, for instance).
     */
    public static UdpTransport open(
        final String host,
        final int port,
        final IpfixOptions options,
        final int minMessageLength,
        final EpochClock clock,
        final Consumer<String> log)
    {
        final InetAddress address = resolve(host);
        final int overhead = address instanceof Inet6Address ? IPV6_UDP_OVERHEAD : IPV4_UDP_OVERHEAD;
        final int maxMessageLength = Math.min(options.mtu() - overhead, IpfixMessageWriter.MAX_MESSAGE_LENGTH);
        if (maxMessageLength < minMessageLength)
        {
            throw new IllegalArgumentException("IPFIX mtu " + options.mtu() + " is too small: the largest record " +
                "needs " + (minMessageLength + overhead) + " bytes with its message, IP and UDP headers");
        }

        final String name = "collector " + hostText(address) + ":" + port + " (UDP)";
        DatagramChannel channel = null;
        try
        {
            channel = DatagramChannel.open();
            channel.configureBlocking(false);
            channel.connect(new InetSocketAddress(address, port));
            return new UdpTransport(channel, name, maxMessageLength, options.templateRefreshSeconds(), clock, log);
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot open a UDP socket to IPFIX " + name + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    @Override
    public void templates(final DirectBuffer buffer, final int offset, final int length)
    {
        templates = new TemplateMessages(buffer, offset, length);
        sendTemplates(clock.time(), nextSequence);
    }

    @Override
    public boolean send(
        final DirectBuffer buffer, final int offset, final int length, final int dataRecords, final int flowRecords)
    {
        final long now = clock.time();
        final long sequence = IpfixMessageWriter.sequenceNumber(buffer, offset);
        if (templatesDue(now))
        {
            sendTemplates(now, sequence);
        }

        if (!sendDatagram(buffer, offset, length))
        {
            return false;
        }

        countSentFlowRecords(flowRecords);
        nextSequence = sequence + dataRecords;

        return true;
    }

    @Override
    public void poll()
    {
        final long now = clock.time();
        if (templatesDue(now))
        {
            sendTemplates(now, nextSequence);
        }
    }




    /** Always 0: a datagram is either sent at once or refused by {@link #send}. */
    @Override
    public long lostFlowRecords()
    {
        return 0;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public void close()
    {
        closeQuietly(channel);
    }

    private boolean templatesDue(final long now)
    {
        return null != templates && (NOT_SENT == templatesSentAtMillis || now - templatesSentAtMillis >=
            templateRefreshMillis);
    }

    private void sendTemplates(final long now, final long sequence)
    {
        templates.restamp(now / 1000, sequence);
        int offset = 0;
        while (offset < templates.length())
        {
            final int length = IpfixMessageWriter.messageLength(templates.buffer(), offset);
            if (!sendDatagram(templates.buffer(), offset, length))
            {
                return;
            }
            offset += length;
        }

        templatesSentAtMillis = now;
    }

    private boolean sendDatagram(final DirectBuffer buffer, final int offset, final int length)
    {
        String failure;
        try
        {
            if (channel.write(ChannelBuffers.view(buffer, offset, length)) == length)
            {
                countSent(1, length);
                return true;
            }
            failure = "the socket send buffer is full";
        }
        catch (final IOException ex)
        {
            // A connected UDP socket reports an earlier datagram's ICMP error, e.g. port unreachable, here.
            failure = null != ex.getMessage() ? ex.getMessage() : ex.getClass().getSimpleName();
        }

        failedMessages++;
        final long now = clock.time();
        if (NOT_SENT == failureLoggedAtMillis || now - failureLoggedAtMillis >= FAILURE_LOG_INTERVAL_MILLIS)
        {
            failureLoggedAtMillis = now;
            log.accept("IPFIX export to " + name + " is failing, its records are dropped (" + failedMessages +
                " messages so far): " + failure);
        }

        return false;
    }

    static InetAddress resolve(final String host)
    {
        try
        {
            return InetAddress.getByName(host);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("cannot resolve IPFIX collector host '" + host + "'", ex);
        }
    }

    static String hostText(final InetAddress address)
    {
        final String text = address.getHostAddress();

        return address instanceof Inet6Address ? "[" + text + "]" : text;
    }

    private static void closeQuietly(final DatagramChannel channel)
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // Nothing is left to send; the socket is gone either way.
            }
        }
    }
}
