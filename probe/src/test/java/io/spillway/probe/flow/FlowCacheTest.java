package io.spillway.probe.flow;

import io.spillway.exporter.FlowEndReason;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.spillway.probe.flow.TestPackets.ACK;
import static io.spillway.probe.flow.TestPackets.FIN;
import static io.spillway.probe.flow.TestPackets.RST;
import static io.spillway.probe.flow.TestPackets.SYN;
import static io.spillway.probe.flow.TestPackets.TCP;
import static io.spillway.probe.flow.TestPackets.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowCacheTest
{
    private static final int A = 0x0A000001;
    private static final int B = 0x0A000002;
    private static final long T0 = 1_700_000_000_000L;

    private final List<RecordedFlow> records = new ArrayList<>();
    private final TestPackets packets = new TestPackets();
    private FlowCache cache;

    private FlowCache cache(final int capacity, final FlowTimeouts timeouts)
    {
        cache = new FlowCache(0, capacity, timeouts, r -> records.add(RecordedFlow.of(r)));
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

    private void send(final UnsafeBuffer descriptor, final long timeMs)
    {
        cache.advanceTime(timeMs);
        cache.onPacket(descriptor, 0);
    }

    @Test
    void bothDirectionsOfAFlowShareOneRecordWithForwardBeingTheInitiator()
    {
        cache(16, FlowTimeouts.DEFAULT);
        send(packets.v4(A, 40000, B, 80, TCP, SYN, 60, T0), T0);
        send(packets.v4(B, 80, A, 40000, TCP, SYN | ACK, 60, T0 + 1), T0 + 1);
        send(packets.v4(A, 40000, B, 80, TCP, ACK, 52, T0 + 2), T0 + 2);
        send(packets.v4(B, 80, A, 40000, TCP, ACK, 1500, T0 + 7), T0 + 7);
        assertEquals(1, cache.liveFlows());
        cache.flushAll();

        assertEquals(1, records.size());
        final RecordedFlow r = records.get(0);
        assertEquals("10.0.0.1", r.src());
        assertEquals(40000, r.srcPort());
        assertEquals(80, r.dstPort());
        assertEquals(2, r.fwdPackets());
        assertEquals(112, r.fwdOctets());
        assertEquals(112 + 2 * 14, r.fwdL2Octets());
        assertEquals(2, r.revPackets());
        assertEquals(1560, r.revOctets());
        assertEquals(SYN | ACK, r.fwdTcpFlags());
        assertEquals(SYN | ACK, r.revTcpFlags());
        assertEquals(T0, r.start());
        assertEquals(T0 + 7, r.end());
        assertEquals(FlowEndReason.FORCED_END, r.endReason());
        assertEquals(0, cache.liveFlows());
    }

    @Test
    void idleFlowIsExportedAfterTheIdleTimeoutAndNotBefore()
    {
        cache(16, new FlowTimeouts(30_000, 120_000, 2_000, 1_000));
        send(packets.v4(A, 1, B, 53, UDP, 0, 80, T0), T0);
        cache.advanceTime(T0 + 29_000);
        assertTrue(records.isEmpty());
        cache.advanceTime(T0 + 31_000);
        assertEquals(1, records.size());
        assertEquals(FlowEndReason.IDLE_TIMEOUT, records.get(0).endReason());
        assertEquals(0, cache.liveFlows());
    }

    @Test
    void longFlowIsExportedAtTheActiveTimeoutAndKeepsCounting()
    {
        cache(16, new FlowTimeouts(30_000, 10_000, 2_000, 1_000));
        for (int s = 0; s < 25; s++)
        {
            send(packets.v4(A, 1, B, 53, UDP, 0, 100, T0 + s * 1000L), T0 + s * 1000L);
        }
        cache.flushAll();
        assertEquals(3, records.size(), records.toString());
        assertEquals(FlowEndReason.ACTIVE_TIMEOUT, records.get(0).endReason());
        assertEquals(FlowEndReason.ACTIVE_TIMEOUT, records.get(1).endReason());
        assertEquals(FlowEndReason.FORCED_END, records.get(2).endReason());
        assertEquals(25, records.stream().mapToLong(RecordedFlow::fwdPackets).sum());
        assertEquals(2500, records.stream().mapToLong(RecordedFlow::fwdOctets).sum());
        assertTrue(records.get(1).start() > records.get(0).end());
    }

    @Test
    void tcpCloseInBothDirectionsEndsTheFlowAfterTheLastAck()
    {
        cache(16, new FlowTimeouts(30_000, 120_000, 2_000, 1_000));
        send(packets.v4(A, 40000, B, 80, TCP, SYN, 60, T0), T0);
        send(packets.v4(A, 40000, B, 80, TCP, FIN | ACK, 52, T0 + 10), T0 + 10);
        send(packets.v4(B, 80, A, 40000, TCP, FIN | ACK, 52, T0 + 11), T0 + 11);
        send(packets.v4(A, 40000, B, 80, TCP, ACK, 52, T0 + 12), T0 + 12);
        cache.advanceTime(T0 + 1_000);
        assertTrue(records.isEmpty(), "the close grace keeps the flow for its last ACK");
        cache.advanceTime(T0 + 2_100);
        assertEquals(1, records.size());
        assertEquals(FlowEndReason.END_OF_FLOW, records.get(0).endReason());
        assertEquals(3, records.get(0).fwdPackets());
        assertEquals(1, records.get(0).revPackets());
    }

    @Test
    void resetEndsTheFlowAndANewSynOnTheSameTupleStartsANewOne()
    {
        cache(16, FlowTimeouts.DEFAULT);
        send(packets.v4(A, 40000, B, 80, TCP, SYN, 60, T0), T0);
        send(packets.v4(B, 80, A, 40000, TCP, RST | ACK, 40, T0 + 1), T0 + 1);
        send(packets.v4(A, 40000, B, 80, TCP, SYN, 60, T0 + 100), T0 + 100);
        assertEquals(1, records.size());
        assertEquals(FlowEndReason.END_OF_FLOW, records.get(0).endReason());
        cache.flushAll();
        assertEquals(2, records.size());
        assertEquals(1, records.get(1).fwdPackets());
        assertEquals(0, records.get(1).revPackets());
        assertEquals(2, cache.flowsCreated());
    }

    @Test
    void fullCacheExportsTheLeastRecentlyActiveFlow()
    {
        cache(3, FlowTimeouts.DEFAULT);
        send(packets.v4(A, 1, B, 53, UDP, 0, 80, T0), T0);
        send(packets.v4(A, 2, B, 53, UDP, 0, 80, T0 + 1), T0 + 1);
        send(packets.v4(A, 3, B, 53, UDP, 0, 80, T0 + 2), T0 + 2);
        send(packets.v4(A, 1, B, 53, UDP, 0, 80, T0 + 3), T0 + 3); // port 2 is now the least recent
        send(packets.v4(A, 4, B, 53, UDP, 0, 80, T0 + 4), T0 + 4);
        assertEquals(1, records.size());
        assertEquals(2, records.get(0).srcPort());
        assertEquals(FlowEndReason.LACK_OF_RESOURCES, records.get(0).endReason());
        assertEquals(1, cache.evictions());
        assertEquals(3, cache.liveFlows());
    }

    @Test
    void counterAboutToOverflowSplitsTheRecordWithoutLosingBytes()
    {
        cache(4, FlowTimeouts.DEFAULT);
        final int big = 1_500_000_000;
        for (int i = 0; i < 5; i++)
        {
            send(packets.v4(A, 1, B, 2, UDP, 0, big, T0 + i), T0 + i);
        }
        cache.flushAll();
        assertEquals(5L * big, records.stream().mapToLong(RecordedFlow::fwdOctets).sum());
        assertEquals(5, records.stream().mapToLong(RecordedFlow::fwdPackets).sum());
        assertTrue(records.size() >= 2);
        assertTrue(cache.overflowSplits() >= 1);
    }

    @Test
    void ipv6FlowsAreKeyedOnFullAddressesInBothDirections()
    {
        cache(64, FlowTimeouts.DEFAULT);
        final long net = 0x2001_0db8_0000_0000L;
        send(packets.v6(net, 1, 5000, net, 2, 443, TCP, 80, T0), T0);
        send(packets.v6(net, 2, 443, net, 1, 5000, TCP, 1280, T0 + 1), T0 + 1);
        send(packets.v6(net, 3, 5000, net, 2, 443, TCP, 80, T0 + 2), T0 + 2);
        send(packets.v6(net | 1, 1, 5000, net, 2, 443, TCP, 80, T0 + 3), T0 + 3);
        assertEquals(3, cache.liveFlows());
        cache.flushAll();
        final RecordedFlow first = records.stream().filter(r -> r.src().equals("2001:db8:0:0:0:0:0:1"))
            .findFirst().orElseThrow();
        assertEquals(6, first.ipVersion());
        assertEquals(1, first.fwdPackets());
        assertEquals(1, first.revPackets());
        assertEquals(1280, first.revOctets());
    }

    @Test
    void vlanIsPartOfTheKey()
    {
        cache(16, FlowTimeouts.DEFAULT);
        send(packets.withVlan(A, B, 10, 100, T0), T0);
        send(packets.withVlan(A, B, 20, 100, T0), T0);
        assertEquals(2, cache.liveFlows());
        cache.flushAll();
        assertEquals(List.of(10, 20), records.stream().map(RecordedFlow::vlanId).sorted().toList());
    }
}
