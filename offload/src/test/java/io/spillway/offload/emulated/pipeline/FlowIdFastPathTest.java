package io.spillway.offload.emulated.pipeline;

import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeRuns;
import io.spillway.probe.pipeline.QueueStats;
import io.spillway.probe.pipeline.OffloadPolicy;
import io.spillway.offload.emulated.NicStats;
import io.spillway.offload.LearnRequest;
import io.spillway.offload.LearnResult;
import io.spillway.offload.OffloadAction;
import io.spillway.offload.OffloadEventHandler;
import io.spillway.offload.OffloadFlowKey;
import io.spillway.offload.emulated.EmulatedNicConfig;
import io.spillway.offload.emulated.EmulatedSmartNic;
import io.spillway.offload.emulated.NicCounter;
import io.spillway.offload.emulated.ReceiveOutcome;
import io.spillway.probe.flow.FlowCache;
import io.spillway.probe.flow.FlowTimeouts;
import io.spillway.packet.PacketDescriptor;
import io.spillway.probe.flow.RecordedFlow;
import io.spillway.probe.flow.TestPackets;
import io.spillway.capture.reference.TestCaptures;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.spillway.probe.flow.TestPackets.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Packets the NIC delivers with a flowId (a TO_HOST flow) are counted without a hash lookup and land in the flow the
 * flowId names, in the right direction.
 */
class FlowIdFastPathTest
{
    private static final int A = 0x0A000001;
    private static final int B = 0x0A000002;
    private static final long T0 = 1_700_000_000_000L;

    private final TestPackets packets = new TestPackets();
    private final OffloadFlowKey key = new OffloadFlowKey();

    @Test
    void taggedPacketsSkipTheLookupAndLandInTheirFlow()
    {
        final List<RecordedFlow> records = new ArrayList<>();
        final long[] learned = new long[1];
        final OffloadEventHandler events = new OffloadEventHandler()
        {
            @Override
            public void onLearnDone(final long flowId)
            {
                learned[0] = flowId;
            }

            @Override
            public void onLearnFailed(final long flowId, final int cause)
            {
            }

            @Override
            public void onFlowExpired(
                final long flowId, final int cause, final long forwardPackets, final long forwardBytes,
                final long reversePackets, final long reverseBytes, final int forwardTcpFlags,
                final int reverseTcpFlags, final long lastSeenNs)
            {
            }
        };
        try (EmulatedSmartNic nic = new EmulatedSmartNic(new EmulatedNicConfig().programmingCostNs(0));
            FlowCache cache = new FlowCache(0, 16, FlowTimeouts.DEFAULT, r -> records.add(RecordedFlow.of(r))))
        {
            final int slot = receive(nic, cache, packets.v4(A, 1, B, 53, UDP, 0, 80, T0));
            receive(nic, cache, packets.v4(A, 2, B, 53, UDP, 0, 80, T0));
            final LearnRequest request = new LearnRequest().flowId(cache.flowId(slot)).action(OffloadAction.TO_HOST);
            cache.offloadKey(slot, request.key());
            assertEquals(LearnResult.ACCEPTED, nic.learn(request));
            nic.poll(events, 10);
            assertEquals(cache.flowId(slot), learned[0]);

            for (int i = 1; i <= 10; i++)
            {
                receive(nic, cache, i % 2 == 0 ? packets.v4(B, 53, A, 1, UDP, 0, 200, T0 + i) :
                    packets.v4(A, 1, B, 53, UDP, 0, 80, T0 + i));
                receive(nic, cache, packets.v4(A, 2, B, 53, UDP, 0, 80, T0 + i));
            }

            assertEquals(10, nic.counters().get(NicCounter.HOST_TAGGED_PACKETS));
            assertEquals(10, cache.flowIdHits(), "every tagged packet counted without a lookup");
            assertEquals(0, cache.flowIdMisses());
            cache.flushAll();
        }
        final RecordedFlow tagged = records.stream().filter(r -> r.srcPort() == 1).findFirst().orElseThrow();
        assertEquals(6, tagged.fwdPackets());
        assertEquals(5, tagged.revPackets());
        assertEquals(5 * 200, tagged.revOctets());
        assertEquals(11, records.stream().filter(r -> r.srcPort() == 2).findFirst().orElseThrow().fwdPackets());
    }

    @Test
    void aProbeRunWithToHostFlowsCountsTheSameAndUsesTheFlowIds()
    {
        final var capture = TestCaptures.file("netflix.pcap");
        final ProbeConfig base = ProbeConfig.defaults(2);
        final ProbeRuns.Run reference = ProbeRuns.run(base, capture);
        final NicRuns.NicRun run = NicRuns.run(base.withOffload(OffloadPolicy.DEFAULT.withAction(OffloadAction.TO_HOST)),
            new EmulatedNicConfig().hostRingBytes(16 * 1024), capture);

        assertEquals(OffloadRuns.perFlow(reference.records()), OffloadRuns.perFlow(run.records()));
        OffloadRuns.assertOffloadInvariants(run, "TO_HOST");
        final NicStats nic = run.nic();
        final long hits = run.result().queues().stream().mapToLong(QueueStats::flowIdHits).sum();
        final long misses = run.result().queues().stream().mapToLong(QueueStats::flowIdMisses).sum();
        assertEquals(0, nic.hwPackets(), "TO_HOST: the device counts nothing");
        assertTrue(nic.taggedPackets() > 0, "packets came tagged");
        assertEquals(nic.taggedPackets(), hits + misses);
        assertTrue(hits > misses, hits + " tagged packets found their flow, " + misses + " came after its expiry");
    }

    /** The descriptor through the NIC to the cache, with the flowId the NIC gave it; returns the flow's slot. */
    private int receive(final EmulatedSmartNic nic, final FlowCache cache, final UnsafeBuffer descriptor)
    {
        final int ports = descriptor.getInt(PacketDescriptor.PORTS);
        key.ipv4(descriptor.getLong(PacketDescriptor.SRC_LO), ports >>> 16, descriptor.getLong(PacketDescriptor.DST_LO),
            ports & 0xFFFF, descriptor.getByte(PacketDescriptor.PROTOCOL), 0);
        final int outcome = nic.receive(key, PacketDescriptor.hash(descriptor, 0),
            PacketDescriptor.timestampNanos(descriptor, 0), descriptor.getInt(PacketDescriptor.WIRE_LENGTH), 0,
            descriptor, 0, PacketDescriptor.LENGTH);
        assertEquals(ReceiveOutcome.TO_HOST, outcome);
        final int[] slot = new int[1];
        assertEquals(1, nic.hostRing(0).poll(
            (flowId, buffer, offset, length) -> slot[0] = cache.onPacket(buffer, offset, flowId), 1));
        return slot[0];
    }
}
