package io.spillway.exporter.ipfix;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A UDP collector for tests on loopback: keeps every datagram's bytes, read on its own thread.
 */
public final class UdpReceiver implements AutoCloseable
{
    private final DatagramChannel channel;
    private final Thread thread;
    private final List<byte[]> datagrams = new ArrayList<>();

    public UdpReceiver() throws IOException
    {
        channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 8 * 1024 * 1024);
        channel.bind(new InetSocketAddress("127.0.0.1", 0));
        thread = new Thread(this::receive, "udp-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() throws IOException
    {
        return ((InetSocketAddress)channel.getLocalAddress()).getPort();
    }

    /** The datagrams received so far, after waiting until none arrived for 200 ms. */
    public List<byte[]> datagrams() throws InterruptedException
    {
        int count = -1;
        while (count != size())
        {
            count = size();
            Thread.sleep(200);
        }
        synchronized (datagrams)
        {
            return new ArrayList<>(datagrams);
        }
    }

    IpfixTestDecoder decode() throws InterruptedException
    {
        final IpfixTestDecoder decoder = new IpfixTestDecoder();
        for (final byte[] datagram : datagrams())
        {
            decoder.decodeStream(datagram, 0, datagram.length);
        }
        return decoder;
    }

    @Override
    public void close() throws Exception
    {
        channel.close();
        thread.join(5000);
    }

    private int size()
    {
        synchronized (datagrams)
        {
            return datagrams.size();
        }
    }

    private void receive()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(65536);
        try
        {
            while (true)
            {
                buffer.clear();
                channel.receive(buffer);
                buffer.flip();
                final byte[] datagram = new byte[buffer.remaining()];
                buffer.get(datagram);
                synchronized (datagrams)
                {
                    datagrams.add(datagram);
                }
            }
        }
        catch (final ClosedChannelException ignore)
        {
            // The test is over.
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
