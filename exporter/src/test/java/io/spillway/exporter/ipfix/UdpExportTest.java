package io.spillway.exporter.ipfix;

import io.spillway.exporter.ExportTarget;
import io.spillway.exporter.Exporters;
import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.TestRecords;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPFIX over real UDP sockets on loopback: datagram sizes, template refresh, every record arriving intact.
 */
class UdpExportTest
{
    private static final int IPV4_UDP_HEADERS = 28;

    private final CachedEpochClock clock = new CachedEpochClock();
    private final List<String> log = new ArrayList<>();

    UdpExportTest()
    {
        clock.update(SyntheticRecords.BASE_MS);
    }

    @ParameterizedTest
    @ValueSource(ints = { 560, 1400, 9000 })
    void shouldKeepEveryDatagramWithinTheMtuAndDeliverEveryRecord(final int mtu) throws Exception
    {
        try (UdpReceiver receiver = new UdpReceiver())
        {
            final IpfixExporter exporter = open(receiver.port(), IpfixOptions.DEFAULTS.withMtu(mtu));
            final List<FlowRecord> records = new SyntheticRecords(mtu, true, true).next(2000);
            exportPaced(exporter, records);
            exporter.close();

            final List<byte[]> datagrams = receiver.datagrams();
            for (final byte[] datagram : datagrams)
            {
                assertTrue(datagram.length + IPV4_UDP_HEADERS <= mtu, datagram.length + " bytes with MTU " + mtu);
            }
            final int largest = datagrams.stream().mapToInt((d) -> d.length).max().orElseThrow();
            assertTrue(largest + IPV4_UDP_HEADERS > mtu - 500, "messages are filled: largest " + largest);

            final IpfixTestDecoder decoder = receiver.decode();
            assertEquals(List.of(256, 257, 258, 259, 260, 261, 262, 263, 264),
                decoder.messages().stream().flatMap((m) -> m.templatesDefined().stream()).toList(),
                "templates once, first");
            final List<IpfixTestDecoder.DataRecord> flows =
                decoder.records().stream().filter((r) -> r.templateId() < 264).toList();
            assertEquals(records.size(), flows.size());
            for (int i = 0; i < records.size(); i++)
            {
                RecordChecks.assertSameFlow(records.get(i), flows.get(i), IpfixOptions.DOCUMENTATION_ENTERPRISE_NUMBER);
            }
            assertEquals(0, exporter.droppedRecords());
            assertEquals(datagrams.size(), exporter.transport().sentMessages());
        }
    }

    @Test
    void shouldResendTemplatesWhenTheRefreshIntervalHasPassed() throws Exception
    {
        try (UdpReceiver receiver = new UdpReceiver())
        {
            final IpfixExporter exporter = open(receiver.port(),
                IpfixOptions.DEFAULTS.withTemplateRefreshSeconds(30).withStatisticsIntervalSeconds(3600));
            exporter.onRecord(TestRecords.ipv4Tcp());
            exporter.flush();
            clock.advance(29_999);
            exporter.onRecord(TestRecords.ipv4Tcp());
            exporter.flush();
            clock.advance(1);
            exporter.onRecord(TestRecords.ipv4Tcp());
            exporter.flush();
            clock.advance(30_000);
            exporter.flush();

            final List<IpfixTestDecoder.Message> messages = receiver.decode().messages();
            final List<String> kinds = messages.stream()
                .map((m) -> m.templatesDefined().isEmpty() ? "data" : "templates").toList();
            assertEquals(List.of("templates", "data", "data", "templates", "data", "templates"), kinds);
            assertEquals(2, messages.get(3).sequence(), "templates carry the sequence of the message they precede");
            assertEquals(3, messages.get(5).sequence());
            exporter.close();
        }
    }

    @Test
    void shouldRejectAnMtuTooSmallForTheLargestRecord()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> open(4739, IpfixOptions.DEFAULTS.withMtu(530)));

        final int needed = IpfixExporter.minMessageLength(new IpfixTemplates(32473)) + IPV4_UDP_HEADERS;
        assertEquals("export target 'ipfix:udp://127.0.0.1:4739': IPFIX mtu 530 is too small: the largest record " +
            "needs " + needed + " bytes with its message, IP and UDP headers", ex.getMessage());
        assertTrue(needed > 530 && needed < 560, "needed " + needed);
    }

    @Test
    void shouldSayPlainlyThatAHostDoesNotResolve()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Exporters.open("ipfix:udp://no-such-collector.invalid:4739"));

        assertEquals("export target 'ipfix:udp://no-such-collector.invalid:4739': cannot resolve IPFIX collector " +
            "host 'no-such-collector.invalid'", ex.getMessage());
    }

    @Test
    void shouldCountDatagramsRefusedBecauseNothingListensAsDropped() throws Exception
    {
        final int port;
        try (UdpReceiver closedSoon = new UdpReceiver())
        {
            port = closedSoon.port();
        }
        final IpfixExporter exporter = open(port, IpfixOptions.DEFAULTS);
        for (int i = 0; i < 50; i++)
        {
            exporter.onRecord(TestRecords.ipv4Tcp());
            exporter.flush();
            Thread.sleep(2);
        }
        exporter.close();

        // Loopback answers each datagram with port unreachable; the connected socket reports it on the next send.
        assertTrue(exporter.droppedRecords() >= 20, "dropped " + exporter.droppedRecords());
        assertEquals(1, log.stream().filter((line) -> line.contains("is failing")).count(), log.toString());
    }

    private IpfixExporter open(final int port, final IpfixOptions options)
    {
        return Exporters.openIpfix(ExportTarget.parse("ipfix:udp://127.0.0.1:" + port), options, clock, log::add);
    }

    /** Small bursts, so the receiving socket never overflows on a busy machine. */
    static void exportPaced(final IpfixExporter exporter, final List<FlowRecord> records) throws InterruptedException
    {
        for (int i = 0; i < records.size(); i++)
        {
            exporter.onRecord(records.get(i));
            if (i % 200 == 199)
            {
                Thread.sleep(5);
            }
        }
        exporter.flush();
    }
}
