package io.spillway.exporter.ipfix;

import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.TestRecords;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Message framing, templates, sequence numbers, statistics records and drop accounting, read back with the test
 * decoder.
 */
class IpfixExporterTest
{
    private static final long PEN = IpfixOptions.DOCUMENTATION_ENTERPRISE_NUMBER;

    private final CachedEpochClock clock = new CachedEpochClock();

    IpfixExporterTest()
    {
        clock.update(SyntheticRecords.BASE_MS);
    }

    @Test
    void shouldDefineEveryTemplateOnceBeforeAnyData()
    {
        final CapturingTransport transport = new CapturingTransport(IpfixMessageWriter.MAX_MESSAGE_LENGTH);
        new IpfixExporter(transport, IpfixOptions.DEFAULTS, clock);

        final IpfixTestDecoder decoder = transport.decode();
        assertEquals(1, decoder.messages().size(), "all templates fit one 64 KB message");
        assertEquals(List.of(256, 257, 258, 259, 260, 261, 262, 263, 264),
            decoder.messages().get(0).templatesDefined());
        assertEquals(0, decoder.messages().get(0).sequence());
        assertEquals(1, decoder.messages().get(0).domain());

        final IpfixTestDecoder.Template ipv4 = decoder.templates().get(256);
        assertEquals(List.of("8", "12", "32", "7", "11", "4", "29305/6", "6", "58", "10", "136", "29305/152",
            "29305/153", "152", "153", "2", "1", "352", "29305/2", "29305/1", "29305/352"), keys(ipv4));
        assertEquals(IpfixRecordEncoder.IPV4_BASE_LENGTH, fixedLength(ipv4));
        assertEquals(IpfixRecordEncoder.IPV6_BASE_LENGTH, fixedLength(decoder.templates().get(257)));

        final IpfixTestDecoder.Template full = decoder.templates().get(263);
        final List<String> fullKeys = keys(full);
        assertEquals(List.of("27", "28"), fullKeys.subList(0, 2));
        assertEquals(List.of(PEN + "/6", PEN + "/7", "95", PEN + "/2", PEN + "/3", PEN + "/4", PEN + "/5", "96",
            PEN + "/1"), fullKeys.subList(21, fullKeys.size()));
        assertEquals(65535, full.fields().get(fullKeys.indexOf("96")).length(), "applicationName is variable");
        assertEquals(7, full.fields().get(fullKeys.indexOf("95")).length(), "applicationId: engine, PEN, selector");

        final IpfixTestDecoder.Template statistics = decoder.templates().get(264);
        assertEquals(1, statistics.scopeCount());
        assertEquals(List.of("149", "41", "42", "40", "166", "164", "160"), keys(statistics));
    }

    @Test
    void shouldNumberEachMessageWithTheDataRecordsSentBeforeIt()
    {
        final CapturingTransport transport = new CapturingTransport(1400);
        final IpfixExporter exporter = new IpfixExporter(transport, IpfixOptions.DEFAULTS, clock);
        final List<FlowRecord> records = new SyntheticRecords(11, true, true).next(3000);

        for (int i = 0; i < records.size(); i++)
        {
            exporter.onRecord(records.get(i));
            if (i % 700 == 699)
            {
                clock.advance(61_000);
                exporter.flush();
            }
        }
        exporter.close();

        final IpfixTestDecoder decoder = transport.decode();
        long expected = 0;
        int statisticsRecords = 0;
        for (final IpfixTestDecoder.Message message : decoder.messages())
        {
            assertEquals(expected, message.sequence(), "sequence of a message at " + expected + " records");
            assertTrue(message.length() <= 1400, "message of " + message.length() + " bytes");
            expected += message.records().size();
            for (final IpfixTestDecoder.DataRecord record : message.records())
            {
                statisticsRecords += 264 == record.templateId() ? 1 : 0;
            }
        }
        assertEquals(3000 + statisticsRecords, expected);
        assertEquals(5, statisticsRecords, "four due ones and the one at close");
        assertEquals(expected, exporter.sequenceNumber());
        assertTrue(decoder.messages().size() > 3000 / 13, "messages " + decoder.messages().size());
    }

    @Test
    void shouldReportExportingProcessStatistics()
    {
        final AtomicLong ignored = new AtomicLong(17);
        final CapturingTransport transport = new CapturingTransport(1400);
        final IpfixExporter exporter = new IpfixExporter(
            transport, IpfixOptions.DEFAULTS.withIgnoredPackets(ignored::get).withStatisticsIntervalSeconds(30), clock);
        final long start = clock.time();

        for (int i = 0; i < 100; i++)
        {
            exporter.onRecord(TestRecords.ipv4Tcp());
        }
        clock.advance(29_999);
        exporter.flush();
        assertEquals(0, statistics(transport).size(), "not due before 30 s");

        transport.refuse = true;
        for (int i = 0; i < 25; i++)
        {
            exporter.onRecord(TestRecords.ipv6UdpOneWay());
        }
        exporter.flush();
        transport.refuse = false;
        ignored.set(123_456_789_000L);
        clock.advance(1);
        exporter.flush();

        final List<IpfixTestDecoder.DataRecord> due = statistics(transport);
        assertEquals(1, due.size());
        final IpfixTestDecoder.DataRecord record = due.get(0);
        assertEquals(1, record.unsigned("149"));
        assertEquals(transport.messageLengths.size() - 1, record.unsigned("41"), "messages before this one");
        assertEquals(100, record.unsigned("42"));
        assertEquals(transport.messageLengths.subList(0, transport.messageLengths.size() - 1).stream()
            .mapToLong(Integer::longValue).sum(), record.unsigned("40"));
        assertEquals(25, record.unsigned("166"));
        assertEquals(123_456_789_000L, record.unsigned("164"));
        assertEquals(start, record.unsigned("160"));
        assertEquals(25, exporter.droppedRecords());

        exporter.close();
        final List<IpfixTestDecoder.DataRecord> all = statistics(transport);
        assertEquals(2, all.size(), "a last one at close");
        assertTrue(transport.closed);
    }

    @Test
    void shouldLeaveRefusedRecordsOutOfTheSequenceAndCountThemAsDropped()
    {
        final CapturingTransport transport = new CapturingTransport(1400);
        final IpfixExporter exporter = new IpfixExporter(transport, IpfixOptions.DEFAULTS, clock);

        exporter.onRecord(TestRecords.ipv4Tcp());
        exporter.flush();
        transport.refuse = true;
        exporter.onRecord(TestRecords.ipv4Tcp());
        exporter.onRecord(TestRecords.ipv4Tcp());
        exporter.flush();
        transport.refuse = false;
        exporter.onRecord(TestRecords.ipv4Tcp());
        exporter.flush();

        final List<IpfixTestDecoder.Message> messages = transport.decode().messages();
        assertEquals(3, messages.size(), "templates and the two messages taken");
        assertEquals(1, messages.get(2).sequence(), "refused records were never sent");
        assertEquals(2, exporter.droppedRecords());
    }

    @Test
    void shouldDropAndCountRecordsOfferedAfterClose()
    {
        final CapturingTransport transport = new CapturingTransport(1400);
        final IpfixExporter exporter = new IpfixExporter(transport, IpfixOptions.DEFAULTS, clock);
        exporter.close();
        final int bytes = transport.toByteArray().length;

        exporter.onRecord(TestRecords.ipv4Tcp());
        exporter.flush();
        exporter.close();

        assertEquals(1, exporter.droppedRecords());
        assertEquals(bytes, transport.toByteArray().length, "nothing sent after close");
    }

    @Test
    void shouldWriteLongServerNamesWithAThreeByteLengthAndShortOnesWithOne()
    {
        final CapturingTransport transport = new CapturingTransport(IpfixMessageWriter.MAX_MESSAGE_LENGTH);
        final IpfixExporter exporter = new IpfixExporter(transport, IpfixOptions.DEFAULTS, clock);
        final FlowRecord longName = withNames(TestRecords.ipv4Tcp(), "TLS.YouTube", "y".repeat(255));
        final FlowRecord shortName = withNames(TestRecords.ipv4Tcp(), "DNS", "x".repeat(254));
        final int templatesLength = transport.toByteArray().length;

        exporter.onRecord(longName);
        exporter.onRecord(shortName);
        exporter.flush();

        final byte[] bytes = transport.toByteArray();
        final int firstRecord = templatesLength + 16 + 4;
        final int nameLength = firstRecord + IpfixRecordEncoder.IPV4_BASE_LENGTH +
            IpfixRecordEncoder.APPLICATION_FIXED_LENGTH + 1 + "TLS.YouTube".length();
        assertEquals(255, bytes[nameLength] & 0xFF, "marker of the three-byte length");
        assertEquals(0, bytes[nameLength + 1]);
        assertEquals(255, bytes[nameLength + 2] & 0xFF);
        final int secondRecord = nameLength + 3 + 255;
        final int secondNameLength = secondRecord + IpfixRecordEncoder.IPV4_BASE_LENGTH +
            IpfixRecordEncoder.APPLICATION_FIXED_LENGTH + 1 + "DNS".length();
        assertEquals(254, bytes[secondNameLength] & 0xFF);
        assertEquals(secondNameLength + 1 + 254, bytes.length, "the records end the message");

        final List<IpfixTestDecoder.DataRecord> records = transport.decode().records();
        RecordChecks.assertSameFlow(longName, records.get(0), PEN);
        RecordChecks.assertSameFlow(shortName, records.get(1), PEN);
    }

    @Test
    void shouldCarryIcmpTypeAndCodeInTheIcmpElementNotInThePorts()
    {
        final CapturingTransport transport = new CapturingTransport(1400);
        final IpfixExporter exporter = new IpfixExporter(transport, IpfixOptions.DEFAULTS, clock);
        exporter.onRecord(TestRecords.ipv4Tcp().protocol(1).srcPort(0).dstPort(3 << 8 | 1));
        exporter.onRecord(TestRecords.ipv6UdpOneWay().protocol(58).srcPort(0).dstPort(128 << 8));
        exporter.onRecord(TestRecords.ipv4Tcp().flags(FlowRecord.FLAG_L3_ONLY));
        exporter.flush();

        final List<IpfixTestDecoder.DataRecord> records = transport.decode().records();
        assertEquals(0x0301, records.get(0).unsigned("32"));
        assertEquals(0, records.get(0).unsigned("11"));
        assertEquals(0x8000, records.get(1).unsigned("139"));
        assertEquals(0, records.get(1).unsigned("7"));
        assertEquals(0, records.get(2).unsigned("7"), "no ports when the probe saw no transport header");
        assertEquals(0, records.get(2).unsigned("11"));
        assertEquals(0, records.get(2).unsigned("32"));
    }

    @Test
    void shouldRefuseATransportWhoseMessagesCannotHoldTheLargestRecord()
    {
        final int min = IpfixExporter.minMessageLength(new IpfixTemplates(PEN));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new IpfixExporter(new CapturingTransport(min - 1), IpfixOptions.DEFAULTS, clock));

        assertEquals("IPFIX messages of " + (min - 1) + " bytes to memory cannot hold the largest record: " + min +
            " bytes needed", ex.getMessage());
        new IpfixExporter(new CapturingTransport(min), IpfixOptions.DEFAULTS, clock);
    }

    @Test
    void shouldFitTheLargestRecordAndAStatisticsRecordInMessagesOfTheMinimumSize()
    {
        final int min = IpfixExporter.minMessageLength(new IpfixTemplates(PEN));
        final CapturingTransport transport = new CapturingTransport(min);
        final IpfixExporter exporter = new IpfixExporter(transport, IpfixOptions.DEFAULTS, clock);
        final FlowRecord largest = withNames(TestRecords.ipv6UdpOneWay().hwPackets(1).hwOctets(80).detection(1),
            "a".repeat(FlowRecord.MAX_APP_NAME_LENGTH), "b".repeat(FlowRecord.MAX_SERVER_NAME_LENGTH));
        assertEquals(min - 20, IpfixRecordEncoder.encodedLength(largest, IpfixTemplates.dataTemplateId(largest)));

        for (int i = 0; i < 10; i++)
        {
            exporter.onRecord(largest);
            clock.advance(60_000);
        }
        exporter.close();

        final List<IpfixTestDecoder.DataRecord> records = transport.decode().records();
        assertEquals(10, records.stream().filter((r) -> 263 == r.templateId()).count());
        assertTrue(records.stream().filter((r) -> 264 == r.templateId()).count() >= 9);
        assertTrue(transport.messageLengths.stream().allMatch((length) -> length <= min));
    }

    private static List<IpfixTestDecoder.DataRecord> statistics(final CapturingTransport transport)
    {
        final List<IpfixTestDecoder.DataRecord> found = new ArrayList<>();
        for (final IpfixTestDecoder.DataRecord record : transport.decode().records())
        {
            if (264 == record.templateId())
            {
                found.add(record);
            }
        }
        return found;
    }

    static FlowRecord withNames(final FlowRecord record, final String appName, final String serverName)
    {
        final byte[] app = appName.getBytes(StandardCharsets.US_ASCII);
        final byte[] server = serverName.getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[FlowRecord.MAX_LENGTH + 64]);
        buffer.putBytes(64, record.buffer(), record.offset(), FlowRecord.FIXED_LENGTH);
        return new FlowRecord().wrap(buffer, 64).detection(FlowRecord.DETECTION_DETECTED).masterProtocol(91)
            .appProtocol(124).category(17)
            .names(new UnsafeBuffer(app), 0, app.length, new UnsafeBuffer(server), 0, server.length);
    }

    private static List<String> keys(final IpfixTestDecoder.Template template)
    {
        return template.fields().stream().map(IpfixTestDecoder.FieldSpec::key).toList();
    }

    private static int fixedLength(final IpfixTestDecoder.Template template)
    {
        return template.fields().stream().mapToInt(IpfixTestDecoder.FieldSpec::length).sum();
    }
}
