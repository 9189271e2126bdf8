package io.spillway.probe.pipeline;

import io.spillway.device.Counters;
import io.spillway.device.DeviceCounters;
import io.spillway.device.ReceiveCounters;
import io.spillway.packet.ParseStatus;

/**
 * The live figures other threads read while the probe runs (the progress line, the IPFIX statistics record, the
 * testbed's measurement window), read from the run's {@link Counters}: the same counters the summary reads at the
 * end, whoever wrote them (a dispatcher, the workers' parsers, the device).
 */
public final class ProbeCounters
{
    private final Counters counters;

    /** Room for a run of {@code queues} queues. */
    public ProbeCounters(final int queues)
    {
        this(Counters.forQueues(queues));
    }

    public ProbeCounters(final Counters counters)
    {
        this.counters = counters;
    }

    /** The registry every part of the run registers its counters in. */
    public Counters registry()
    {
        return counters;
    }

    public long packetsRead()
    {
        return counters.total(ReceiveCounters.TYPE_PACKETS);
    }

    /** Packets the probe could not account to any flow (IPFIX ignoredPacketTotalCount). */
    public long packetsNotAccounted()
    {
        return packetsRead() - counters.total(ReceiveCounters.TYPE_STATUS + ParseStatus.FLOW) -
            counters.total(ReceiveCounters.TYPE_STATUS + ParseStatus.L3_FLOW);
    }

    /** Packets the device's flow table handled without the host so far (0 without one). */
    public long hardwarePackets()
    {
        return counters.total(DeviceCounters.TYPE_HW_PACKETS);
    }

    /** Packets the device lost so far before a worker saw them (a full ring). */
    public long deviceDrops()
    {
        return counters.total(DeviceCounters.TYPE_DROPS);
    }
}
