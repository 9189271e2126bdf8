package io.spillway.offload.emulated;

import io.spillway.offload.ExpiryCause;
import io.spillway.offload.LearnResult;
import io.spillway.offload.OffloadAction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.spillway.offload.emulated.NicDriver.MS;
import static io.spillway.offload.emulated.NicDriver.T0;
import static io.spillway.offload.emulated.ReceiveOutcome.COUNTED;
import static io.spillway.offload.emulated.ReceiveOutcome.DROPPED;
import static io.spillway.offload.emulated.ReceiveOutcome.FORWARDED;
import static io.spillway.offload.emulated.ReceiveOutcome.TO_HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceivePathTest
{
    private static final int FIN = 0x01;
    private static final int RST = 0x04;
    private static final int ACK = 0x10;

    @Test
    void packetsInTheBufferWhenALearnOrUnlearnTakesEffectStayOnTheirSide()
    {
        final NicDriver driver = new NicDriver(NicDriver.config().bufferDelayNs(10 * MS));
        driver.nic.advanceTime(T0);
        assertEquals(LearnResult.ACCEPTED, driver.learn(7, 1, OffloadAction.COUNT_AND_DROP));
        long forwardPackets = 0;
        long reversePackets = 0;
        long forwardBytes = 0;
        for (int k = 0; k < 20; k++)
        {
            final boolean reverse = k % 3 == 0;
            final int outcome = driver.packet(1, reverse, T0 + k * MS, 100 + k, 0);
            assertEquals(k < 10 ? TO_HOST : COUNTED, outcome, "packet at +" + k + " ms");
            if (outcome == COUNTED)
            {
                forwardPackets += reverse ? 0 : 1;
                reversePackets += reverse ? 1 : 0;
                forwardBytes += reverse ? 0 : 100 + k;
            }
        }

        driver.nic.advanceTime(T0 + 20 * MS);
        assertTrue(driver.nic.unlearn(7));
        assertTrue(!driver.nic.unlearn(7), "a second unlearn of the same flow does nothing");
        for (int k = 20; k < 40; k++)
        {
            final int outcome = driver.packet(1, false, T0 + k * MS, 100 + k, 0);
            assertEquals(k < 30 ? COUNTED : TO_HOST, outcome, "packet at +" + k + " ms");
            forwardPackets += outcome == COUNTED ? 1 : 0;
            forwardBytes += outcome == COUNTED ? 100 + k : 0;
            if (k == 29)
            {
                assertEquals(List.of(EventQueue.LEARN_DONE), kinds(driver.poll()), "still counting at +29 ms");
            }
        }

        final List<RecordingHandler.Event> events = driver.poll();
        assertEquals(1, events.size());
        final RecordingHandler.Event expired = events.get(0);
        assertEquals(EventQueue.FLOW_EXPIRED, expired.kind());
        assertEquals(ExpiryCause.SOFTWARE_UNLEARN, expired.cause());
        assertEquals(7, expired.flowId());
        assertEquals(forwardPackets, expired.forwardPackets());
        assertEquals(forwardBytes, expired.forwardBytes());
        assertEquals(reversePackets, expired.reversePackets());
        assertEquals(T0 + 29 * MS, expired.lastSeenNs());
        final List<NicDriver.HostPacket> host = driver.readHost();
        assertEquals(20, host.size());
        assertTrue(host.stream().allMatch(packet -> packet.flowId() == 0), "in-flight packets carry no flowId");
        assertEquals(40 - 20, forwardPackets + reversePackets);
    }

    @Test
    void aFlowLearnedAgainWhileItsOldEntryIsUnlearnedCountsEachPacketOnce()
    {
        final NicDriver driver = new NicDriver(NicDriver.config().bufferDelayNs(10 * MS));
        driver.nic.advanceTime(T0);
        driver.learn(11, 5, OffloadAction.COUNT_AND_DROP);
        driver.nic.advanceTime(T0 + 50 * MS);
        assertTrue(driver.nic.unlearn(11));
        assertEquals(LearnResult.ACCEPTED, driver.learn(12, 5, OffloadAction.COUNT_AND_DROP));
        for (int k = 0; k < 20; k++)
        {
            assertEquals(COUNTED, driver.packet(5, false, T0 + (50 + k) * MS, 64, 0));
        }
        driver.nic.drain();
        final List<RecordingHandler.Event> events = driver.poll();
        assertEquals(List.of(EventQueue.LEARN_DONE, EventQueue.LEARN_DONE, EventQueue.FLOW_EXPIRED,
            EventQueue.FLOW_EXPIRED), kinds(events));
        assertEquals(11, events.get(2).flowId());
        assertEquals(10, events.get(2).forwardPackets(), "the old entry counts until unlearn + delay");
        assertEquals(ExpiryCause.SOFTWARE_UNLEARN, events.get(2).cause());
        assertEquals(12, events.get(3).flowId());
        assertEquals(10, events.get(3).forwardPackets(), "the new entry counts from learn + delay");
        assertEquals(ExpiryCause.DRAIN, events.get(3).cause());
    }

    @Test
    void actionsCountPerDirectionAndPort()
    {
        final NicDriver driver = new NicDriver(NicDriver.config());
        driver.nic.advanceTime(T0);
        final OffloadAction[] actions = {
            OffloadAction.COUNT_AND_DROP, OffloadAction.DROP, OffloadAction.FORWARD, OffloadAction.TO_HOST};
        final int[] expected = {COUNTED, DROPPED, FORWARDED, TO_HOST};
        for (int flow = 0; flow < actions.length; flow++)
        {
            assertEquals(LearnResult.ACCEPTED, driver.learn(100 + flow, flow + 1, actions[flow]));
        }
        for (int flow = 0; flow < actions.length; flow++)
        {
            for (int k = 0; k < 5; k++)
            {
                final boolean reverse = k >= 3;
                final int flags = reverse ? 0x12 : (k == 0 ? 0x02 : 0x10);
                assertEquals(expected[flow], driver.packet(flow + 1, reverse, T0 + k * MS, reverse ? 60 : 1000, flags));
            }
        }

        final NicCounters counters = driver.nic.counters();
        assertEquals(3, counters.forwardedPackets(1), "forward direction leaves on the forward port");
        assertEquals(2, counters.forwardedPackets(0), "reverse direction leaves on the reverse port");
        assertEquals(3000 + 120, counters.get(NicCounter.HW_FORWARDED_BYTES));
        assertEquals(5, counters.get(NicCounter.HW_COUNTED_PACKETS));
        assertEquals(5, counters.get(NicCounter.HW_DROPPED_PACKETS));
        assertEquals(5, counters.get(NicCounter.HOST_TAGGED_PACKETS));
        final List<NicDriver.HostPacket> host = driver.readHost();
        assertEquals(5, host.size());
        assertTrue(host.stream().allMatch(packet -> packet.flowId() == 103 && packet.flow() == 4));

        driver.nic.drain();
        final List<RecordingHandler.Event> expired = driver.poll().stream()
            .filter(event -> event.kind() == EventQueue.FLOW_EXPIRED).toList();
        assertEquals(4, expired.size());
        for (final RecordingHandler.Event event : expired)
        {
            final boolean toHost = event.flowId() == 103;
            assertEquals(toHost ? 0 : 3, event.forwardPackets(), "flow " + event.flowId());
            assertEquals(toHost ? 0 : 3000, event.forwardBytes());
            assertEquals(toHost ? 0 : 2, event.reversePackets());
            assertEquals(toHost ? 0 : 120, event.reverseBytes());
            assertEquals(toHost ? 0 : 0x12, event.forwardTcpFlags());
            assertEquals(toHost ? 0 : 0x12, event.reverseTcpFlags());
            assertEquals(T0 + 4 * MS, event.lastSeenNs(), "last seen counts every packet the device matched");
            assertEquals(ExpiryCause.DRAIN, event.cause());
        }
    }

    @Test
    void tcpAutoUnlearnEndsAFlowAtFinInBothDirectionsOrRst()
    {
        final NicDriver driver = new NicDriver(NicDriver.config());
        driver.nic.advanceTime(T0);
        final int finFlow = 1;
        final int rstFlow = 2;
        final int keptFlow = 4;
        final int udpFlow = 3;
        driver.learn(1, finFlow, OffloadAction.COUNT_AND_DROP);
        driver.learn(2, rstFlow, OffloadAction.COUNT_AND_DROP);
        driver.learn(4, keptFlow, OffloadAction.COUNT_AND_DROP, NicDriver.HOUR, false);
        driver.learn(3, udpFlow, OffloadAction.COUNT_AND_DROP);
        assertEquals(TestFlows.UDP, TestFlows.protocol(udpFlow));

        assertEquals(COUNTED, driver.packet(finFlow, false, T0 + MS, 60, FIN | ACK));
        assertEquals(COUNTED, driver.packet(finFlow, false, T0 + 2 * MS, 60, FIN | ACK), "one side's FIN twice");
        assertEquals(COUNTED, driver.packet(finFlow, true, T0 + 3 * MS, 60, FIN | ACK));
        assertEquals(TO_HOST, driver.packet(finFlow, false, T0 + 4 * MS, 60, ACK), "the last ACK reaches the host");

        assertEquals(COUNTED, driver.packet(rstFlow, true, T0 + 5 * MS, 60, RST));
        assertEquals(TO_HOST, driver.packet(rstFlow, false, T0 + 6 * MS, 60, ACK));

        for (final int flow : new int[]{keptFlow, udpFlow})
        {
            assertEquals(COUNTED, driver.packet(flow, false, T0 + 7 * MS, 60, FIN));
            assertEquals(COUNTED, driver.packet(flow, true, T0 + 8 * MS, 60, FIN));
            assertEquals(COUNTED, driver.packet(flow, true, T0 + 9 * MS, 60, RST));
            assertEquals(COUNTED, driver.packet(flow, false, T0 + 10 * MS, 60, ACK), "flow " + flow + " stays");
        }

        final List<RecordingHandler.Event> expired = driver.poll().stream()
            .filter(event -> event.kind() == EventQueue.FLOW_EXPIRED).toList();
        assertEquals(2, expired.size());
        assertEquals(1, expired.get(0).flowId());
        assertEquals(ExpiryCause.TCP_END, expired.get(0).cause());
        assertEquals(2, expired.get(0).forwardPackets());
        assertEquals(1, expired.get(0).reversePackets());
        assertEquals(FIN | ACK, expired.get(0).reverseTcpFlags());
        assertEquals(2, expired.get(1).flowId());
        assertEquals(ExpiryCause.TCP_END, expired.get(1).cause());
        assertEquals(1, expired.get(1).reversePackets());
        assertEquals(2, driver.nic.counters().get(NicCounter.EXPIRED_TCP_END));
    }

    @Test
    void idleFlowsExpireAfterTheirTimeoutWithinOneSweepPeriod()
    {
        final long second = 1000 * MS;
        final NicDriver driver = new NicDriver(NicDriver.config().expirySweepPeriodNs(second));
        driver.nic.advanceTime(T0);
        driver.learn(9, 1, OffloadAction.COUNT_AND_DROP, 2 * second, true);
        driver.learn(10, 2, OffloadAction.COUNT_AND_DROP, 2 * second, true);
        assertEquals(COUNTED, driver.packet(1, false, T0 + second, 60, 0));

        // Small steps, as packet time moves, up to just before flow 1's deadline.
        for (long t = T0; t < T0 + 3 * second; t += 10 * MS)
        {
            driver.nic.advanceTime(t);
        }
        final List<RecordingHandler.Event> early = driver.poll().stream()
            .filter(event -> event.kind() == EventQueue.FLOW_EXPIRED).toList();
        assertEquals(1, early.size(), "flow 2 (no packet since its learn at T0) has expired, flow 1 not yet");
        assertEquals(10, early.get(0).flowId());
        assertEquals(0, early.get(0).lastSeenNs());

        for (long t = T0 + 3 * second; t <= T0 + 4 * second; t += 10 * MS)
        {
            driver.nic.advanceTime(t);
        }
        final List<RecordingHandler.Event> late = driver.poll();
        assertEquals(1, late.size());
        assertEquals(9, late.get(0).flowId());
        assertEquals(ExpiryCause.IDLE_TIMEOUT, late.get(0).cause());
        assertEquals(T0 + second, late.get(0).lastSeenNs());
        assertEquals(1, late.get(0).forwardPackets());
        assertEquals(TO_HOST, driver.packet(1, false, T0 + 4 * second + 1, 60, 0));
    }

    @Test
    void theHighHalfOfTheRssHashPicksTheQueueForBothDirections()
    {
        final NicDriver driver = new NicDriver(NicDriver.config().queues(4));
        for (int flow = 0; flow < 200; flow++)
        {
            driver.packet(flow, false, T0, 64, 0);
            driver.packet(flow, true, T0, 64, 0);
        }
        for (int queue = 0; queue < 4; queue++)
        {
            final int expectedQueue = queue;
            final List<Integer> flows = new java.util.ArrayList<>();
            driver.nic.hostRing(queue).poll(
                (flowId, buffer, offset, length) -> flows.add(buffer.getInt(offset)), 1000);
            assertTrue(flows.size() > 20, "queue " + queue + " got " + flows.size());
            assertEquals(0, flows.size() % 2);
            assertTrue(flows.stream().allMatch(
                flow -> (int)(((TestFlows.rssHash(flow) >>> 32) * 4) >>> 32) == expectedQueue));
        }
    }

    private static List<Integer> kinds(final List<RecordingHandler.Event> events)
    {
        return events.stream().map(RecordingHandler.Event::kind).toList();
    }
}
