package io.spillway.offload.emulated.pipeline;

import io.spillway.probe.pipeline.ProbeResult;
import io.spillway.offload.emulated.NicStats;
import io.spillway.probe.flow.RecordedFlow;
import io.spillway.probe.offload.OffloadStats;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Checks shared by the offload tests: per-flow totals and the invariants every offload run must keep. */
final class OffloadRuns
{
    private OffloadRuns()
    {
    }

    /** Packets and frame bytes per 5-tuple (both directions, VLAN, layer-3-only apart), summed over its records. */
    static Map<String, List<Long>> perFlow(final List<RecordedFlow> records)
    {
        final Map<String, long[]> totals = new TreeMap<>();
        for (final RecordedFlow r : records)
        {
            final long[] t = totals.computeIfAbsent(r.conversation() + ((r.flags() & 0x01) != 0 ? " l3" : ""),
                k -> new long[2]);
            t[0] += r.packets();
            t[1] += r.l2Octets();
        }
        final Map<String, List<Long>> lists = new TreeMap<>();
        totals.forEach((k, v) -> lists.put(k, List.of(v[0], v[1])));
        return lists;
    }

    /**
     * What every run through the emulated NIC with offload must show: nothing lost at the NIC, every packet in one
     * record, host + hardware = accounted, every hardware count merged into a record, every request answered,
     * every learned flow given back, no flow, no device-owned flow and no DPI state left.
     */
    static void assertOffloadInvariants(final NicRuns.NicRun run, final String name)
    {
        final ProbeResult result = run.result();
        final NicStats nic = run.nic();
        final OffloadStats offload = result.offload();
        final long accounted = result.capture().accounted();

        assertEquals(0, nic.hostRingDrops(), name + ": NIC drops");
        assertEquals(0, result.capture().deviceDrops(), name + ": NIC drops seen by the capture thread");
        assertEquals(accounted, run.recordPackets(), name + ": every accounted packet is in a record");
        assertEquals(accounted, result.hostPackets() + nic.hwPackets(), name + ": host + hardware = accounted");
        assertEquals(nic.hostPackets(), result.hostPackets(), name + ": the workers took every delivered packet");
        assertEquals(nic.hwPackets(), result.capture().deviceConsumed(), name + ": consumed packets");
        assertEquals(nic.hwPackets(), offload.hwPackets(), name + ": every hardware packet came back in an event");
        assertEquals(nic.hwBytes(), offload.hwBytes(), name + ": every hardware byte came back in an event");
        assertEquals(nic.hwPackets(), run.records().stream().mapToLong(RecordedFlow::hwPackets).sum(),
            name + ": hardware packets in records");
        assertEquals(nic.hwBytes(), run.records().stream().mapToLong(RecordedFlow::hwOctets).sum(),
            name + ": hardware bytes in records");
        assertEquals(offload.requests(), offload.learned() + offload.failed(), name + ": every request answered");
        assertEquals(offload.learned(), offload.expired(), name + ": every learned flow given back");
        assertEquals(result.offloadAgent().learnCalls(), offload.requests(), name + ": one learn per request");
        assertEquals(0, result.liveFlowsAtEnd(), name + ": flows left in a cache");
        assertEquals(run.records().size(), result.recordsExported(), name + ": records exported");
        if (result.dpi() != null)
        {
            assertEquals(0, result.dpi().liveStatesAtEnd(), name + ": DPI states left");
        }
    }
}
