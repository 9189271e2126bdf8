package io.spillway.offload.emulated;

import io.spillway.offload.ExpiryCause;
import io.spillway.offload.LearnResult;
import io.spillway.offload.OffloadAction;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static io.spillway.offload.emulated.NicDriver.MS;
import static io.spillway.offload.emulated.NicDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random traffic, learns, unlearns, TCP ends, idle expiries and a drain, against a model of the host: for every flow
 * and direction, host packets + hardware packets = packets offered, exactly; every accepted learn gets one result,
 * every LEARN_DONE one FLOW_EXPIRED carrying exactly what the device consumed for that flowId.
 */
class AccountingPropertyTest
{
    private static final int FLOWS = 100;
    private static final OffloadAction[] ACTIONS = OffloadAction.values();

    @Test
    void hostPlusHardwareEqualsOfferedAndEveryFlowIdGetsItsEvents()
    {
        final Totals totals = new Totals();
        for (long seed = 1; seed <= 6; seed++)
        {
            run(seed, seed % 2 == 0 ? 0 : 5 * MS, totals);
        }
        // The random walk must have reached every path it claims to check.
        assertTrue(totals.causes.containsKey(ExpiryCause.IDLE_TIMEOUT), "idle expiries: " + totals.causes);
        assertTrue(totals.causes.containsKey(ExpiryCause.TCP_END));
        assertTrue(totals.causes.containsKey(ExpiryCause.SOFTWARE_UNLEARN));
        assertTrue(totals.causes.containsKey(ExpiryCause.DRAIN));
        assertTrue(totals.tableFull > 0, "table full");
        assertTrue(totals.rateExceeded > 0, "rate exceeded");
        assertTrue(totals.consumed > 10_000 && totals.hosted > 10_000, totals.consumed + " / " + totals.hosted);
    }

    private static void run(final long seed, final long bufferDelayNs, final Totals totals)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final NicDriver driver = new NicDriver(NicDriver.config()
            .flowTableCapacity(32).learnRateFlowsPerSecond(20_000).learnBurst(5).bufferDelayNs(bufferDelayNs)
            .expirySweepPeriodNs(10 * MS));
        final EmulatedSmartNic nic = driver.nic;
        final long[][] offered = new long[FLOWS][4];           // packets, bytes per direction
        final long[] outstanding = new long[FLOWS];            // flowId learned and not yet ended, 0 if none
        final Map<Long, long[]> consumedByFlowId = new HashMap<>();
        final Map<Long, Integer> flowOfFlowId = new HashMap<>();
        final Set<Long> accepted = new HashSet<>();
        final Set<Long> done = new HashSet<>();
        final Set<Long> ended = new HashSet<>();
        final long[][] hardware = new long[FLOWS][4];
        long nextFlowId = 1;
        long now = T0;
        nic.advanceTime(now);

        for (int op = 0; op < 20_000; op++)
        {
            now += random.nextLong(200_000);
            final int flow = random.nextInt(FLOWS);
            final boolean reverse = random.nextBoolean();
            final int length = 60 + random.nextInt(1440);
            final int flags = TestFlows.protocol(flow) == TestFlows.TCP && random.nextInt(40) == 0 ?
                (random.nextInt(3) == 0 ? 0x04 : 0x11) : 0x10;
            final int outcome = driver.packet(flow, reverse, now, length, flags);
            final int direction = reverse ? 2 : 0;
            offered[flow][direction]++;
            offered[flow][direction + 1] += length;
            assertTrue(outcome != ReceiveOutcome.HOST_RING_FULL);
            if (ReceiveOutcome.isConsumed(outcome))
            {
                final long[] consumed = consumedByFlowId.get(outstanding[flow]);
                assertNotNull(consumed, "a consumed packet belongs to the flow's outstanding flowId");
                consumed[direction]++;
                consumed[direction + 1] += length;
                totals.consumed++;
            }

            if (random.nextInt(8) == 0 && outstanding[flow] == 0)
            {
                final long flowId = nextFlowId++;
                final int result = driver.learn(flowId, flow, ACTIONS[random.nextInt(ACTIONS.length)],
                    (5 + random.nextInt(200)) * MS, random.nextBoolean());
                if (result == LearnResult.ACCEPTED)
                {
                    outstanding[flow] = flowId;
                    accepted.add(flowId);
                    flowOfFlowId.put(flowId, flow);
                    consumedByFlowId.put(flowId, new long[4]);
                }
                else
                {
                    assertEquals(LearnResult.RATE_EXCEEDED, result);
                    totals.rateExceeded++;
                }
            }
            if (random.nextInt(50) == 0)
            {
                final int victim = random.nextInt(FLOWS);
                if (outstanding[victim] != 0)
                {
                    nic.unlearn(outstanding[victim]);
                }
            }
            if (random.nextInt(10) == 0 || op == 19_999)
            {
                if (op == 19_999)
                {
                    nic.drain();
                }
                final int limit = 1 + random.nextInt(30);
                while (nic.poll(driver.handler, limit) > 0)
                {
                    for (final RecordingHandler.Event event : driver.handler.events)
                    {
                        final long flowId = event.flowId();
                        assertTrue(accepted.contains(flowId), "event for a flowId never accepted: " + event);
                        assertFalse(ended.contains(flowId), "event after the last one: " + event);
                        final int owner = flowOfFlowId.get(flowId);
                        switch (event.kind())
                        {
                            case EventQueue.LEARN_DONE -> assertTrue(done.add(flowId), "second LEARN_DONE " + event);
                            case EventQueue.LEARN_FAILED ->
                            {
                                assertFalse(done.contains(flowId));
                                assertEquals(LearnResult.TABLE_FULL, event.cause());
                                totals.tableFull++;
                                ended.add(flowId);
                                outstanding[owner] = 0;
                            }
                            default ->
                            {
                                assertTrue(done.contains(flowId), "FLOW_EXPIRED before LEARN_DONE " + event);
                                final long[] consumed = consumedByFlowId.get(flowId);
                                assertEquals(consumed[0], event.forwardPackets(), "forward packets " + event);
                                assertEquals(consumed[1], event.forwardBytes());
                                assertEquals(consumed[2], event.reversePackets());
                                assertEquals(consumed[3], event.reverseBytes());
                                for (int i = 0; i < 4; i++)
                                {
                                    hardware[owner][i] += consumed[i];
                                }
                                totals.causes.merge(event.cause(), 1, Integer::sum);
                                ended.add(flowId);
                                outstanding[owner] = 0;
                            }
                        }
                    }
                    driver.handler.events.clear();
                }
            }
            if (random.nextInt(20) == 0)
            {
                driver.readHost();
            }
        }

        assertEquals(0, nic.poll(driver.handler, 100), "nothing after the drain was polled out");
        assertEquals(accepted, ended, "every accepted learn ended with LEARN_FAILED or FLOW_EXPIRED");
        assertEquals(LearnResult.DEVICE_ERROR, driver.learn(nextFlowId, 0, OffloadAction.DROP), "drained");
        final long[][] host = new long[FLOWS][4];
        driver.readHost();
        for (final NicDriver.HostPacket packet : driver.hostPackets)
        {
            final int direction = packet.reverse() ? 2 : 0;
            host[packet.flow()][direction]++;
            host[packet.flow()][direction + 1] += packet.frameLength();
            if (packet.flowId() != 0)
            {
                assertEquals(flowOfFlowId.get(packet.flowId()), packet.flow(), "a tag names the packet's own flow");
            }
        }
        for (int flow = 0; flow < FLOWS; flow++)
        {
            for (int i = 0; i < 4; i++)
            {
                assertEquals(offered[flow][i], host[flow][i] + hardware[flow][i], "seed " + seed + " flow " + flow +
                    " field " + i);
            }
            totals.hosted += host[flow][0] + host[flow][2];
        }
        final NicCounters counters = nic.counters();
        assertEquals(20_000, counters.get(NicCounter.LOOKUPS));
        assertEquals(counters.get(NicCounter.LOOKUPS), counters.get(NicCounter.HITS) + counters.get(NicCounter.MISSES));
        assertEquals(accepted.size(), counters.get(NicCounter.LEARNS_ACCEPTED));
        assertEquals(done.size(), counters.get(NicCounter.LEARNS_DONE));
        assertEquals(done.size(), counters.get(NicCounter.EXPIRED_IDLE) + counters.get(NicCounter.EXPIRED_TCP_END) +
            counters.get(NicCounter.EXPIRED_UNLEARN) + counters.get(NicCounter.EXPIRED_DRAIN));
        assertEquals(0, counters.get(NicCounter.TABLE_FLOWS));
        assertEquals(0, counters.get(NicCounter.HOST_RING_DROPS));
        nic.close();
    }

    private static final class Totals
    {
        final Map<Integer, Integer> causes = new HashMap<>();
        long tableFull;
        long rateExceeded;
        long consumed;
        long hosted;
    }
}
