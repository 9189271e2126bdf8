package io.spillway.probe.flow;

import io.spillway.packet.PacketDescriptor;
import io.spillway.exporter.FlowEndReason;
import io.spillway.offload.OffloadFlowKey;
import io.spillway.packet.ParsedPacket;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.spillway.probe.flow.TestPackets.ACK;
import static io.spillway.probe.flow.TestPackets.FIN;
import static io.spillway.probe.flow.TestPackets.SYN;
import static io.spillway.probe.flow.TestPackets.TCP;
import static io.spillway.probe.flow.TestPackets.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flow cache's side of hardware offload: flowIds, device-owned flows, merged records, the flowId fast path. */
class FlowCacheOffloadTest
{
    private static final int A = 0x0A000001;
    private static final int B = 0x0A000002;
    private static final long T0 = 1_700_000_000_000L;
    private static final FlowTimeouts TIMEOUTS = new FlowTimeouts(30_000, 10_000, 2_000, 1_000);

    private final List<RecordedFlow> records = new ArrayList<>();
    private final TestPackets packets = new TestPackets();
    private final HardwareCounts hardware = new HardwareCounts();
    private FlowCache cache;

    private FlowCache cache(final int queue, final int capacity)
    {
        cache = new FlowCache(queue, capacity, TIMEOUTS, r -> records.add(RecordedFlow.of(r)));
        return cache;
    }

    @AfterEach
    void close()
    {
        if (cache != null)
        {
            cache.close();
        }
    }

    private int send(final UnsafeBuffer descriptor, final long timeMs)
    {
        cache.advanceTime(timeMs);
        return cache.onPacket(descriptor, 0);
    }

    private int offload(final int slot)
    {
        cache.markPending(slot);
        cache.markOffloaded(slot);
        return slot;
    }

    @Test
    void flowIdNamesItsFlowUntilTheSlotIsRecycled()
    {
        cache(3, 16);
        final int slot = send(packets.v4(A, 1, B, 53, UDP, 0, 80, T0), T0);
        final long flowId = cache.flowId(slot);

        assertNotEquals(0, flowId);
        assertEquals(3, FlowId.queue(flowId));
        assertEquals(slot, FlowId.slot(flowId));
        assertEquals(slot, cache.slotOf(flowId));
        assertEquals(-1, cache.slotOf(FlowId.of(2, slot, FlowId.generation(flowId))), "another queue's flow");
        assertEquals(-1, cache.slotOf(0));

        cache.flushAll();
        assertEquals(-1, cache.slotOf(flowId), "ended");
        final int reused = send(packets.v4(A, 2, B, 53, UDP, 0, 80, T0 + 1), T0 + 1);
        assertEquals(slot, reused);
        assertEquals(-1, cache.slotOf(flowId), "the slot's new flow has another generation");
        assertNotEquals(flowId, cache.flowId(reused));
        assertEquals(reused, cache.slotOf(cache.flowId(reused)));
    }

    @Test
    void deviceOwnedFlowsOutliveIdleAndActiveTimeoutsOnTheHost()
    {
        cache(0, 16);
        final int pending = send(packets.v4(A, 1, B, 53, UDP, 0, 80, T0), T0);
        cache.markPending(pending);
        final int offloaded = offload(send(packets.v4(A, 2, B, 53, UDP, 0, 80, T0), T0));
        send(packets.v4(A, 3, B, 53, UDP, 0, 80, T0), T0);

        for (long t = T0; t <= T0 + 60_000; t += 500)
        {
            cache.advanceTime(t);
        }

        assertEquals(1, records.size(), "only the software flow expired");
        assertEquals(3, records.get(0).srcPort());
        assertEquals(2, cache.liveFlows());
        assertEquals(2, cache.deviceOwnedFlows());
        assertEquals(FlowCache.OFFLOAD_PENDING, cache.offloadState(pending));
        assertEquals(FlowCache.OFFLOAD_OFFLOADED, cache.offloadState(offloaded));
    }

    @Test
    void aFullCacheEvictsOnlySoftwareFlowsAndKeepsAQuarterForThem()
    {
        cache(0, 4);
        for (int port = 1; port <= 4; port++)
        {
            final int slot = send(packets.v4(A, port, B, 53, UDP, 0, 80, T0 + port), T0 + port);
            if (port <= 3)
            {
                assertTrue(cache.hasOffloadRoom());
                offload(slot);
            }
        }
        assertFalse(cache.hasOffloadRoom(), "three of four flows are device-owned");

        send(packets.v4(A, 5, B, 53, UDP, 0, 80, T0 + 10), T0 + 10);

        assertEquals(1, records.size());
        assertEquals(4, records.get(0).srcPort(), "the only software flow, though the most recent");
        assertEquals(FlowEndReason.LACK_OF_RESOURCES, records.get(0).endReason());
        assertEquals(3, cache.deviceOwnedFlows());
    }

    @Test
    void theExpiryEventMergesTheDevicesCountersIntoTheLastRecord()
    {
        cache(0, 16);
        final int slot = send(packets.v4(A, 40000, B, 80, TCP, SYN, 100, T0), T0);
        send(packets.v4(B, 80, A, 40000, TCP, SYN | ACK, 60, T0 + 1), T0 + 1);
        send(packets.v4(A, 40000, B, 80, TCP, ACK, 100, T0 + 2), T0 + 2);
        offload(slot);

        cache.expireOffloaded(slot, FlowEndReason.IDLE_TIMEOUT,
            hardware.set(10, 1140, 5, 370, 0x18, 0x11, T0 + 5_000));

        assertEquals(1, records.size());
        final RecordedFlow r = records.get(0);
        assertEquals(12, r.fwdPackets());
        assertEquals(228 + 1140, r.fwdL2Octets());
        assertEquals(200 + 1140 - 10 * 14, r.fwdOctets(), "the device's IP octets: frames less 14 bytes each");
        assertEquals(6, r.revPackets());
        assertEquals(74 + 370, r.revL2Octets());
        assertEquals(60 + 370 - 5 * 14, r.revOctets());
        assertEquals(15, r.hwPackets());
        assertEquals(1510, r.hwOctets());
        assertEquals(SYN | ACK | 0x08, r.fwdTcpFlags());
        assertEquals(SYN | ACK | FIN, r.revTcpFlags());
        assertEquals(T0, r.start());
        assertEquals(T0 + 5_000, r.end(), "the device saw the last packet");
        assertEquals(FlowEndReason.IDLE_TIMEOUT, r.endReason());
        assertEquals(0, cache.liveFlows());
        assertEquals(0, cache.deviceOwnedFlows());
        assertEquals(-1, cache.slotOf(cache.flowId(slot)));
    }

    @Test
    void aDirectionOnlyTheDeviceSawStartsWhenTheFlowWasHandedOver()
    {
        cache(0, 16);
        final int slot = send(packets.v4(A, 1, B, 53, UDP, 0, 100, T0), T0);
        send(packets.v4(A, 1, B, 53, UDP, 0, 100, T0 + 100), T0 + 100);
        offload(slot);

        cache.expireOffloaded(slot, FlowEndReason.FORCED_END, hardware.set(0, 0, 3, 342, 0, 0, T0 + 900));

        final RecordedFlow r = records.get(0);
        assertEquals(2, r.fwdPackets());
        assertEquals(3, r.revPackets());
        assertEquals(342 - 3 * 14, r.revOctets(), "measured on the forward direction");
        assertEquals(T0 + 900, r.end());
        assertEquals(FlowEndReason.FORCED_END, r.endReason());
    }

    @Test
    void aForcedEndOfAFlowWhoseCloseTheHostSawIsAnEndOfFlow()
    {
        cache(0, 16);
        final int slot = send(packets.v4(A, 40000, B, 80, TCP, SYN, 60, T0), T0);
        offload(slot);
        send(packets.v4(A, 40000, B, 80, TCP, FIN | ACK, 52, T0 + 10), T0 + 10);
        send(packets.v4(B, 80, A, 40000, TCP, FIN | ACK, 52, T0 + 11), T0 + 11);
        send(packets.v4(A, 40000, B, 80, TCP, SYN, 60, T0 + 12), T0 + 12);
        assertEquals(1, cache.liveFlows(), "a SYN after the close does not end a device-owned flow");

        cache.expireOffloaded(slot, FlowEndReason.FORCED_END, hardware.set(0, 0, 0, 0, 0, 0, 0));

        assertEquals(1, records.size());
        assertEquals(FlowEndReason.END_OF_FLOW, records.get(0).endReason());
        assertEquals(4, records.get(0).packets());
        assertEquals(0, records.get(0).hwPackets());
    }

    @Test
    void flushAllRefusesToDropTheDevicesFlows()
    {
        cache(0, 16);
        cache.markPending(send(packets.v4(A, 1, B, 53, UDP, 0, 80, T0), T0));

        assertThrows(IllegalStateException.class, cache::flushAll);
    }

    @Test
    void aFailedRequestLeavesTheFlowToTheHostForGood()
    {
        cache(0, 16);
        final int slot = send(packets.v4(A, 1, B, 53, UDP, 0, 80, T0), T0);
        cache.markPending(slot);
        cache.markSoftware(slot);

        assertEquals(FlowCache.OFFLOAD_SOFTWARE, cache.offloadState(slot));
        assertEquals(0, cache.deviceOwnedFlows());
        cache.advanceTime(T0 + 40_000);
        assertEquals(FlowEndReason.IDLE_TIMEOUT, records.get(0).endReason(), "the sweep expires it again");
        assertEquals(0, records.get(0).hwPackets());
    }

    @Test
    void onlyFlowsWithPortsAndNoTcpCloseCanBeOffloaded()
    {
        cache(0, 16);
        final int udp = send(packets.v4(A, 1, B, 53, UDP, 0, 80, T0), T0);
        final int portsZero = send(packets.v4(A, 0, B, 0, UDP, 0, 80, T0), T0);
        final int closing = send(packets.v4(A, 40000, B, 80, TCP, FIN | ACK, 52, T0), T0);
        final int layer3 = cache.onPacket(layer3Only(), 0);

        assertTrue(cache.isOffloadable(udp));
        assertFalse(cache.isOffloadable(portsZero));
        assertFalse(cache.isOffloadable(closing));
        assertFalse(cache.isOffloadable(layer3));
    }

    @Test
    void theOffloadKeyIsTheInitiatorsDirection()
    {
        cache(0, 16);
        final long net = 0x2001_0db8_0000_0000L;
        final int v4 = send(packets.v4(A, 40000, B, 80, TCP, SYN, 60, T0), T0);
        send(packets.v4(B, 80, A, 40000, TCP, SYN | ACK, 60, T0), T0);
        final int v6 = send(packets.v6(net, 1, 5000, net, 2, 443, UDP, 80, T0), T0);
        final OffloadFlowKey key = new OffloadFlowKey();

        cache.offloadKey(v4, key);
        assertEquals(new OffloadFlowKey().ipv4(A, 40000, B, 80, TCP, 0).toString(), key.toString());
        assertTrue(key.isValid());
        cache.offloadKey(v6, key);
        assertEquals(new OffloadFlowKey().ipv6(net, 1, 5000, net, 2, 443, UDP, 0).toString(), key.toString());
    }

    @Test
    void aPacketWithItsFlowIdIsCountedWithoutALookupAndInTheRightDirection()
    {
        cache(0, 16);
        final int first = send(packets.v4(A, 1, B, 53, UDP, 0, 80, T0), T0);
        final int second = send(packets.v4(A, 2, B, 53, UDP, 0, 80, T0), T0);

        assertEquals(first, cache.onPacket(packets.v4(B, 53, A, 1, UDP, 0, 200, T0 + 1), 0, cache.flowId(first)));
        assertEquals(1, cache.flowIdHits());
        final long stale = FlowId.of(0, first, FlowId.generation(cache.flowId(first)) + 1);
        assertEquals(first, cache.onPacket(packets.v4(A, 1, B, 53, UDP, 0, 80, T0 + 2), 0, stale));
        assertEquals(first, cache.onPacket(packets.v4(A, 1, B, 53, UDP, 0, 80, T0 + 3), 0, cache.flowId(second)),
            "a flowId naming another flow is not trusted");
        assertEquals(2, cache.flowIdMisses());

        cache.flushAll();
        final RecordedFlow r = records.stream().filter(f -> f.srcPort() == 1).findFirst().orElseThrow();
        assertEquals(3, r.fwdPackets());
        assertEquals(1, r.revPackets());
        assertEquals(200, r.revOctets());
    }

    @Test
    void hardwareIpOctetsAreFramesLessTheFlowsMeasuredOverhead()
    {
        assertEquals(1000, FlowCache.hardwareIpOctets(10, 1140, 4, 56));
        assertEquals(1140 - 145, FlowCache.hardwareIpOctets(10, 1140, 4, 58), "14.5 bytes each, rounded");
        assertEquals(1140, FlowCache.hardwareIpOctets(10, 1140, 0, 0), "nothing to measure on");
        assertEquals(0, FlowCache.hardwareIpOctets(0, 0, 4, 56));
    }

    private static UnsafeBuffer layer3Only()
    {
        final ParsedPacket packet = new ParsedPacket();
        packet.reset();
        packet.ipVersion = 4;
        packet.srcLo = A & 0xFFFF_FFFFL;
        packet.dstLo = B & 0xFFFF_FFFFL;
        packet.protocol = UDP;
        packet.ipLength = 80;
        final int keyFlags = PacketDescriptor.keyFlags(packet, true, 0);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(PacketDescriptor.LENGTH));
        PacketDescriptor.write(buffer, 0, packet, PacketDescriptor.hash(packet, keyFlags), keyFlags, 0, 0, 94,
            T0 * 1_000_000L);
        return buffer;
    }
}
