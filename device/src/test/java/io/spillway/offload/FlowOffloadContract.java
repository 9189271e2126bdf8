package io.spillway.offload;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every flow table promises the probe ({@link FlowOffload}'s contract), run against each backend by a
 * subclass: malformed learns refused at once without an event, exactly one result per accepted learn, a key live in
 * either direction refused, exactly one FLOW_EXPIRED per learned flow whatever ends it (unlearn, idle timeout,
 * drain) with the counts of the packets the device took, and no learn after a drain or a close.
 */
public abstract class FlowOffloadContract
{
    protected static final long SECOND = 1_000_000_000L;

    /** An event as the test received it. */
    protected record Event(String kind, long flowId, int cause, long forwardPackets, long forwardBytes,
        long reversePackets, long reverseBytes)
    {
    }

    private final List<Event> events = new ArrayList<>();
    private final OffloadEventHandler handler = new OffloadEventHandler()
    {
        @Override
        public void onLearnDone(final long flowId)
        {
            events.add(new Event("done", flowId, 0, 0, 0, 0, 0));
        }

        @Override
        public void onLearnFailed(final long flowId, final int cause)
        {
            events.add(new Event("failed", flowId, cause, 0, 0, 0, 0));
        }

        @Override
        public void onFlowExpired(
            final long flowId, final int cause, final long forwardPackets, final long forwardBytes,
            final long reversePackets, final long reverseBytes, final int forwardTcpFlags, final int reverseTcpFlags,
            final long lastSeenNs)
        {
            events.add(new Event("expired", flowId, cause, forwardPackets, forwardBytes, reversePackets,
                reverseBytes));
        }
    };
    private FlowOffload device;

    /** A device with a table of at least 64 flows, no receive buffer delay, its clock started. */
    protected abstract FlowOffload newDevice();

    /**
     * Offers {@code packets} frames of {@code frameLength} bytes of flow {@code key} to the device's receive path,
     * from its destination to its source when {@code reverse}; they have reached the device when this returns.
     */
    protected abstract void offer(FlowOffload device, OffloadFlowKey key, boolean reverse, int packets,
        int frameLength);

    /** Lets {@code ns} of the device's time pass. */
    protected abstract void elapse(FlowOffload device, long ns);

    @BeforeEach
    void openDevice()
    {
        device = newDevice();
    }

    @AfterEach
    void closeDevice()
    {
        device.close();
    }

    @Test
    void malformedLearnsAreRefusedAtOnceWithoutAnEvent()
    {
        final LearnRequest request = request(1, 1);
        request.flowId(0);
        assertEquals(LearnResult.INVALID, device.learn(request), "flowId 0");
        request.flowId(5).idleTimeoutNs(0);
        assertEquals(LearnResult.INVALID, device.learn(request), "no idle timeout");
        request.idleTimeoutNs(SECOND).action(null);
        assertEquals(LearnResult.INVALID, device.learn(request), "no action");
        request.action(OffloadAction.COUNT_AND_DROP).key().ipv4(1L << 32, 1, 2, 2, 6, 0);
        assertEquals(LearnResult.INVALID, device.learn(request), "IPv4 address beyond 32 bits");
        request.key().ipv4(1, 1, 2, 2, 6, 4096);
        assertEquals(LearnResult.INVALID, device.learn(request), "VLAN beyond 12 bits");
        request.key().ipv4(1, 1, 2, 2, 6, 4095);
        assertEquals(LearnResult.ACCEPTED, device.learn(request));
        key(request.key(), 2);
        assertEquals(LearnResult.INVALID, device.learn(request), "flowId 5 is live");

        final List<Event> delivered = pollAll();
        assertEquals(1, delivered.size(), "only the accepted learn has an event: " + delivered);
        assertEquals("done", delivered.getFirst().kind());
        assertEquals(5, delivered.getFirst().flowId());
    }

    @Test
    void aKeyAlreadyLiveInEitherDirectionFails()
    {
        assertEquals(LearnResult.ACCEPTED, device.learn(request(1, 3)));
        final LearnRequest reverse = request(2, 3);
        reverse.key().reverseOf(key(new OffloadFlowKey(), 3));
        assertEquals(LearnResult.ACCEPTED, device.learn(reverse), "the device decides asynchronously");

        final List<Event> delivered = pollAll();
        assertEquals(List.of("done", "failed"), delivered.stream().map(Event::kind).toList());
        assertEquals(2, delivered.get(1).flowId());
        assertEquals(LearnResult.KEY_EXISTS, delivered.get(1).cause());
    }

    @Test
    void anUnlearnedFlowEndsOnceWithTheCountsOfThePacketsTheDeviceTook()
    {
        final OffloadFlowKey key = key(new OffloadFlowKey(), 7);
        assertEquals(LearnResult.ACCEPTED, device.learn(request(7, 7)));
        assertEquals(List.of("done"), pollAll().stream().map(Event::kind).toList());
        offer(device, key, false, 5, 100);
        offer(device, key, true, 3, 200);
        assertTrue(device.unlearn(7));
        final List<Event> delivered = pollAll();
        assertEquals(1, delivered.size(), delivered.toString());
        final Event expired = delivered.getFirst();
        assertEquals(new Event("expired", 7, ExpiryCause.SOFTWARE_UNLEARN, 5, 500, 3, 600), expired);
        assertFalse(device.unlearn(7), "the flowId is free");
        assertEquals(0, pollAll().size(), "nothing after FLOW_EXPIRED");
    }

    @Test
    void anIdleFlowEndsOnceByIdleTimeout()
    {
        final LearnRequest request = request(9, 9).idleTimeoutNs(SECOND);
        assertEquals(LearnResult.ACCEPTED, device.learn(request));
        offer(device, key(new OffloadFlowKey(), 9), false, 2, 80);
        elapse(device, 3 * SECOND);
        final List<Event> expired = pollAll().stream().filter(event -> event.kind().equals("expired")).toList();
        assertEquals(List.of(new Event("expired", 9, ExpiryCause.IDLE_TIMEOUT, 2, 160, 0, 0)), expired);
    }

    @Test
    void drainEndsEveryLiveFlowAndDeliversEverythingThenRefusesLearns()
    {
        for (int flow = 1; flow <= 20; flow++)
        {
            assertEquals(LearnResult.ACCEPTED, device.learn(request(flow, flow)));
        }
        assertTrue(device.unlearn(3));
        assertFalse(device.unlearn(999), "never learned");
        device.drain();

        final List<Event> delivered = pollAll();
        assertEquals(40, delivered.size(), "20 results and 20 expiries");
        final List<Event> expired = delivered.stream().filter(event -> event.kind().equals("expired")).toList();
        assertEquals(20, expired.stream().map(Event::flowId).distinct().count(), "one expiry per flow");
        assertEquals(1, expired.stream().filter(event -> event.cause() == ExpiryCause.SOFTWARE_UNLEARN).count());
        assertEquals(19, expired.stream().filter(event -> event.cause() == ExpiryCause.DRAIN).count());
        assertEquals(0, device.poll(handler, 10));
        assertEquals(LearnResult.DEVICE_ERROR, device.learn(request(21, 21)));
    }

    @Test
    void closeIsIdempotentAndRefusesWhatFollows()
    {
        assertEquals(LearnResult.ACCEPTED, device.learn(request(1, 1)));
        device.close();
        device.close();
        assertEquals(LearnResult.DEVICE_ERROR, device.learn(request(2, 2)));
        assertFalse(device.unlearn(1));
        assertEquals(0, device.poll(handler, 10));
    }

    @Test
    void capabilitiesAndNameAreThere()
    {
        assertNotNull(device.name());
        assertTrue(device.capabilities().flowTableCapacity() >= 64, device.capabilities().toString());
        assertTrue(device.capabilities().supports(OffloadAction.COUNT_AND_DROP), device.capabilities().toString());
    }

    /** A COUNT_AND_DROP learn of flow {@code index} with flowId {@code flowId}, idle timeout an hour. */
    protected static LearnRequest request(final long flowId, final int index)
    {
        final LearnRequest request = new LearnRequest().flowId(flowId).action(OffloadAction.COUNT_AND_DROP)
            .idleTimeoutNs(3600 * SECOND).tcpAutoUnlearn(true);
        key(request.key(), index);
        return request;
    }

    /** Distinct keys from an index: IPv4 and IPv6, TCP and UDP. */
    protected static OffloadFlowKey key(final OffloadFlowKey key, final int index)
    {
        final int protocol = index % 3 == 0 ? 17 : 6;
        final int srcPort = 1024 + index;
        if (index % 4 == 3)
        {
            return key.ipv6(0x2001_0db8_0000_0000L, index, srcPort, 0x2001_0db8_0000_0001L, index * 31L, 443,
                protocol, 0);
        }
        return key.ipv4(0x0A00_0000L | index, srcPort, 0xC0A8_0001L, 443, protocol, 0);
    }

    private List<Event> pollAll()
    {
        final int before = events.size();
        while (device.poll(handler, 100) > 0)
        {
            // Until nothing is deliverable.
        }
        return new ArrayList<>(events.subList(before, events.size()));
    }
}
