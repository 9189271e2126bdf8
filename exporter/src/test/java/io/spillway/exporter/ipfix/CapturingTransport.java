package io.spillway.exporter.ipfix;

import org.agrona.DirectBuffer;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every message in memory, templates first, as a collector on a perfect network would receive them; can be
 * told to refuse messages.
 */
final class CapturingTransport extends CountingTransport
{
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<Integer> messageLengths = new ArrayList<>();
    final int maxMessageLength;
    boolean refuse;
    boolean closed;
    int polls;

    CapturingTransport(final int maxMessageLength)
    {
        this.maxMessageLength = maxMessageLength;
    }

    @Override
    public int maxMessageLength()
    {
        return maxMessageLength;
    }

    @Override
    public void templates(final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = offset; i < offset + length; i += IpfixMessageWriter.messageLength(buffer, i))
        {
            take(buffer, i, IpfixMessageWriter.messageLength(buffer, i));
        }
    }

    @Override
    public boolean send(
        final DirectBuffer buffer, final int offset, final int length, final int dataRecords, final int flowRecords)
    {
        if (refuse)
        {
            return false;
        }
        take(buffer, offset, length);
        countSentFlowRecords(flowRecords);
        return true;
    }

    @Override
    public void poll()
    {
        polls++;
    }




    @Override
    public long lostFlowRecords()
    {
        return 0;
    }

    @Override
    public String name()
    {
        return "memory";
    }

    @Override
    public void close()
    {
        closed = true;
    }

    byte[] toByteArray()
    {
        return bytes.toByteArray();
    }

    IpfixTestDecoder decode()
    {
        final IpfixTestDecoder decoder = new IpfixTestDecoder();
        final byte[] all = toByteArray();
        decoder.decodeStream(all, 0, all.length);
        return decoder;
    }

    private void take(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] message = new byte[length];
        buffer.getBytes(offset, message);
        bytes.writeBytes(message);
        messageLengths.add(length);
        countSent(1, length);
    }
}
