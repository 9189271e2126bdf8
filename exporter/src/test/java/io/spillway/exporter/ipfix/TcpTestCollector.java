package io.spillway.exporter.ipfix;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An IPFIX collector over TCP for tests: reads whole messages by their length field, decodes each connection with
 * its own template cache (so data sent before templates on a connection fails), counts flow records. Stopping it is
 * graceful: it closes its sending side, reads until the exporter closes, then closes.
 */
public final class TcpTestCollector implements AutoCloseable
{
    /** One connection. */
    static final class Session
    {
        final IpfixTestDecoder decoder = new IpfixTestDecoder();
        final Socket socket;
        volatile long flowRecords;
        volatile int truncatedBytes;
        volatile Throwable failure;
        volatile boolean ended;

        Session(final Socket socket)
        {
            this.socket = socket;
        }
    }

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<Thread> readers = new CopyOnWriteArrayList<>();
    volatile boolean paused;

    /** Listens on 127.0.0.1:{@code port}; 0 picks a free port. */
    public TcpTestCollector(final int port) throws IOException
    {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress("127.0.0.1", port));
        acceptor = new Thread(this::accept, "tcp-collector-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port()
    {
        return server.getLocalPort();
    }

    List<Session> sessions()
    {
        return sessions;
    }

    public long flowRecords()
    {
        return sessions.stream().mapToLong((s) -> s.flowRecords).sum();
    }

    /** Closes the listening socket, half-closes every connection and waits for the exporter to close it. */
    public void stop() throws Exception
    {
        server.close();
        acceptor.join(5000);
        paused = false;
        for (final Session session : sessions)
        {
            if (!session.socket.isClosed())
            {
                session.socket.shutdownOutput();
            }
        }
        for (final Thread reader : readers)
        {
            reader.join(10_000);
        }
        for (final Session session : sessions)
        {
            session.socket.close();
            if (null != session.failure)
            {
                throw new AssertionError("collector session failed", session.failure);
            }
        }
    }

    @Override
    public void close() throws Exception
    {
        if (!server.isClosed())
        {
            stop();
        }
    }

    private void accept()
    {
        try
        {
            while (true)
            {
                final Session session = new Session(server.accept());
                sessions.add(session);
                final Thread reader = new Thread(() -> read(session), "tcp-collector-read");
                reader.setDaemon(true);
                readers.add(reader);
                reader.start();
            }
        }
        catch (final IOException ignore)
        {
            // The listening socket was closed.
        }
    }

    private void read(final Session session)
    {
        try (InputStream in = session.socket.getInputStream())
        {
            while (true)
            {
                while (paused)
                {
                    Thread.sleep(5);
                }

                final byte[] header = in.readNBytes(4);
                if (header.length < 4)
                {
                    session.truncatedBytes += header.length;
                    break;
                }
                final int length = (header[2] & 0xFF) << 8 | (header[3] & 0xFF);
                final byte[] message = new byte[length];
                System.arraycopy(header, 0, message, 0, 4);
                final int rest = in.readNBytes(message, 4, length - 4);
                if (rest < length - 4)
                {
                    session.truncatedBytes += 4 + rest;
                    break;
                }

                final int before = session.decoder.messages().size();
                session.decoder.decodeStream(message, 0, length);
                long flows = 0;
                for (final IpfixTestDecoder.DataRecord record : session.decoder.messages().get(before).records())
                {
                    flows += record.templateId() < IpfixTemplates.STATISTICS ? 1 : 0;
                }
                session.flowRecords += flows;
            }
        }
        catch (final EOFException | SocketException ignore)
        {
            // The exporter reset the connection.
        }
        catch (final Throwable ex)
        {
            session.failure = ex;
        }
        finally
        {
            session.ended = true;
        }
    }
}
