package io.spillway.probe.live;

import io.spillway.capture.live.FrameInjector;
import io.spillway.capture.live.NetNs;
import io.spillway.probe.flow.FlowTimeouts;
import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeRuns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stopping right after the traffic: the kernel fills a ring block and hands it over when it is full or when its
 * retire timer finds it (10 ms), so frames that arrived just before the stop are in a block user space cannot read
 * yet. The kernel counts them as received, so the probe must wait for that block and count them too: otherwise the
 * summary says "1,000 packets received, 0 dropped" of a run that counted fewer, and flows seen by the kernel are
 * missing from the export. (Before AfPacketRxQueue waited for that block, most stops here counted a few hundred frames
 * fewer than the kernel received, some none at all.)
 */
@Tag("live")
class LiveStopTest
{
    private static final String CAPTURE = "cap0";
    private static final String PEER = "peer0";
    private static final int FLOWS = 500;
    private static final int PACKETS_PER_FLOW = 2;
    /** Each round stops a fresh probe right after the traffic: the stop lands at a new point of the block timer. */
    private static final int ROUNDS = 5;
    private static final FlowTimeouts NEVER = new FlowTimeouts(3_600_000, 3_600_000, 3_600_000, 1_000);

    @AfterEach
    void nothingLeftBehind()
    {
        LiveChecks.assertNothingLeftBehind();
    }

    @ParameterizedTest(name = "{0} worker(s)")
    @ValueSource(ints = {1, 2})
    void aStopRightAfterTheTrafficCountsEveryFrameTheKernelReceived(final int workers)
    {
        final ProbeConfig config = ProbeConfig.defaults(workers).withTimeouts(NEVER).withMaxFlows(64 * 1024);
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             FrameInjector injector = FrameInjector.open(ns, PEER))
        {
            for (int round = 0; round < ROUNDS; round++)
            {
                final ProbeRuns.Run run;
                try (LiveProbe probe = LiveProbe.start(ns, config, List.of(CAPTURE), Map.of()))
                {
                    LiveTraffic.sendUdp(injector, 0, FLOWS, PACKETS_PER_FLOW);
                    run = probe.stop();
                }

                final long sent = (long)FLOWS * PACKETS_PER_FLOW;
                final String device = run.result().device().summary();
                assertTrue(device.contains(String.format(Locale.ROOT, "%s %,d packets received, 0 dropped by the " +
                    "kernel", CAPTURE, sent)), "round " + round + ": the kernel received every frame: " + device);
                assertEquals(sent, run.result().capture().packets(), "round " + round + ": frames the workers " +
                    "counted; " + device);
                assertEquals(sent, run.recordPackets(), "packets in the records");
                assertEquals(FLOWS, run.records().size(), "a record per flow");
            }
        }
    }
}
