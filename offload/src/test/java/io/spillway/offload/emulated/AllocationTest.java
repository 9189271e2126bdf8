package io.spillway.offload.emulated;

import com.sun.management.ThreadMXBean;
import io.spillway.offload.LearnRequest;
import io.spillway.offload.OffloadAction;
import io.spillway.offload.OffloadEventHandler;
import io.spillway.offload.OffloadFlowKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import static io.spillway.offload.emulated.NicDriver.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The receive path, learn, unlearn, expiry and event polling allocate nothing in steady state. */
class AllocationTest
{
    private static final int WINDOWS = 5;

    private long checksum;
    private long now = T0;
    private long nextFlowId = 1;
    private final OffloadFlowKey key = new OffloadFlowKey();
    private final LearnRequest request = new LearnRequest();
    private final UnsafeBuffer descriptor = new UnsafeBuffer(new byte[96]);
    private final HostPacketHandler hostHandler = (flowId, buffer, offset, length) -> this.checksum += length;
    private final OffloadEventHandler eventHandler = new OffloadEventHandler()
    {
        public void onLearnDone(final long flowId)
        {
            checksum += flowId;
        }

        public void onLearnFailed(final long flowId, final int cause)
        {
            checksum += cause;
        }

        public void onFlowExpired(
            final long flowId, final int cause, final long forwardPackets, final long forwardBytes,
            final long reversePackets, final long reverseBytes, final int forwardTcpFlags, final int reverseTcpFlags,
            final long lastSeenNs)
        {
            checksum += forwardPackets + reversePackets;
        }
    };

    @Test
    void steadyStateAllocatesNothing()
    {
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        final EmulatedSmartNic nic = new EmulatedSmartNic(NicDriver.config().flowTableCapacity(4096)
            .learnRateFlowsPerSecond(10_000_000).expirySweepPeriodNs(1_000_000));
        // Warm up past the event queue's growth to its working size.
        run(nic, 20_000);
        final long[] allocated = new long[WINDOWS];
        for (int window = 0; window < WINDOWS; window++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            run(nic, 20_000);
            allocated[window] = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertTrue(nic.counters().get(NicCounter.HW_COUNTED_PACKETS) > 10_000);
        assertTrue(nic.counters().get(NicCounter.EXPIRED_IDLE) > 1_000);
        assertEquals(0L, Arrays.stream(allocated).min().orElseThrow(),
            "bytes allocated per window of 20,000 packets: " + Arrays.toString(allocated) + " " + checksum);
        nic.close();
    }

    private void run(final EmulatedSmartNic nic, final int packets)
    {
        for (int i = 0; i < packets; i++)
        {
            now += 1_000;
            final int flow = i % 1000;
            TestFlows.key(key, flow);
            nic.receive(key, TestFlows.rssHash(flow), now, 128, 0x10, descriptor, 0, descriptor.capacity());
            if (i % 7 == 0)
            {
                TestFlows.key(request.key(), flow);
                request.flowId(nextFlowId++).action(OffloadAction.COUNT_AND_DROP).idleTimeoutNs(100_000);
                nic.learn(request);
            }
            if (i % 13 == 0)
            {
                nic.unlearn(nextFlowId - 3);
            }
            if (i % 16 == 0)
            {
                nic.poll(eventHandler, 64);
                nic.hostRing(0).poll(hostHandler, 64);
            }
        }
    }
}
