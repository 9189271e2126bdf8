package io.spillway.offload.emulated.pipeline;

import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.SyntheticTraffic;
import io.spillway.probe.pipeline.OffloadPolicy;
import io.spillway.exporter.FlowEndReason;
import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.offload.emulated.FaultInjection;
import io.spillway.capture.file.CaptureFiles;
import io.spillway.capture.file.PacedSource;
import io.spillway.probe.flow.FlowTimeouts;
import io.spillway.probe.flow.RecordedFlow;
import io.spillway.probe.offload.OffloadStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An offloaded flow still gets a record every active timeout, as a flow the host counts does: the device has no
 * active timeout, so the probe takes the flow back (unlearns it), exports the record with the device's counters
 * merged, and offloads the flow again. Every packet is still counted once, and events about an old rule (duplicated
 * by a faulty device) find no flow.
 */
class OffloadActiveTimeoutTest
{
    private static final int PACKETS = 30_000;
    private static final long GAP_NS = TimeUnit.MICROSECONDS.toNanos(100);  // 3 s of traffic
    private static final long ACTIVE_MS = 200;
    private static final long SWEEP_MS = 20;
    private static final FlowTimeouts TIMEOUTS = new FlowTimeouts(10_000, ACTIVE_MS, 2_000, SWEEP_MS);

    @TempDir
    Path dir;

    @Test
    void aLongOffloadedFlowIsExportedEveryActiveTimeoutWithItsHardwareCounters()
    {
        final Path capture = SyntheticTraffic.highRateFlow(dir.resolve("long.pcap"), PACKETS, GAP_NS);
        final EmulatedNicConfig nic = new EmulatedNicConfig().hostRingBytes(64 * 1024);
        final NicRuns.NicRun run = NicRuns.run(
            ProbeConfig.defaults(1).withTimeouts(TIMEOUTS).withOffload(OffloadPolicy.DEFAULT), nic,
            new PacedSource(CaptureFiles.open(List.of(capture)), 1));

        OffloadRuns.assertOffloadInvariants(run, "long flow");
        final OffloadStats offload = run.result().offload();
        final List<RecordedFlow> records = run.records();
        final List<RecordedFlow> periodic = records.stream()
            .filter(r -> r.endReason() == FlowEndReason.ACTIVE_TIMEOUT).toList();
        assertEquals(PACKETS, run.recordPackets(), "every packet counted once");
        // 14 periods if every renewal were instant; a loaded machine delays some (a record is due at the worker's
        // sweep and taken back when the offload thread runs), so only a few are counted on.
        assertTrue(offload.renewals() >= 3, "3 s of traffic, 200 ms active timeout: " + offload.renewals() +
            " renewals; records " + records);
        assertEquals(offload.renewals(), periodic.size(), "one active-timeout record per renewal: " + records);
        assertEquals(offload.renewals() + 1, offload.requests(), "offloaded again after every renewal");
        assertEquals(offload.requests(), offload.learned(), "every request learned");
        assertEquals(records.size(), periodic.size() + 1, "the periodic records and the last one: " + records);
        for (final RecordedFlow r : periodic)
        {
            assertTrue(r.hwPackets() > 0, "the device counted most of each period: " + r);
            assertTrue(r.end() - r.start() >= ACTIVE_MS, "a record is due after the active timeout: " + r);
        }
    }

    @Test
    void renewalsUnderDuplicatedAndDelayedEventsStillCountEveryPacketOnce()
    {
        final Path capture = SyntheticTraffic.highRateFlow(dir.resolve("long.pcap"), PACKETS, GAP_NS);
        final FaultInjection faults = new FaultInjection(11, 0, 0, 0.5, TimeUnit.MILLISECONDS.toNanos(30), 0.5, 0.5);
        final EmulatedNicConfig nic = new EmulatedNicConfig().hostRingBytes(64 * 1024)
            .bufferDelayNs(TimeUnit.MILLISECONDS.toNanos(5)).faults(faults);
        final NicRuns.NicRun run = NicRuns.run(
            ProbeConfig.defaults(1).withTimeouts(TIMEOUTS).withOffload(OffloadPolicy.DEFAULT), nic,
            new PacedSource(CaptureFiles.open(List.of(capture)), 1));

        OffloadRuns.assertOffloadInvariants(run, "faulty device");
        assertEquals(PACKETS, run.recordPackets(), "every packet counted once");
        final OffloadStats offload = run.result().offload();
        assertTrue(offload.renewals() >= 2, offload.renewals() + " renewals");
        assertTrue(run.nic().eventsDuplicated() > 0, "duplicates injected");
        assertTrue(offload.ignoredEvents() >= run.nic().eventsDuplicated(),
            "every duplicate ignored, those of a renewed flow's old rule too: " + offload.ignoredEvents() + " of " +
            run.nic().eventsDuplicated());
    }

    @Test
    void aFileReadAsFastAsPossibleStillCountsEveryPacketOnce()
    {
        // The renewals race the read here: however many happen, nothing is lost or counted twice.
        final Path capture = SyntheticTraffic.highRateFlow(dir.resolve("long.pcap"), PACKETS, GAP_NS);
        final EmulatedNicConfig nic = new EmulatedNicConfig().hostRingBytes(64 * 1024);
        final NicRuns.NicRun run = NicRuns.offload(ProbeConfig.defaults(1).withTimeouts(TIMEOUTS), nic, capture);

        OffloadRuns.assertOffloadInvariants(run, "as fast as possible");
        assertEquals(PACKETS, run.recordPackets());
        final OffloadStats offload = run.result().offload();
        final long periodic = run.records().stream().filter(r -> r.endReason() == FlowEndReason.ACTIVE_TIMEOUT).count();
        assertTrue(offload.renewals() <= periodic, "every renewal exported a record: " + offload.renewals() +
            " renewals, " + periodic + " active-timeout records");
    }
}
