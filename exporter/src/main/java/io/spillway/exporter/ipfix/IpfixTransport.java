package io.spillway.exporter.ipfix;

import org.agrona.DirectBuffer;

/**
 * Carries finished IPFIX messages to a collector or a file. Called from the export thread only; no method blocks
 * for long (close may wait a bounded time for queued bytes).
 * <p>
 * A transport sends the template messages it was given before any other message and again whenever its collector
 * may have lost them (UDP: periodically; TCP: on every new connection). It restamps their export time and sequence
 * number so that they agree with the message they precede.
 */
public interface IpfixTransport extends AutoCloseable
{
    /** The largest message this transport carries. */
    int maxMessageLength();

    /**
     * Gives the messages that define every template, as one region of whole messages; copied, called once before
     * any {@link #send}.
     */
    void templates(DirectBuffer buffer, int offset, int length);

    /**
     * Offers one finished message.
     *
     * @param dataRecords data records in it (flow and options records): the sequence number advances by this much.
     * @param flowRecords the flow records among them.
     * @return true when the message was sent or queued; false when it was dropped, so its records are lost.
     */
    boolean send(DirectBuffer buffer, int offset, int length, int dataRecords, int flowRecords);

    /** Makes progress without blocking: connects, writes queued bytes, refreshes templates when due. */
    void poll();

    /** Messages handed to the network or the file, template messages included. */
    long sentMessages();

    /** Bytes of {@link #sentMessages()}. */
    long sentOctets();

    /** Flow records in {@link #sentMessages()}. */
    long sentFlowRecords();

    /** Flow records that {@link #send} took but that were lost later: a connection broke mid-message, or close. */
    long lostFlowRecords();

    /** Where messages go, for messages to people, e.g. "collector 192.0.2.1:4739 (TCP)". */
    String name();

    /** Sends what can be sent within a short bound, then releases the socket or file. */
    @Override
    void close();
}
