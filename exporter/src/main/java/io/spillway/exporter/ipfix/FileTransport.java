package io.spillway.exporter.ipfix;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * An IPFIX file (RFC 5655): the template messages, then every message as it is finished, each up to 64 KB. The
 * first write error (disk full, device gone) ends the output for good: it is logged once and every later message is
 * refused, so its records are counted as dropped.
 */
public final class FileTransport extends CountingTransport
{
    private final FileChannel channel;
    private final Path path;
    private final EpochClock clock;
    private final Consumer<String> log;
    private long nextSequence;
    private boolean failed;

    private FileTransport(final FileChannel channel, final Path path, final EpochClock clock,
        final Consumer<String> log)
    {
        this.channel = channel;
        this.path = path;
        this.clock = clock;
        this.log = log;
    }

    /**
     * Creates {@code path}, or truncates it when it exists.
     *
     * @param log told of the write error that ends the output.
     * @throws UncheckedIOException when the file cannot be opened for writing.
     */
    public static FileTransport open(final Path path, final EpochClock clock, final Consumer<String> log)
    {
        try
        {
            final FileChannel channel = FileChannel.open(path,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            return new FileTransport(channel, path, clock, log);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open IPFIX file '" + path + "' for writing: " +
                (null != ex.getMessage() ? ex.getMessage() : ex.toString()), ex);
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
        final TemplateMessages templates = new TemplateMessages(buffer, offset, length);
        templates.restamp(clock.time() / 1000, nextSequence);
        int messageOffset = 0;
        while (messageOffset < length)
        {
            final int messageLength = IpfixMessageWriter.messageLength(templates.buffer(), messageOffset);
            write(templates.buffer(), messageOffset, messageLength);
            messageOffset += messageLength;
        }
    }

    @Override
    public boolean send(
        final DirectBuffer buffer, final int offset, final int length, final int dataRecords, final int flowRecords)
    {
        if (!write(buffer, offset, length))
        {
            return false;
        }

        countSentFlowRecords(flowRecords);
        nextSequence = IpfixMessageWriter.sequenceNumber(buffer, offset) + dataRecords;

        return true;
    }

    /** Nothing to do: every message is written when it is sent. */
    @Override
    public void poll()
    {
    }




    /** Always 0: a message is written or refused at once. */
    @Override
    public long lostFlowRecords()
    {
        return 0;
    }

    @Override
    public String name()
    {
        return "file " + path;
    }

    @Override
    public void close()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            fail(ex);
        }
    }

    private boolean write(final DirectBuffer buffer, final int offset, final int length)
    {
        if (failed)
        {
            return false;
        }

        try
        {
            final ByteBuffer view = ChannelBuffers.view(buffer, offset, length);
            while (view.hasRemaining())
            {
                channel.write(view);
            }
            countSent(1, length);
            return true;
        }
        catch (final IOException ex)
        {
            fail(ex);
            return false;
        }
    }

    private void fail(final IOException ex)
    {
        if (!failed)
        {
            failed = true;
            log.accept("IPFIX export to " + name() + " failed, further records are dropped: " +
                (null != ex.getMessage() ? ex.getMessage() : ex.toString()));
        }
    }
}
