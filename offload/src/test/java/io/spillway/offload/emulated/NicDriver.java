package io.spillway.offload.emulated;

import io.spillway.offload.LearnRequest;
import io.spillway.offload.OffloadAction;
import io.spillway.offload.OffloadFlowKey;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/** Drives an emulated NIC from a test, as the probe's capture thread and OffloadAgent would, on one thread. */
final class NicDriver
{
    static final long T0 = 1_700_000_000_000_000_000L;
    static final long MS = 1_000_000L;
    static final long HOUR = 3_600_000 * MS;

    /** A host packet as the test's descriptor carried it. */
    record HostPacket(long flowId, int flow, boolean reverse, int frameLength)
    {
    }

    final EmulatedSmartNic nic;
    final RecordingHandler handler = new RecordingHandler();
    final List<HostPacket> hostPackets = new ArrayList<>();
    private final OffloadFlowKey key = new OffloadFlowKey();
    private final LearnRequest request = new LearnRequest();
    private final UnsafeBuffer descriptor = new UnsafeBuffer(new byte[12]);

    NicDriver(final EmulatedNicConfig config)
    {
        nic = new EmulatedSmartNic(config);
    }

    static EmulatedNicConfig config()
    {
        return new EmulatedNicConfig().flowTableCapacity(1024).programmingCostNs(0);
    }

    /** Offers one packet of flow {@code flow} in the given direction; returns the {@link ReceiveOutcome}. */
    int packet(final int flow, final boolean reverse, final long timeNs, final int frameLength, final int tcpFlags)
    {
        TestFlows.key(key, flow);
        if (reverse)
        {
            key.reverseOf(TestFlows.key(new OffloadFlowKey(), flow));
        }
        descriptor.putInt(0, flow);
        descriptor.putInt(4, reverse ? 1 : 0);
        descriptor.putInt(8, frameLength);
        return nic.receive(key, TestFlows.rssHash(flow), timeNs, frameLength, tcpFlags, descriptor, 0, 12);
    }

    int learn(final long flowId, final int flow, final OffloadAction action)
    {
        return learn(flowId, flow, action, HOUR, true);
    }

    int learn(
        final long flowId, final int flow, final OffloadAction action, final long idleTimeoutNs,
        final boolean tcpAutoUnlearn)
    {
        TestFlows.key(request.key(), flow);
        request.flowId(flowId).action(action).ports(1, 0).idleTimeoutNs(idleTimeoutNs).tcpAutoUnlearn(tcpAutoUnlearn);
        return nic.learn(request);
    }

    /** Takes every packet waiting in every host ring. */
    List<HostPacket> readHost()
    {
        final int before = hostPackets.size();
        for (int queue = 0; queue < nic.queues(); queue++)
        {
            while (nic.hostRing(queue).poll((flowId, buffer, offset, length) -> hostPackets.add(new HostPacket(
                flowId, buffer.getInt(offset), buffer.getInt(offset + 4) == 1, buffer.getInt(offset + 8))), 100) > 0)
            {
                // keep reading
            }
        }
        return hostPackets.subList(before, hostPackets.size());
    }

    List<RecordingHandler.Event> poll()
    {
        return handler.pollAll(nic);
    }
}
