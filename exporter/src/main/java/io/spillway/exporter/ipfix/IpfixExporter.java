package io.spillway.exporter.ipfix;

import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.FlowRecord;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Encodes flow records as IPFIX (RFC 7011) biflow records (RFC 5103), or as one uniflow record per direction that
 * has packets ({@link IpfixOptions#flows()}), and hands finished messages to a transport.
 * <p>
 * Records are encoded straight into one pre-allocated message buffer; a message goes to the transport when the next
 * record does not fit and on {@link #flush()}. Nothing is allocated per record. The template messages go to the
 * transport once, at construction; the transport resends them when its collector needs them. The exporting process
 * statistics record (template {@link IpfixTemplates#STATISTICS}) is added every
 * {@link IpfixOptions#statisticsIntervalSeconds()} and at {@link #close()}.
 * <p>
 * The header sequence number counts the data records (flow and statistics records) of every message the transport
 * took; records of refused messages are not counted in it but in {@link #droppedRecords()}. Both count IPFIX
 * records: in uniflow mode a flow can be two.
 */
public final class IpfixExporter implements FlowExporter
{
    private final IpfixTransport transport;
    private final IpfixOptions options;
    private final EpochClock clock;
    private final UnsafeBuffer buffer;
    private final IpfixMessageWriter writer;
    private final long statisticsIntervalMillis;
    private final long initTimeMillis;
    private final boolean uniflows;
    private long nextStatisticsMillis;
    private long sequenceNumber;
    private int messageDataRecords;
    private int messageFlowRecords;
    private long refusedFlowRecords;
    private boolean closed;

    /**
     * Sends the template messages through {@code transport} at once.
     *
     * @throws IllegalArgumentException when the transport's messages are too small for the largest record.
     */
    public IpfixExporter(final IpfixTransport transport, final IpfixOptions options, final EpochClock clock)
    {
        final IpfixTemplates templates = new IpfixTemplates(options.enterpriseNumber(), options.flows());
        final int maxMessageLength = transport.maxMessageLength();
        if (maxMessageLength < minMessageLength(templates))
        {
            throw new IllegalArgumentException("IPFIX messages of " + maxMessageLength + " bytes to " +
                transport.name() + " cannot hold the largest record: " + minMessageLength(templates) + " bytes needed");
        }

        this.transport = transport;
        this.options = options;
        this.clock = clock;
        this.buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(maxMessageLength));
        this.writer = new IpfixMessageWriter(buffer, 0, maxMessageLength);
        this.statisticsIntervalMillis = options.statisticsIntervalSeconds() * 1000L;
        this.initTimeMillis = clock.time();
        this.nextStatisticsMillis = initTimeMillis + statisticsIntervalMillis;
        this.uniflows = IpfixFlows.UNI == options.flows();
        sendTemplates(templates.all(), maxMessageLength);
    }

    /** The shortest message that holds any one record or template with its message and set headers. */
    public static int minMessageLength(final IpfixTemplates templates)
    {
        final int largest = Math.max(Math.max(templates.maxDataRecordLength(), templates.maxTemplateRecordLength()),
            IpfixRecordEncoder.STATISTICS_LENGTH);

        return IpfixMessageWriter.HEADER_LENGTH + IpfixMessageWriter.SET_HEADER_LENGTH + largest;
    }

    @Override
    public void onRecord(final FlowRecord record)
    {
        if (closed)
        {
            refusedFlowRecords += uniflows ? directionsWithPackets(record) : 1;
            return;
        }

        if (uniflows)
        {
            final int templateId = IpfixTemplates.uniflowTemplateId(record);
            final int length = UniflowRecordEncoder.encodedLength(record, templateId);
            // A direction without packets has nothing to say: an unanswered flow is one record.
            if (0 != record.fwdPackets())
            {
                UniflowRecordEncoder.encode(record, false, templateId, buffer, reserveRecord(templateId, length));
            }
            if (0 != record.revPackets())
            {
                UniflowRecordEncoder.encode(record, true, templateId, buffer, reserveRecord(templateId, length));
            }
        }
        else
        {
            final int templateId = IpfixTemplates.dataTemplateId(record);
            final int length = IpfixRecordEncoder.encodedLength(record, templateId);
            IpfixRecordEncoder.encode(record, templateId, buffer, reserveRecord(templateId, length));
        }
    }

    private static int directionsWithPackets(final FlowRecord record)
    {
        return (0 != record.fwdPackets() ? 1 : 0) + (0 != record.revPackets() ? 1 : 0);
    }

    /** Room for one flow record in the message, sending the message first when it is full; counts the record. */
    private int reserveRecord(final int templateId, final int length)
    {
        int index = writer.reserve(templateId, length);
        if (index < 0)
        {
            sendMessage();
            addStatisticsWhenDue();
            index = writer.reserve(templateId, length);
            if (index < 0)
            {
                // The statistics record took the room: a message always holds at least one record of any kind.
                sendMessage();
                index = writer.reserve(templateId, length);
            }
        }

        messageDataRecords++;
        messageFlowRecords++;
        return index;
    }

    /** Sends the message being filled, then the statistics record when due, and lets the transport progress. */
    @Override
    public void flush()
    {
        if (closed)
        {
            return;
        }

        // Flow records go first, so the statistics record after them can count them as sent.
        sendMessage();
        addStatisticsWhenDue();
        sendMessage();
        transport.poll();
    }

    /**
     * Flow records that will never reach the collector: in messages the transport refused (full TCP queue, UDP send
     * failure, failed file), lost by the transport after it took them, or offered after {@link #close()}.
     */
    @Override
    public long droppedRecords()
    {
        return refusedFlowRecords + transport.lostFlowRecords();
    }

    /** The sequence number the next message will carry. */
    public long sequenceNumber()
    {
        return sequenceNumber;
    }

    public IpfixTransport transport()
    {
        return transport;
    }

    /** Sends what is pending, then a last statistics record, then closes the transport. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }

        sendMessage();
        addStatistics();
        sendMessage();
        transport.close();
        closed = true;
    }

    private void sendTemplates(final List<IpfixTemplates.Template> templates, final int maxMessageLength)
    {
        int worstCase = 0;
        for (final IpfixTemplates.Template template : templates)
        {
            worstCase += IpfixMessageWriter.HEADER_LENGTH + IpfixMessageWriter.SET_HEADER_LENGTH +
                template.recordLength();
        }

        final UnsafeBuffer region = new UnsafeBuffer(ByteBuffer.allocateDirect(worstCase));
        int messageStart = 0;
        IpfixMessageWriter templateWriter =
            new IpfixMessageWriter(region, messageStart, Math.min(maxMessageLength, worstCase));
        for (final IpfixTemplates.Template template : templates)
        {
            int index = templateWriter.reserve(template.setId(), template.recordLength());
            if (index < 0)
            {
                messageStart += templateWriter.finish(0, 0, options.observationDomainId());
                templateWriter = new IpfixMessageWriter(
                    region, messageStart, Math.min(maxMessageLength, worstCase - messageStart));
                index = templateWriter.reserve(template.setId(), template.recordLength());
            }
            IpfixTemplates.writeTemplateRecord(template, region, index);
        }
        messageStart += templateWriter.finish(0, 0, options.observationDomainId());

        transport.templates(region, 0, messageStart);
    }

    private void sendMessage()
    {
        if (writer.isEmpty())
        {
            return;
        }

        final int length = writer.finish(clock.time() / 1000, sequenceNumber, options.observationDomainId());
        if (transport.send(buffer, 0, length, messageDataRecords, messageFlowRecords))
        {
            sequenceNumber += messageDataRecords;
        }
        else
        {
            refusedFlowRecords += messageFlowRecords;
        }

        writer.reset();
        messageDataRecords = 0;
        messageFlowRecords = 0;
    }

    private void addStatisticsWhenDue()
    {
        final long now = clock.time();
        if (now >= nextStatisticsMillis)
        {
            nextStatisticsMillis = now + statisticsIntervalMillis;
            addStatistics();
        }
    }

    private void addStatistics()
    {
        int index = writer.reserve(IpfixTemplates.STATISTICS, IpfixRecordEncoder.STATISTICS_LENGTH);
        if (index < 0)
        {
            sendMessage();
            index = writer.reserve(IpfixTemplates.STATISTICS, IpfixRecordEncoder.STATISTICS_LENGTH);
        }

        IpfixRecordEncoder.encodeStatistics(buffer, index, options.observationDomainId(), transport.sentMessages(),
            transport.sentFlowRecords(), transport.sentOctets(), droppedRecords(),
            options.ignoredPackets().getAsLong(), initTimeMillis);
        messageDataRecords++;
    }
}
