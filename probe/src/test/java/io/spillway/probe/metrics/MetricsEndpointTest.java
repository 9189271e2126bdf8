package io.spillway.probe.metrics;

import io.spillway.capture.reference.TestCaptures;
import io.spillway.device.Devices;
import io.spillway.device.DeviceSpec;
import io.spillway.dpi.Dpi;
import io.spillway.dpi.DpiUnavailableException;
import io.spillway.exporter.FlowEndReason;
import io.spillway.exporter.FlowExporter;
import io.spillway.exporter.FlowRecord;
import io.spillway.probe.cli.CommandRun;
import io.spillway.probe.cli.ProbeCommand;
import io.spillway.probe.pipeline.Probe;
import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeCounters;
import io.spillway.probe.pipeline.ProbeResult;
import io.spillway.probe.pipeline.QueueStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --metrics}: the endpoint is up while a run goes on and shows its counters as they grow, in a text that
 * Prometheus' own checker accepts, agrees with the summary at the end, and stops with the run.
 */
class MetricsEndpointTest
{
    /** 637 packets over 21.8 s: replayed 8 times as fast, about 2.7 s, long enough for several scrapes. */
    private static final String CAPTURE = "signal.pcap";
    private static final String SPEED = "8";
    private static final Pattern SUMMARY = Pattern.compile("spillway: ([\\d,]+) packets");
    private static final Pattern EXPORTED = Pattern.compile("export +([\\d,]+) records exported");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aPacedRunIsScrapedWhileItRunsAndTheTextPassesPromtool() throws Exception
    {
        final int port = freePort();
        final CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> CommandRun.of(
            "-r", TestCaptures.file(CAPTURE).toString(), "--replay-speed", SPEED, "--queues", "2", "-q",
            "--export", "json:" + dir.resolve("records.json"), "--metrics", "127.0.0.1:" + port));

        final List<Scrape> midRun = Scrape.whileRunning(port, run);
        final CommandRun result = run.get();
        assertEquals(ProbeCommand.EXIT_OK, result.exit(), result.stderr());
        final long packets = number(SUMMARY, result.stderr());
        final long exported = number(EXPORTED, result.stderr());

        final Scrape withPackets = midRun.stream().filter(s -> s.count("spillway_packets_total") > 0)
            .filter(s -> s.count("spillway_packets_total") < packets).findFirst().orElseThrow(() ->
                new AssertionError(midRun.size() + " scrapes during the run, none with part of the packets"));
        assertTrue(withPackets.count("spillway_device_to_host_packets_total") > 0, withPackets.text());
        assertTrue(withPackets.text().contains("spillway_export_dropped_records_total{exporter=\"json:"),
            "exporters are labelled by target");
        assertFalse(withPackets.text().contains("spillway_unmapped"), "every counter has a name");
        final Scrape last = midRun.getLast();
        assertTrue(last.count("spillway_packets_total") <= packets, "a scrape never shows more than the run read");
        assertTrue(last.count("spillway_export_records_total") <= exported);

        assertThrows(IOException.class, () -> Scrape.of(port), "the endpoint stops with the run");

        assumeTrue(Files.isExecutable(Scrape.PROMTOOL), Scrape.PROMTOOL + " is absent (Debian package " +
            "prometheus): the scrapes were not checked by promtool");
        withPackets.assertPromtoolAccepts(dir);
        last.assertPromtoolAccepts(dir);
    }

    @Test
    void theCountersAtTheEndAgreeWithTheRunsSummary() throws IOException, DpiUnavailableException
    {
        final ProbeCounters counters = new ProbeCounters(2);
        final DeviceSpec spec = DeviceSpec.of(2, counters.registry()).withFiles(List.of(TestCaptures.file(CAPTURE)));
        final ProbeResult result;
        final Scrape end;
        try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1:0",
            new CountersCollector(counters.registry(), List.of("test"))))
        {
            result = Probe.run(ProbeConfig.defaults(2).withDpi(Dpi.load(), 0), Devices.provider("files"), spec,
                List.of(new Discard()), null, counters);
            end = Scrape.of(endpoint.port());
        }

        assertTrue(result.capture().packets() > 0);
        assertEquals(result.capture().packets(), end.count("spillway_packets_total"), "packets read");
        assertEquals(result.capture().wireBytes(), end.count("spillway_bytes_total"), "bytes read");
        assertEquals(result.capture().accounted(), end.count("spillway_parsed_packets_total", "status=\"flow\"") +
            end.count("spillway_parsed_packets_total", "status=\"l3_flow\""), "packets accounted");
        assertEquals(result.flowsCreated(), end.count("spillway_flows_created_total"), "flows created");
        assertEquals(0, end.count("spillway_flows_active"), "no flow left");
        assertEquals(result.recordsExported(), end.count("spillway_export_records_total"), "records exported");
        assertEquals(result.recordsByReasonTotal(), end.count("spillway_flow_records_total"), "records by reason");
        for (final int reason : new int[] {FlowEndReason.IDLE_TIMEOUT, FlowEndReason.ACTIVE_TIMEOUT,
            FlowEndReason.END_OF_FLOW, FlowEndReason.FORCED_END, FlowEndReason.LACK_OF_RESOURCES})
        {
            assertEquals(result.records(reason), end.count("spillway_flow_records_total",
                "reason=\"" + FlowEndReason.name(reason) + "\""), FlowEndReason.name(reason));
        }
        assertEquals(result.dpi().detected(), end.count("spillway_dpi_flows_total", "outcome=\"detected\""));
        assertEquals(result.dpi().guessed(), end.count("spillway_dpi_flows_total", "outcome=\"guessed\""));
        assertEquals(result.dpi().unknown(), end.count("spillway_dpi_flows_total", "outcome=\"unknown\""));
        for (final QueueStats queue : result.queues())
        {
            final String label = "queue=\"" + queue.queue() + "\"";
            assertEquals(queue.packets(), end.count("spillway_worker_packets_total", label), label);
            assertEquals(queue.flowsCreated(), end.count("spillway_flows_created_total", label), label);
        }
        assertEquals(result.recordsDropped(), end.count("spillway_export_dropped_records_total",
            "exporter=\"test\""));
        assertFalse(end.text().contains("spillway_unmapped"), "every counter has a name");
    }

    @Test
    void aPortInUseIsAUsageErrorNamingTheAddress() throws IOException
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final String address = "127.0.0.1:" + taken.getLocalPort();
            final CommandRun run = CommandRun.of("-r", TestCaptures.file(CAPTURE).toString(), "-q",
                "--export", "json:" + dir.resolve("records.json"), "--metrics", address);
            assertEquals(ProbeCommand.EXIT_USAGE, run.exit(), run.stderr());
            assertTrue(run.stderr().contains("spillway: --metrics " + address + ": cannot listen there"),
                run.stderr());
        }
    }

    @Test
    void aMalformedAddressIsAUsageError()
    {
        final CommandRun run = CommandRun.of("-r", TestCaptures.file(CAPTURE).toString(), "-q",
            "--export", "json:" + dir.resolve("records.json"), "--metrics", "9464");
        assertEquals(ProbeCommand.EXIT_USAGE, run.exit(), run.stderr());
        assertTrue(run.stderr().contains("--metrics wants HOST:PORT"), run.stderr());
    }

    private static long number(final Pattern pattern, final String text)
    {
        final Matcher matcher = pattern.matcher(text);
        assertTrue(matcher.find(), pattern + " in " + text);
        return Long.parseLong(matcher.group(1).replace(",", ""));
    }

    /** A port free a moment ago: the run binds it a second later, which another test could take only by chance. */
    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }

    /** Records go nowhere: the test reads the counters. */
    private static final class Discard implements FlowExporter
    {
        @Override
        public void onRecord(final FlowRecord record)
        {
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    }
}
