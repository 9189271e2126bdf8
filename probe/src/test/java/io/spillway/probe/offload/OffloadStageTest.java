package io.spillway.probe.offload;

import com.sun.management.ThreadMXBean;
import io.spillway.device.Counters;
import io.spillway.exporter.FlowEndReason;
import io.spillway.offload.ExpiryCause;
import io.spillway.offload.LearnResult;
import io.spillway.probe.flow.FlowCache;
import io.spillway.probe.flow.FlowId;
import io.spillway.probe.flow.FlowTimeouts;
import io.spillway.probe.flow.RecordedFlow;
import io.spillway.probe.flow.TestPackets;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.spillway.probe.flow.TestPackets.UDP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker's offload side against hand-written agent messages: one request per flow, results, stale events. */
class OffloadStageTest
{
    private static final int A = 0x0A000001;
    private static final int B = 0x0A000002;
    private static final long T0 = 1_700_000_000_000L;

    private record Message(int type, long flowId)
    {
    }

    private final List<RecordedFlow> records = new ArrayList<>();
    private final TestPackets packets = new TestPackets();
    private final RingBuffer results = ring(64 * 1024);
    private final UnsafeBuffer message =
        new UnsafeBuffer(ByteBuffer.allocateDirect(OffloadMessages.FLOW_EXPIRED_LENGTH));
    private RingBuffer deferrals = ring(64 * 1024);
    private FlowCache cache;
    private OffloadStage offloader;

    private void start(final int capacity)
    {
        cache = new FlowCache(0, capacity, FlowTimeouts.DEFAULT, r -> records.add(RecordedFlow.of(r)));
        offloader = new OffloadStage(cache, deferrals, results, 1, new Counters(), 0);
    }

    @AfterEach
    void close()
    {
        cache.close();
    }

    @Test
    void aFlowIsRequestedOnceWithItsKeyAndItsLaterPacketsAskNoMore()
    {
        start(16);
        final int slot = packet(A, 1, B, 53);
        packet(B, 53, A, 1);
        packet(A, 1, B, 53);

        final List<Message> sent = new ArrayList<>();
        final long[] key = new long[2];
        deferrals.read((type, buffer, index, length) ->
        {
            sent.add(new Message(type, buffer.getLong(index + OffloadMessages.FLOW_ID)));
            key[0] = buffer.getLong(index + OffloadMessages.SRC_LO);
            key[1] = buffer.getInt(index + OffloadMessages.PORTS);
        });
        assertEquals(List.of(new Message(OffloadMessages.LEARN, cache.flowId(slot))), sent);
        assertEquals(A, key[0]);
        assertEquals(1 << 16 | 53, key[1], "the initiator's ports");
        assertEquals(FlowCache.OFFLOAD_PENDING, cache.offloadState(slot));
        assertEquals(1, offloader.stats().requests());
        assertEquals(2, offloader.stats().duplicatesPrevented());
    }

    @Test
    void theExpiryEventExportsTheFlowWithTheDevicesCounters()
    {
        start(16);
        final int slot = packet(A, 1, B, 53);
        final long flowId = cache.flowId(slot);
        result(OffloadMessages.LEARN_DONE, flowId);
        expired(flowId, ExpiryCause.TCP_END, 7);

        assertEquals(2, offloader.pollResults(10));
        assertEquals(1, records.size());
        assertEquals(8, records.get(0).packets());
        assertEquals(7, records.get(0).hwPackets());
        assertEquals(FlowEndReason.END_OF_FLOW, records.get(0).endReason());
        assertEquals(0, cache.liveFlows());
        assertEquals(1, offloader.stats().learned());
        assertEquals(1, offloader.stats().expired(ExpiryCause.TCP_END));
        assertEquals(7, offloader.stats().hwPackets());
    }

    @Test
    void lateAndDuplicatedEventsForARecycledSlotAreCountedAndIgnored()
    {
        start(16);
        final int slot = packet(A, 1, B, 53);
        final long first = cache.flowId(slot);
        result(OffloadMessages.LEARN_DONE, first);
        expired(first, ExpiryCause.IDLE_TIMEOUT, 3);
        expired(first, ExpiryCause.IDLE_TIMEOUT, 3);
        offloader.pollResults(10);
        assertEquals(1, records.size());
        assertEquals(1, offloader.stats().staleEvents(), "the duplicate found the flow gone");

        final int reused = packet(A, 2, B, 53);
        final long second = cache.flowId(reused);
        assertEquals(slot, reused);
        assertNotEquals(first, second);
        result(OffloadMessages.LEARN_DONE, first);
        expired(first, ExpiryCause.IDLE_TIMEOUT, 3);
        result(OffloadMessages.LEARN_DONE, second);
        result(OffloadMessages.LEARN_DONE, second);
        offloader.pollResults(10);

        assertEquals(3, offloader.stats().staleEvents());
        assertEquals(1, offloader.stats().outOfStateEvents(), "the second LEARN_DONE found the flow offloaded");
        assertEquals(1, records.size(), "the new flow of the slot is untouched");
        assertEquals(FlowCache.OFFLOAD_OFFLOADED, cache.offloadState(reused));
        assertEquals(1, cache.deviceOwnedFlows());
    }

    @Test
    void anOffloadedFlowDueAtTheActiveTimeoutIsUnlearnedExportedAndOffloadedAgain()
    {
        start(16);
        final int slot = offloadedFlow();
        final long first = cache.flowId(slot);

        // The sweep visits every flow once a sweep period.
        cache.advanceTime(T0);
        cache.advanceTime(T0 + FlowTimeouts.DEFAULT.activeMs() - FlowTimeouts.DEFAULT.sweepPeriodMs());
        assertEquals(List.of(), drainDeferrals(), "not due yet");
        cache.advanceTime(T0 + FlowTimeouts.DEFAULT.activeMs());
        assertEquals(List.of(new Message(OffloadMessages.UNLEARN, first)), drainDeferrals(), "due: taken back");
        assertTrue(cache.isRenewing(slot));
        cache.advanceTime(T0 + 2 * FlowTimeouts.DEFAULT.activeMs());
        assertEquals(List.of(), drainDeferrals(), "asked once");
        assertEquals(-1, cache.nextOffloaded(0), "a flow being taken back is not unlearned again at shutdown");

        expired(first, ExpiryCause.SOFTWARE_UNLEARN, 7);
        expired(first, ExpiryCause.SOFTWARE_UNLEARN, 7);
        offloader.pollResults(10);
        assertEquals(1, records.size());
        assertEquals(FlowEndReason.ACTIVE_TIMEOUT, records.get(0).endReason());
        assertEquals(8, records.get(0).packets(), "the host's first packet and the device's 7");
        assertEquals(7, records.get(0).hwPackets());
        assertEquals(1, cache.liveFlows(), "the flow goes on");
        assertEquals(0, cache.deviceOwnedFlows());
        assertEquals(FlowCache.OFFLOAD_NONE, cache.offloadState(slot));
        assertNotEquals(first, cache.flowId(slot), "a new generation");
        assertEquals(1, offloader.stats().renewals());
        assertEquals(1, offloader.stats().staleEvents(), "the duplicate named the old rule");

        assertEquals(slot, packet(A, 1, B, 53));
        assertEquals(List.of(new Message(OffloadMessages.LEARN, cache.flowId(slot))), drainDeferrals(),
            "offloaded again at its next packet");
        assertEquals(2, offloader.stats().requests());
    }

    @Test
    void aFlowTakenBackWhileShuttingDownEndsInsteadOfGoingOn()
    {
        start(16);
        final int slot = offloadedFlow();
        final long flowId = cache.flowId(slot);
        cache.advanceTime(T0);
        cache.advanceTime(T0 + FlowTimeouts.DEFAULT.activeMs());
        assertTrue(cache.isRenewing(slot));

        offloader.beginShutdown();
        expired(flowId, ExpiryCause.SOFTWARE_UNLEARN, 7);
        offloader.pollResults(10);
        assertEquals(1, records.size());
        assertEquals(FlowEndReason.FORCED_END, records.get(0).endReason());
        assertEquals(0, cache.liveFlows());
        assertEquals(0, offloader.stats().renewals());
    }

    @Test
    void aRefusedOrFailedLearnLeavesTheFlowToTheHostForGood()
    {
        start(16);
        final int refused = packet(A, 1, B, 53);
        final int failed = packet(A, 2, B, 53);
        result(OffloadMessages.LEARN_FAILED, cache.flowId(refused), LearnResult.RATE_EXCEEDED);
        result(OffloadMessages.LEARN_FAILED, cache.flowId(failed), LearnResult.TABLE_FULL);
        result(OffloadMessages.LEARN_FAILED, cache.flowId(failed), LearnResult.TABLE_FULL);
        offloader.pollResults(10);
        packet(A, 1, B, 53);
        packet(A, 2, B, 53);

        assertEquals(FlowCache.OFFLOAD_SOFTWARE, cache.offloadState(refused));
        assertEquals(FlowCache.OFFLOAD_SOFTWARE, cache.offloadState(failed));
        assertEquals(2, offloader.stats().requests(), "no second request");
        assertEquals(1, offloader.stats().failed(LearnResult.RATE_EXCEEDED));
        assertEquals(1, offloader.stats().failed(LearnResult.TABLE_FULL));
        assertEquals(1, offloader.stats().outOfStateEvents());
        assertEquals(0, offloader.stats().duplicatesPrevented());
        assertEquals(0, cache.deviceOwnedFlows());
    }

    @Test
    void flowsADeviceCannotTakeStayInSoftwareWithoutARequest()
    {
        start(16);
        final int portless = packet(A, 0, B, 0);

        assertEquals(FlowCache.OFFLOAD_SOFTWARE, cache.offloadState(portless));
        assertEquals(1, offloader.stats().notEligible());
        assertEquals(0, deferrals.size());
    }

    @Test
    void aFullDeferralRingNeverBlocksTheWorker()
    {
        deferrals = ring(1024);
        start(64);
        int last = -1;
        for (int port = 1; port <= 40; port++)
        {
            last = packet(A, port, B, 53);
        }

        assertTrue(offloader.stats().requestsNotQueued() > 0);
        assertEquals(40, offloader.stats().requests() + offloader.stats().requestsNotQueued());
        assertEquals(FlowCache.OFFLOAD_SOFTWARE, cache.offloadState(last));
    }

    @Test
    void shutdownUnlearnsEveryOffloadedFlowThenWaitsForTheDevice()
    {
        start(16);
        final long first = cache.flowId(packet(A, 1, B, 53));
        final long second = cache.flowId(packet(A, 2, B, 53));
        final long pending = cache.flowId(packet(A, 3, B, 53));
        result(OffloadMessages.LEARN_DONE, first);
        result(OffloadMessages.LEARN_DONE, second);
        offloader.pollResults(10);
        drainDeferrals();

        offloader.beginShutdown();
        assertEquals(3, offloader.continueShutdown());
        assertEquals(List.of(new Message(OffloadMessages.UNLEARN, first), new Message(OffloadMessages.UNLEARN, second),
            new Message(OffloadMessages.ENDING, 0)), drainDeferrals());
        assertFalse(offloader.isShutdownComplete());

        result(OffloadMessages.LEARN_DONE, pending);
        offloader.pollResults(10);
        assertEquals(List.of(new Message(OffloadMessages.UNLEARN, pending)), drainDeferrals(),
            "learned after the sweep: unlearned at once");
        expired(first, ExpiryCause.SOFTWARE_UNLEARN, 1);
        expired(second, ExpiryCause.SOFTWARE_UNLEARN, 1);
        expired(pending, ExpiryCause.DRAIN, 1);
        offloader.pollResults(10);

        assertTrue(offloader.isShutdownComplete());
        assertEquals(0, cache.liveFlows());
        assertTrue(records.stream().allMatch(r -> r.endReason() == FlowEndReason.FORCED_END));
        assertEquals(3, offloader.stats().unlearns());
    }

    @Test
    void requestsResultsAndExpiriesAllocateNothing()
    {
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long[] exported = new long[1];
        cache = new FlowCache(0, 1024, FlowTimeouts.DEFAULT, r -> exported[0] += r.hwPackets());
        offloader = new OffloadStage(cache, deferrals, results, 1, new Counters(), 0);
        final long[] learns = new long[1];
        final MessageHandler agent = (type, buffer, index, length) -> learns[0] = buffer.getLong(index);

        cycle(learns, agent, 20_000);
        final long[] allocated = new long[5];
        for (int window = 0; window < allocated.length; window++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            cycle(learns, agent, 20_000);
            allocated[window] = threads.getCurrentThreadAllocatedBytes() - before;
        }

        assertEquals(6 * 20_000 * 2, exported[0], "every cycle's flow came back with its hardware packets");
        assertEquals(0, offloader.stats().ignoredEvents());
        assertEquals(0L, Arrays.stream(allocated).min().orElseThrow(),
            "bytes allocated per 20,000 offloaded flows: " + Arrays.toString(allocated));
    }

    /** Flows through their whole offload life: request, LEARN_DONE, a buffered packet, FLOW_EXPIRED. */
    private void cycle(final long[] learns, final MessageHandler agent, final int flows)
    {
        for (int i = 0; i < flows; i++)
        {
            offloader.onPacket(cache.onPacket(packets.v4(A, 1 + (i & 0x3FF), B, 53, UDP, 0, 80, T0), 0));
            while (deferrals.size() > 0)
            {
                deferrals.read(agent);
            }
            result(OffloadMessages.LEARN_DONE, learns[0]);
            applyResults();
            offloader.onPacket(cache.onPacket(packets.v4(B, 53, A, 1 + (i & 0x3FF), UDP, 0, 80, T0), 0));
            expired(learns[0], ExpiryCause.IDLE_TIMEOUT, 2);
            applyResults();
        }
    }

    /** A read stops at the ring's end (where it wraps), so read until the ring is empty. */
    private void applyResults()
    {
        while (results.size() > 0)
        {
            offloader.pollResults(10);
        }
    }

    private int packet(final int src, final int srcPort, final int dst, final int dstPort)
    {
        final int slot = cache.onPacket(packets.v4(src, srcPort, dst, dstPort, UDP, 0, 80, T0), 0);
        offloader.onPacket(slot);
        return slot;
    }

    /** A flow learned by the device, its request taken off the deferral ring. */
    private int offloadedFlow()
    {
        final int slot = packet(A, 1, B, 53);
        drainDeferrals();
        result(OffloadMessages.LEARN_DONE, cache.flowId(slot));
        offloader.pollResults(10);
        assertEquals(FlowCache.OFFLOAD_OFFLOADED, cache.offloadState(slot));
        return slot;
    }

    private List<Message> drainDeferrals()
    {
        final List<Message> sent = new ArrayList<>();
        while (deferrals.size() > 0)
        {
            deferrals.read((type, buffer, index, length) ->
                sent.add(new Message(type, buffer.getLong(index + OffloadMessages.FLOW_ID))));
        }
        return sent;
    }

    private void result(final int type, final long flowId)
    {
        message.putLong(OffloadMessages.FLOW_ID, flowId);
        assertTrue(results.write(type, message, 0, OffloadMessages.FLOW_ID_LENGTH));
    }

    private void result(final int type, final long flowId, final int cause)
    {
        message.putLong(OffloadMessages.FLOW_ID, flowId);
        message.putInt(OffloadMessages.CAUSE, cause);
        assertTrue(results.write(type, message, 0, OffloadMessages.LEARN_FAILED_LENGTH));
    }

    /** FLOW_EXPIRED with {@code hwPackets} forward packets of 94 frame bytes. */
    private void expired(final long flowId, final int cause, final long hwPackets)
    {
        message.setMemory(0, OffloadMessages.FLOW_EXPIRED_LENGTH, (byte)0);
        message.putLong(OffloadMessages.FLOW_ID, flowId);
        message.putInt(OffloadMessages.CAUSE, cause);
        message.putLong(OffloadMessages.FWD_PACKETS, hwPackets);
        message.putLong(OffloadMessages.FWD_BYTES, hwPackets * 94);
        message.putLong(OffloadMessages.LAST_SEEN_NS, (T0 + 10) * 1_000_000L);
        assertTrue(results.write(OffloadMessages.FLOW_EXPIRED, message, 0, OffloadMessages.FLOW_EXPIRED_LENGTH));
        assertEquals(0, FlowId.queue(flowId));
    }

    private static RingBuffer ring(final int capacity)
    {
        return new OneToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH)));
    }
}
