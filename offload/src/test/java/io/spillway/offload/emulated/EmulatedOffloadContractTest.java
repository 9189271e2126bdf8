package io.spillway.offload.emulated;

import io.spillway.offload.ExpiryCause;
import io.spillway.offload.FlowOffload;
import io.spillway.offload.FlowOffloadContract;
import io.spillway.offload.LearnRequest;
import io.spillway.offload.LearnResult;
import io.spillway.offload.OffloadAction;
import io.spillway.offload.OffloadFlowKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.spillway.offload.emulated.NicDriver.MS;
import static io.spillway.offload.emulated.NicDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The emulated SmartNIC keeps the flow table contract every backend keeps, and what only the model has: its
 * counters, a FORWARD port range, the programming cost, host rings readable after close, its capabilities.
 */
class EmulatedOffloadContractTest extends FlowOffloadContract
{
    private final OffloadFlowKey wire = new OffloadFlowKey();
    private final UnsafeBuffer descriptor = new UnsafeBuffer(new byte[16]);

    @Override
    protected FlowOffload newDevice()
    {
        final EmulatedSmartNic nic = new EmulatedSmartNic(NicDriver.config());
        nic.advanceTime(NicDriver.T0);
        return nic;
    }

    @Override
    protected void offer(
        final FlowOffload device, final OffloadFlowKey key, final boolean reverse, final int packets,
        final int frameLength)
    {
        final EmulatedSmartNic nic = (EmulatedSmartNic)device;
        if (reverse)
        {
            wire.reverseOf(key);
        }
        else
        {
            wire.copyFrom(key);
        }
        for (int i = 0; i < packets; i++)
        {
            nic.receive(wire, 1, nic.nowNs() + 1_000, frameLength, 0, descriptor, 0, descriptor.capacity());
        }
    }

    @Override
    protected void elapse(final FlowOffload device, final long ns)
    {
        final EmulatedSmartNic nic = (EmulatedSmartNic)device;
        nic.advanceTime(nic.nowNs() + ns);
    }

    @Test
    void malformedRequestsAreCountedAndAForwardPortBeyondThePortsIsRefused()
    {
        final NicDriver driver = new NicDriver(NicDriver.config().ports(2));
        driver.nic.advanceTime(T0);
        final LearnRequest request = new LearnRequest();
        TestFlows.key(request.key(), 1);
        request.flowId(0);
        assertEquals(LearnResult.INVALID, driver.nic.learn(request), "flowId 0");
        request.flowId(5).idleTimeoutNs(0);
        assertEquals(LearnResult.INVALID, driver.nic.learn(request), "no idle timeout");
        request.idleTimeoutNs(MS).action(OffloadAction.FORWARD).ports(2, 0);
        assertEquals(LearnResult.INVALID, driver.nic.learn(request), "port 2 of 2");
        request.action(null);
        assertEquals(LearnResult.INVALID, driver.nic.learn(request), "no action");
        request.action(OffloadAction.DROP).key().ipv4(1L << 32, 1, 2, 2, 6, 0);
        assertEquals(LearnResult.INVALID, driver.nic.learn(request), "IPv4 address beyond 32 bits");
        request.key().ipv4(1, 1, 2, 2, 6, 4096);
        assertEquals(LearnResult.INVALID, driver.nic.learn(request), "VLAN beyond 12 bits");
        request.key().ipv4(1, 1, 2, 2, 6, 4095);
        assertEquals(LearnResult.ACCEPTED, driver.nic.learn(request));
        TestFlows.key(request.key(), 2);
        assertEquals(LearnResult.INVALID, driver.nic.learn(request), "flowId 5 is live");

        assertEquals(7, driver.nic.counters().get(NicCounter.LEARNS_REFUSED_INVALID));
        final List<RecordingHandler.Event> events = driver.poll();
        assertEquals(1, events.size(), "only the accepted learn has an event");
        assertEquals(EventQueue.LEARN_DONE, events.get(0).kind());
    }

    @Test
    void aKeyAlreadyLiveInEitherDirectionFailsWithKeyExistsAndTakesNoRoom()
    {
        final NicDriver driver = new NicDriver(NicDriver.config());
        driver.nic.advanceTime(T0);
        final LearnRequest request = new LearnRequest().flowId(1);
        TestFlows.key(request.key(), 3);
        assertEquals(LearnResult.ACCEPTED, driver.nic.learn(request));
        request.flowId(2).key().reverseOf(TestFlows.key(new OffloadFlowKey(), 3));
        assertEquals(LearnResult.ACCEPTED, driver.nic.learn(request), "the device decides asynchronously");

        final List<RecordingHandler.Event> events = driver.poll();
        assertEquals(2, events.size());
        assertEquals(EventQueue.LEARN_FAILED, events.get(1).kind());
        assertEquals(2, events.get(1).flowId());
        assertEquals(LearnResult.KEY_EXISTS, events.get(1).cause());
        assertEquals(1, driver.nic.counters().get(NicCounter.TABLE_FLOWS));
    }

    @Test
    void drainEndsEveryLiveFlowAndDeliversEverythingThenRefusesLearns()
    {
        final NicDriver driver = new NicDriver(NicDriver.config().bufferDelayNs(50 * MS));
        driver.nic.advanceTime(T0);
        for (int flow = 1; flow <= 40; flow++)
        {
            assertEquals(LearnResult.ACCEPTED, driver.learn(flow, flow, OffloadAction.COUNT_AND_DROP));
        }
        assertTrue(driver.nic.unlearn(3), "unlearned, its window still open when the drain comes");
        assertFalse(driver.nic.unlearn(999), "never learned");
        driver.nic.drain();

        final List<RecordingHandler.Event> events = driver.poll();
        assertEquals(80, events.size());
        final List<RecordingHandler.Event> expired = driver.handler.of(EventQueue.FLOW_EXPIRED);
        assertEquals(40, expired.size());
        assertEquals(1, expired.stream().filter(event -> event.cause() == ExpiryCause.SOFTWARE_UNLEARN).count());
        assertEquals(39, expired.stream().filter(event -> event.cause() == ExpiryCause.DRAIN).count());
        assertEquals(0, driver.nic.poll(driver.handler, 10));
        assertEquals(LearnResult.DEVICE_ERROR, driver.learn(41, 41, OffloadAction.COUNT_AND_DROP));
        assertFalse(driver.nic.unlearn(5));
        assertEquals(ReceiveOutcome.TO_HOST, driver.packet(5, false, T0 + 100 * MS, 60, 0), "drained: all to host");
        assertEquals(0, driver.nic.counters().get(NicCounter.TABLE_FLOWS));
        assertEquals(40, driver.nic.counters().get(NicCounter.TABLE_FLOWS_PEAK), "the peak outlives the flows");
    }

    @Test
    void closeReleasesTheDeviceButLeavesTheHostRingsReadable()
    {
        final NicDriver driver = new NicDriver(NicDriver.config());
        driver.packet(1, false, T0, 60, 0);
        driver.learn(1, 1, OffloadAction.COUNT_AND_DROP);
        driver.nic.close();
        driver.nic.close();
        assertEquals(LearnResult.DEVICE_ERROR, driver.learn(2, 2, OffloadAction.COUNT_AND_DROP));
        assertFalse(driver.nic.unlearn(1));
        assertEquals(0, driver.nic.poll(driver.handler, 10), "events not polled before close are dropped");
        assertThrows(IllegalStateException.class, () -> driver.packet(1, false, T0, 60, 0));
        assertEquals(1, driver.readHost().size());
    }

    @Test
    void everyLearnAndUnlearnCostsItsCallerTheProgrammingTime()
    {
        final long cost = 200_000;
        final NicDriver driver = new NicDriver(NicDriver.config().programmingCostNs(cost));
        driver.nic.advanceTime(T0);
        final long start = System.nanoTime();
        for (int flow = 1; flow <= 10; flow++)
        {
            driver.learn(flow, flow, OffloadAction.COUNT_AND_DROP);
        }
        for (int flow = 1; flow <= 10; flow++)
        {
            driver.nic.unlearn(flow);
        }
        final long elapsed = System.nanoTime() - start;
        // Only the lower bound is asserted: a busy wait guarantees it, while an upper bound on a shared machine
        // would measure the machine, not the device.
        assertTrue(elapsed >= 20 * cost, "20 device calls took " + elapsed + " ns");
    }

    @Test
    void capabilitiesDescribeTheConfiguredDevice()
    {
        final EmulatedSmartNic nic = new EmulatedSmartNic(NicDriver.config().flowTableCapacity(5000)
            .learnRateFlowsPerSecond(3_000_000).ports(4));
        assertEquals("emulated", nic.name());
        assertEquals(5000, nic.capabilities().flowTableCapacity());
        assertEquals(3_000_000, nic.capabilities().learnRateFlowsPerSecond());
        assertEquals(4, nic.capabilities().ports());
        assertTrue(nic.capabilities().deliversFlowId());
        for (final OffloadAction action : OffloadAction.values())
        {
            assertTrue(nic.capabilities().supports(action));
        }
        nic.close();
    }
}
