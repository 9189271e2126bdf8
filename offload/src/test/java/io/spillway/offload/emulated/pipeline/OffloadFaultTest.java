package io.spillway.offload.emulated.pipeline;

import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeRuns;
import io.spillway.probe.pipeline.SyntheticTraffic;
import io.spillway.offload.emulated.NicStats;
import io.spillway.offload.ExpiryCause;
import io.spillway.offload.LearnResult;
import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.offload.emulated.FaultInjection;
import io.spillway.probe.flow.FlowTimeouts;
import io.spillway.probe.offload.OffloadStats;
import io.spillway.capture.reference.TestCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A misbehaving device does not change a count: learns that fail at random, a learning rate and a table too small
 * for the traffic, events delayed, reordered and duplicated. Every flow still counts exactly what it counts without
 * offload; the failures are counted by cause and the duplicated events are counted and ignored.
 */
class OffloadFaultTest
{
    private static final FlowTimeouts TIMEOUTS = new FlowTimeouts(2_000, 60_000, 2_000, 1_000);
    private static final ProbeConfig BASE = ProbeConfig.defaults(2).withTimeouts(TIMEOUTS);

    @TempDir
    Path dir;

    @Test
    void manyFlowsOnAFaultyDeviceCountExactly()
    {
        final Path capture = SyntheticTraffic.manyFlows(dir.resolve("many.pcap"), 3_000, 20);
        final FaultInjection faults = new FaultInjection(7, 0.1, 0.05, 0.3, TimeUnit.MILLISECONDS.toNanos(20), 0.3,
            0.3);
        // UDP flows stay on the device for the 2 s idle timeout, so the 64-flow table is nearly full most of the time
        // and its learning rate collapses above 90% fill: both TABLE_FULL and RATE_EXCEEDED happen.
        final EmulatedNicConfig nic = new EmulatedNicConfig().flowTableCapacity(64)
            .bufferDelayNs(TimeUnit.MILLISECONDS.toNanos(5)).hostRingBytes(64 * 1024).faults(faults);

        final ProbeRuns.Run reference = ProbeRuns.run(BASE, capture);
        final NicRuns.NicRun run = NicRuns.offload(BASE, nic, capture);

        assertEquals(OffloadRuns.perFlow(reference.records()), OffloadRuns.perFlow(run.records()));
        OffloadRuns.assertOffloadInvariants(run, "faulty device");
        final OffloadStats offload = run.result().offload();
        final NicStats nicStats = run.nic();
        assertTrue(offload.failed(LearnResult.DEVICE_ERROR) > 0, "injected learn failures");
        assertTrue(offload.failed(LearnResult.TABLE_FULL) > nicStats.tableFull() / 2, "table full, real and injected");
        assertTrue(nicStats.tableFull() > 0, "the 64-flow table filled up");
        assertTrue(offload.failed(LearnResult.RATE_EXCEEDED) > 0, "learns over the degraded rate");
        assertTrue(offload.learned() > 0, "some flows made it to the device");
        assertTrue(offload.expired(ExpiryCause.IDLE_TIMEOUT) > 0, "the device expired idle flows");
        assertTrue(offload.expired(ExpiryCause.TCP_END) > 0, "the device ended closed connections");
        assertTrue(nicStats.eventsDuplicated() > 0, "duplicates injected");
        assertTrue(offload.ignoredEvents() >= nicStats.eventsDuplicated(), "every duplicate ignored");
        assertTrue(offload.ignoredEvents() <= nicStats.eventsDuplicated() + nicStats.eventsReordered(),
            "nothing but duplicates and results overtaken by their expiry ignored");
        assertTrue(offload.staleEvents() > 0, "duplicated expiries find their slot recycled");
        assertTrue(offload.outOfStateEvents() > 0, "duplicated results find their flow already decided");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "netflix.pcap", "reddit.pcap", "1kxun.pcap", "youtube_quic.pcap", "skype-conference-call.pcap"})
    void realCapturesOnAFaultyDeviceCountExactly(final String name)
    {
        final Path capture = TestCaptures.file(name);
        final FaultInjection faults = new FaultInjection(name.hashCode(), 0.2, 0.1, 0.5,
            TimeUnit.MILLISECONDS.toNanos(100), 0.5, 0.5);
        final EmulatedNicConfig nic = new EmulatedNicConfig().flowTableCapacity(8).hostRingBytes(16 * 1024)
            .bufferDelayNs(TimeUnit.MILLISECONDS.toNanos(1)).faults(faults);

        final ProbeRuns.Run reference = ProbeRuns.run(BASE, capture);
        final NicRuns.NicRun run = NicRuns.offload(BASE, nic, capture);

        assertEquals(OffloadRuns.perFlow(reference.records()), OffloadRuns.perFlow(run.records()), name);
        OffloadRuns.assertOffloadInvariants(run, name);
        assertTrue(run.result().offload().ignoredEvents() >= run.nic().eventsDuplicated(), name);
    }
}
