package io.spillway.probe.live;

import io.spillway.capture.live.FrameInjector;
import io.spillway.capture.live.NetNs;
import io.spillway.probe.cli.CommandRun;
import io.spillway.probe.cli.ProbeCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator sees when the interface is not there, may not be captured on, goes down or goes away: a line
 * that names the interface and says what happened, the exit code ProbeCommand documents, and every flow seen.
 */
@Tag("live")
class LiveBadInputTest
{
    private static final String CAPTURE = "cap0";
    private static final String PEER = "peer0";
    private static final int FLOWS = 20;
    private static final int PACKETS_PER_FLOW = 2;
    private static final Duration LINK_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MARKER_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @AfterEach
    void nothingLeftBehind()
    {
        LiveChecks.assertNothingLeftBehind();
    }

    @Test
    void aMissingInterfaceIsOneLineNamingItAndExit2()
    {
        try (NetNs ns = NetNs.create())
        {
            final CommandRun run = ns.call(() -> CommandRun.of("-i", "nosuch0", "--no-dpi"));

            assertEquals(ProbeCommand.EXIT_USAGE, run.exit(), run.stderr());
            assertOneLine(run.stderr());
            assertTrue(run.stderr().contains("nosuch0") && run.stderr().contains("no interface 'nosuch0'"),
                run.stderr());
            assertEquals("", run.stdout(), "no records");
        }
    }

    /**
     * Root without CAP_NET_RAW (dropped from the bounding set, so the JVM exec'd after setpriv does not regain it):
     * socket(AF_PACKET) fails, and the message says which capability to grant.
     */
    @Test
    void withoutCapNetRawTheMessageNamesTheCapabilityAndExit2()
    {
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             ProbeProcess probe = ProbeProcess.start(ns, directory, List.of("setpriv", "--inh-caps=-net_raw",
                 "--ambient-caps=-net_raw", "--bounding-set=-net_raw"), "-i", CAPTURE, "--no-dpi"))
        {
            final int exit = probe.awaitExit(EXIT_TIMEOUT);

            assertEquals(ProbeCommand.EXIT_USAGE, exit, probe.stderr());
            assertOneLine(probe.stderr());
            assertTrue(probe.stderr().contains("CAP_NET_RAW") && probe.stderr().contains(CAPTURE), probe.stderr());
            assertEquals("", probe.stdout(), "no records");
        }
    }

    /**
     * The link goes down and comes back while the probe runs: it says so both times, keeps running, and counts the
     * traffic sent after the link came back as well as the traffic before.
     */
    @Test
    void anInterfaceThatGoesDownAndUpIsReportedAndCountedAfterwards()
    {
        final Path records = directory.resolve("flows.jsonl");
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             ProbeProcess probe = ProbeProcess.start(ns, directory, "-i", CAPTURE, "--queues", "1", "--no-dpi",
                 "--idle-timeout", "3600", "--active-timeout", "3600", "--export", "json:" + records)
                 .awaitCapturing();
             FrameInjector injector = FrameInjector.open(ns, PEER))
        {
            LiveTraffic.sendUdp(injector, 0, FLOWS, PACKETS_PER_FLOW);
            injector.send(LiveTraffic.reset(1));
            awaitMarkers(records, 1);

            ns.down(CAPTURE);
            probe.awaitStderr("spillway: interface " + CAPTURE + " went down; capture resumes when it is up again",
                LINK_TIMEOUT);
            ns.up(CAPTURE);
            probe.awaitStderr("spillway: interface " + CAPTURE + " is up again", LINK_TIMEOUT);
            assertTrue(probe.isAlive(), "the probe waits out a link going down");

            LiveTraffic.sendUdp(injector, FLOWS, FLOWS, PACKETS_PER_FLOW);
            injector.send(LiveTraffic.reset(2));
            awaitMarkers(records, 2);
            probe.signal("TERM");
            final int exit = probe.awaitExit(EXIT_TIMEOUT);

            assertEquals(ProbeCommand.EXIT_OK, exit, probe.stderr());
            final List<JsonFlow> flows = JsonFlow.read(records).stream().filter(f -> !LiveTraffic.isMarker(f))
                .toList();
            assertEquals(LiveSignalTest.sentFlows(0, 2 * FLOWS, PACKETS_PER_FLOW),
                LiveSignalTest.packetsByClient(flows), "flows before the link went down and after it came back");
        }
    }

    /**
     * {@code ip link del} under the running probe: it says the interface was removed, exports every flow it saw, and
     * exits with 3, an input that ended early. The probe runs in this JVM here, and the test knows it captures
     * once its socket accepts frames (see {@link #awaitAcceptingSocket}).
     */
    @Test
    void aRemovedInterfaceEndsTheRunWithEveryFlowExportedAndExit3() throws Exception
    {
        final Path records = directory.resolve("flows.jsonl");
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER))
        {
            final CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> ns.call(() ->
                CommandRun.of("-i", CAPTURE, "--queues", "1", "--no-dpi", "--idle-timeout", "3600",
                    "--active-timeout", "3600", "--export", "json:" + records)));
            try
            {
                awaitAcceptingSocket(ns, run);
                try (FrameInjector injector = FrameInjector.open(ns, PEER))
                {
                    LiveTraffic.sendUdp(injector, 0, FLOWS, PACKETS_PER_FLOW);
                    injector.send(LiveTraffic.reset(1));
                }
                awaitMarkers(records, 1);

                ns.delete(CAPTURE);
                final CommandRun ended = run.get(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

                assertEquals(ProbeCommand.EXIT_DAMAGED_INPUT, ended.exit(), ended.stderr());
                assertTrue(ended.stderr().contains("spillway: interface " + CAPTURE +
                    " was removed: capture on it ended"), ended.stderr());
                assertTrue(ended.stderr().contains("interface " + CAPTURE + " was removed during the run"),
                    "the summary names the lost input:\n" + ended.stderr());
                final List<JsonFlow> flows = JsonFlow.read(records).stream().filter(f -> !LiveTraffic.isMarker(f))
                    .toList();
                assertEquals(LiveSignalTest.sentFlows(0, FLOWS, PACKETS_PER_FLOW),
                    LiveSignalTest.packetsByClient(flows), "every flow seen before the interface went away");
            }
            finally
            {
                if (!run.isDone())
                {
                    // Take the interface away, if it is still there, so that the probe ends.
                    if (ns.ip("-o", "link", "show").contains(CAPTURE + "@"))
                    {
                        ns.delete(CAPTURE);
                    }
                    awaitQuietly(run);
                }
            }
        }
    }

    /**
     * Waits until the probe's socket accepts frames. A socket is listed in /proc/net/packet, bound and running, before
     * it receives anything: AfPacketSocket keeps a filter that takes no frame until its ring is mapped and it joined
     * its fanout group, and attaches the one that takes frames last. {@code ss -0 -b} shows that filter: a classic BPF
     * "return the snap length" (0x06 0 0 65535) instead of "return 0".
     */
    private static void awaitAcceptingSocket(final NetNs ns, final CompletableFuture<CommandRun> run)
    {
        Await.until("the probe's socket to accept frames ('ss -0 -b' showing its snap-length filter)", EXIT_TIMEOUT,
            () ->
            {
                if (run.isDone())
                {
                    throw new AssertionError("the probe ended before capturing: " + run.join());
                }
                return ns.exec("ss", "-0", "-b", "-a", "-n").contains("0x06 0 0 65535");
            }, () -> ns.exec("ss", "-0", "-b", "-a", "-n"));
    }

    private static void awaitMarkers(final Path records, final int markers)
    {
        Await.until(markers + " marker record(s) (every frame before counted)", MARKER_TIMEOUT,
            () -> JsonFlow.read(records).stream().filter(LiveTraffic::isMarker).count() >= markers,
            () -> JsonFlow.read(records).size() + " records");
    }

    /** One line of text, without an exception's name or a stack trace. */
    private static void assertOneLine(final String stderr)
    {
        assertEquals(1, stderr.strip().lines().count(), "one line:\n" + stderr);
        assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), stderr);
        assertTrue(stderr.startsWith("spillway: "), stderr);
    }

    private static void awaitQuietly(final CompletableFuture<CommandRun> run)
    {
        try
        {
            run.get(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            // The test's own assertion says what went wrong.
        }
    }
}
