package io.spillway.exporter.ipfix;

/** What every transport counts of what it sent; each says when a message counts as sent. */
abstract class CountingTransport implements IpfixTransport
{
    private long sentMessages;
    private long sentOctets;
    private long sentFlowRecords;

    @Override
    public final long sentMessages()
    {
        return sentMessages;
    }

    @Override
    public final long sentOctets()
    {
        return sentOctets;
    }

    @Override
    public final long sentFlowRecords()
    {
        return sentFlowRecords;
    }

    /** {@code messages} messages of {@code octets} bytes in all went to the network or the file. */
    protected final void countSent(final long messages, final long octets)
    {
        sentMessages += messages;
        sentOctets += octets;
    }

    protected final void countSentFlowRecords(final long flowRecords)
    {
        sentFlowRecords += flowRecords;
    }
}
