package io.spillway.offload.emulated.pipeline;

import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeRuns;
import io.spillway.probe.pipeline.ProbeResult;
import io.spillway.probe.pipeline.SyntheticTraffic;
import io.spillway.probe.pipeline.OffloadPolicy;
import java.util.List;
import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.probe.flow.FlowTimeouts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The emulated SmartNIC as a plain receive path (nothing offloaded): every packet reaches its worker through a host
 * ring that wraps many times and is often full, none is lost, and records are those of the direct path. With
 * drops on (a live link), a full host ring loses packets at the NIC, and the records account for all the others.
 */
class NicReceivePathTest
{
    @TempDir
    Path dir;

    @Test
    void everyPacketReachesItsWorkerThroughSmallHostRings()
    {
        final Path capture = SyntheticTraffic.manyFlows(dir.resolve("many.pcap"), 2_000, 20);
        final ProbeConfig base = ProbeConfig.defaults(2).withTimeouts(new FlowTimeouts(2_000, 60_000, 2_000, 1_000));
        final ProbeRuns.Run reference = ProbeRuns.run(base, capture);
        final NicRuns.NicRun run = NicRuns.run(base, new EmulatedNicConfig().hostRingBytes(4096), capture);

        final ProbeResult result = run.result();
        assertEquals(OffloadRuns.perFlow(reference.records()), OffloadRuns.perFlow(run.records()));
        assertEquals(reference.records().size(), run.records().size(), "the same records, split the same way");
        assertEquals(40_000, result.hostPackets());
        assertEquals(40_000, run.nic().hostPackets());
        assertEquals(0, run.nic().hostRingDrops());
        assertEquals(0, run.nic().hwPackets());
        assertTrue(result.capture().ringFullWaits() > 0, "the capture thread waited for the host rings");
        assertNull(result.offload());
        assertNull(result.offloadAgent());
    }

    @Test
    void withDropsTheNicLosesWhatTheHostHasNoRoomForAndTheRecordsHoldTheRest()
    {
        final Path capture = SyntheticTraffic.manyFlows(dir.resolve("many.pcap"), 2_000, 20);
        final ProbeConfig base = ProbeConfig.defaults(2).withTimeouts(new FlowTimeouts(2_000, 60_000, 2_000, 1_000));
        final EmulatedNicConfig tinyRings = new EmulatedNicConfig().hostRingBytes(4096);
        for (final OffloadPolicy offload : new OffloadPolicy[]{null, OffloadPolicy.DEFAULT})
        {
            final NicRuns.NicRun run = NicRuns.run(base.withOffload(offload), tinyRings, true,
                spec -> spec.withFiles(List.of(capture)));
            final ProbeResult result = run.result();
            final String name = offload != null ? "offload" : "NIC only";
            final long drops = result.capture().deviceDrops();
            assertTrue(drops > 0, name + ": a 4 KiB host ring overflows when nobody waits for it");
            assertEquals(0, result.capture().ringFullWaits(), name + ": the capture thread never waited");
            assertEquals(drops, run.nic().hostRingDrops(), name + ": the NIC counted every drop");
            assertEquals(result.capture().accounted(), result.hostPackets() + run.nic().hwPackets() + drops,
                name + ": host + hardware + lost at the NIC = accounted");
            assertEquals(result.capture().accounted() - drops, run.recordPackets(),
                name + ": every packet that was not lost is in a record");
            assertEquals(result.capture().wireBytes() - result.capture().deviceDropBytes(),
                run.records().stream().mapToLong(r -> r.l2Octets()).sum(), name + ": and so is every byte");
            assertEquals(0, result.liveFlowsAtEnd(), name + ": flows left in a cache");
        }
    }
}
