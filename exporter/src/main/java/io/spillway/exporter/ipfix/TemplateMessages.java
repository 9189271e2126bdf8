package io.spillway.exporter.ipfix;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * A transport's own copy of the messages that define every template, restamped each time they are sent again.
 */
final class TemplateMessages
{
    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer;
    private final int length;

    TemplateMessages(final DirectBuffer source, final int offset, final int length)
    {
        this.byteBuffer = ByteBuffer.allocateDirect(length);
        this.buffer = new UnsafeBuffer(byteBuffer);
        this.length = length;
        buffer.putBytes(0, source, offset, length);
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    int length()
    {
        return length;
    }

    /** Gives every message the export time and the sequence number of the data message they precede. */
    void restamp(final long exportTimeSeconds, final long sequenceNumber)
    {
        int offset = 0;
        while (offset < length)
        {
            IpfixMessageWriter.restamp(buffer, offset, exportTimeSeconds, sequenceNumber);
            offset += IpfixMessageWriter.messageLength(buffer, offset);
        }
    }

    /** Sets the position and limit of {@link ChannelBuffers#view} for the region [offset, offset + length). */
    ByteBuffer view(final int offset, final int length)
    {
        return ChannelBuffers.view(buffer, offset, length);
    }
}
