package io.spillway.offload.emulated;

import io.spillway.offload.LearnResult;
import io.spillway.offload.OffloadAction;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.spillway.offload.emulated.NicDriver.MS;
import static io.spillway.offload.emulated.NicDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FaultInjectionTest
{
    private static final int FLOWS = 2000;

    @Test
    void theSameSeedGivesTheSameEventsAndAnotherSeedDifferentOnes()
    {
        final FaultInjection faults = faults(7);
        final List<RecordingHandler.Event> first = scenario(faults).handler.events;
        final List<RecordingHandler.Event> again = scenario(faults).handler.events;
        final List<RecordingHandler.Event> other = scenario(faults(8)).handler.events;
        assertEquals(first, again);
        assertNotEquals(first, other);
        assertTrue(first.size() > 2 * FLOWS, "duplicates add events: " + first.size());
    }

    @Test
    void withoutDuplicatesEachFlowIdStillGetsItsEventsExactlyOnce()
    {
        final NicDriver driver = scenario(faults(11));
        final Map<String, Integer> seen = new HashMap<>();
        for (final RecordingHandler.Event event : driver.handler.events)
        {
            seen.merge(event.flowId() + "/" + event.kind(), 1, Integer::sum);
        }
        final long duplicates = driver.handler.events.size() - seen.size();
        assertEquals(driver.nic.counters().get(NicCounter.EVENTS_DUPLICATED), duplicates,
            "a duplicate repeats the same flowId and kind, nothing else");
        final Set<Long> results = new HashSet<>();
        final Set<Long> done = new HashSet<>();
        final Set<Long> expired = new HashSet<>();
        for (final RecordingHandler.Event event : driver.handler.events)
        {
            switch (event.kind())
            {
                case EventQueue.LEARN_DONE -> { results.add(event.flowId()); done.add(event.flowId()); }
                case EventQueue.LEARN_FAILED -> results.add(event.flowId());
                default -> expired.add(event.flowId());
            }
        }
        assertEquals(FLOWS, results.size(), "every accepted learn has a result");
        assertEquals(done, expired, "every LEARN_DONE has a FLOW_EXPIRED, and only those");

        final long deviceErrors = driver.handler.events.stream().filter(event -> event.kind() ==
            EventQueue.LEARN_FAILED && event.cause() == LearnResult.DEVICE_ERROR).map(RecordingHandler.Event::flowId)
            .distinct().count();
        assertEquals(0.10 * FLOWS, deviceErrors, 0.03 * FLOWS, "injected learn failures");
        assertTrue(driver.nic.counters().get(NicCounter.LEARNS_FAILED_TABLE_FULL) > 0.02 * FLOWS);
    }

    @Test
    void reorderingCanPutAFlowsExpiryBeforeItsLearnDone()
    {
        final NicDriver driver = scenario(new FaultInjection(3, 0, 0, 0, 0, 0.5, 0));
        final Set<Long> done = new HashSet<>();
        int expiredFirst = 0;
        for (final RecordingHandler.Event event : driver.handler.events)
        {
            if (event.kind() == EventQueue.LEARN_DONE)
            {
                done.add(event.flowId());
            }
            else if (event.kind() == EventQueue.FLOW_EXPIRED && !done.contains(event.flowId()))
            {
                expiredFirst++;
            }
        }
        assertTrue(expiredFirst > 0, "reordered pairs");
        assertEquals(driver.handler.events.size(), 2 * FLOWS, "reordering neither adds nor loses events");
    }

    @Test
    void delayedEventsWaitForDeviceTimeAndHoldBackTheQueue()
    {
        final NicDriver driver = new NicDriver(NicDriver.config()
            .faults(new FaultInjection(5, 0, 0, 1.0, 10 * MS, 0, 0)));
        driver.nic.advanceTime(T0);
        for (int flow = 1; flow <= 50; flow++)
        {
            driver.learn(flow, flow, OffloadAction.COUNT_AND_DROP);
        }
        final int early = driver.poll().size();
        driver.nic.advanceTime(T0 + 5 * MS);
        final int middle = driver.poll().size();
        driver.nic.advanceTime(T0 + 10 * MS);
        final int late = driver.poll().size();
        assertTrue(early < 50, "some events wait: " + early);
        assertEquals(50, early + middle + late, "all deliverable once the maximum delay has passed");
        assertEquals(50, driver.nic.counters().get(NicCounter.EVENTS_DELAYED));
        for (int i = 1; i < driver.handler.events.size(); i++)
        {
            assertTrue(driver.handler.events.get(i).flowId() > driver.handler.events.get(i - 1).flowId(),
                "a delay holds back later events instead of reordering them");
        }
    }

    private static FaultInjection faults(final long seed)
    {
        return new FaultInjection(seed, 0.10, 0.05, 0.2, 2 * MS, 0.2, 0.2);
    }

    /** Learns {@link #FLOWS} flows over time with traffic, unlearns every third, then drains and polls it all. */
    private static NicDriver scenario(final FaultInjection faults)
    {
        final NicDriver driver = new NicDriver(NicDriver.config().flowTableCapacity(4096).faults(faults));
        long now = T0;
        for (int flow = 1; flow <= FLOWS; flow++)
        {
            now += 100_000;
            driver.nic.advanceTime(now);
            assertEquals(LearnResult.ACCEPTED, driver.learn(flow, flow, OffloadAction.COUNT_AND_DROP));
            driver.packet(flow, false, now, 100, 0);
            if (flow % 3 == 0)
            {
                driver.nic.unlearn(flow);
            }
            if (flow % 10 == 0)
            {
                driver.poll();
            }
        }
        driver.nic.drain();
        driver.poll();
        driver.nic.close();
        return driver;
    }
}
