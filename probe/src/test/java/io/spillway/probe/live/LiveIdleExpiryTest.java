package io.spillway.probe.live;

import io.spillway.capture.live.FrameInjector;
import io.spillway.capture.live.NetNs;
import io.spillway.probe.cli.ProbeCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a quiet link no packet moves the flow cache's clock, so the device ticks it on the wall clock: a flow idle for
 * the idle timeout is exported while the probe runs, not only when it stops.
 */
@Tag("live")
class LiveIdleExpiryTest
{
    private static final String CAPTURE = "cap0";
    private static final String PEER = "peer0";
    private static final int FLOWS = 4;
    private static final int PACKETS_PER_FLOW = 3;
    /** Idle timeout 1 s, then up to a sweep period (1 s) and a tick (100 ms) late: about 3 s of silence at most. */
    private static final Duration EXPIRY_TIMEOUT = Duration.ofSeconds(4);

    @TempDir
    Path directory;

    @AfterEach
    void nothingLeftBehind()
    {
        LiveChecks.assertNothingLeftBehind();
    }

    @Test
    void flowsOfAQuietLinkAreExportedAtTheirIdleTimeoutWhileTheProbeRuns()
    {
        final Path records = directory.resolve("flows.jsonl");
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             ProbeProcess probe = ProbeProcess.start(ns, directory, "-i", CAPTURE, "--queues", "2", "--no-dpi",
                 "--idle-timeout", "1", "--active-timeout", "3600", "--export", "json:" + records).awaitCapturing();
             FrameInjector injector = FrameInjector.open(ns, PEER))
        {
            LiveTraffic.sendUdp(injector, 0, FLOWS, PACKETS_PER_FLOW);
            final long sentNs = System.nanoTime();
            assertEquals(List.of(), JsonFlow.read(records), "nothing expires as soon as it is sent");

            Await.until(FLOWS + " records on a quiet link", EXPIRY_TIMEOUT,
                () -> JsonFlow.read(records).size() >= FLOWS, () -> JsonFlow.read(records).toString());
            final long quietMs = (System.nanoTime() - sentNs) / 1_000_000;
            assertTrue(probe.isAlive(), "the records came while the probe ran");
            assertTrue(quietMs >= 1_000, "exported after " + quietMs + " ms, before the idle timeout");
            final List<JsonFlow> flows = JsonFlow.read(records);
            assertEquals(LiveSignalTest.sentFlows(0, FLOWS, PACKETS_PER_FLOW), LiveSignalTest.packetsByClient(flows));
            assertTrue(flows.stream().allMatch(f -> f.endReason() == JsonFlow.IDLE_TIMEOUT),
                "flowEndReason 1 (idle timeout): " + flows);

            probe.signal("TERM");
            assertEquals(ProbeCommand.EXIT_OK, probe.awaitExit(Duration.ofSeconds(30)), probe.stderr());
            assertTrue(probe.stderr().contains("records " + FLOWS + " (idle " + FLOWS + ","), probe.stderr());
            assertEquals(FLOWS, JsonFlow.read(records).size(), "no flow was left for the stop");
        }
    }
}
