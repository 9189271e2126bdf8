package io.spillway.testbed.metrics;

import io.spillway.capture.reference.TestCaptures;
import io.spillway.probe.cli.CommandRun;
import io.spillway.probe.cli.ProbeCommand;
import io.spillway.probe.metrics.Scrape;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code --metrics} through the emulated SmartNIC with offload: the counters only a device with a flow table and the
 * offload stage register (the NIC's own, learns, refusals, hardware-counted packets) all have a metric name, and
 * promtool accepts the text. Here because probe may not depend on a backend; testbed has them all.
 */
class OffloadMetricsTest
{
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyCounterOfAnOffloadedRunHasAMetricName() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = socket.getLocalPort();
        }
        // 637 packets over 21.8 s, replayed in about 2.7 s: most of its flows are offloaded once classified.
        final CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> CommandRun.of(
            "-r", TestCaptures.file("signal.pcap").toString(), "--replay-speed", "8", "--queues", "2", "-q",
            "--nic", "emulated", "--offload", "emulated", "--export", "json:" + dir.resolve("records.json"),
            "--metrics", "127.0.0.1:" + port));
        final List<Scrape> scrapes = Scrape.whileRunning(port, run);
        final CommandRun result = run.get();
        assertEquals(ProbeCommand.EXIT_OK, result.exit(), result.stderr());

        final Scrape offloaded = scrapes.stream().filter(s -> s.count("spillway_hardware_packets_total") > 0)
            .reduce((first, second) -> second).orElseThrow(() ->
                new AssertionError(scrapes.size() + " scrapes, none after a flow was offloaded"));
        assertFalse(offloaded.text().contains("spillway_unmapped"), offloaded.text());
        assertTrue(offloaded.count("spillway_offload_learned_total") > 0, offloaded.text());
        assertTrue(offloaded.count("spillway_nic_learns_total", "outcome=\"accepted\"") > 0, offloaded.text());
        assertTrue(offloaded.text().contains("spillway_offload_failed_requests_total{cause=\"table_full\""),
            offloaded.text());

        assumeTrue(Files.isExecutable(Scrape.PROMTOOL), Scrape.PROMTOOL + " is absent (Debian package " +
            "prometheus): the scrapes were not checked by promtool");
        offloaded.assertPromtoolAccepts(dir);
    }
}
