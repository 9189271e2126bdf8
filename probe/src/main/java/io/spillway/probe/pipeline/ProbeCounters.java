package io.spillway.probe.pipeline;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.nio.ByteBuffer;

/**
 * Figures other threads may read while the probe runs (the progress line, the IPFIX statistics
 * record, the testbed's measurement window): Agrona counters, each written by one thread with
 * ordered stores, once per poll.
 */
public final class ProbeCounters
{
    private static final int COUNTERS = 16;

    private final CountersManager manager = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(COUNTERS * CountersManager.METADATA_LENGTH)),
        new UnsafeBuffer(ByteBuffer.allocateDirect(COUNTERS * CountersManager.COUNTER_LENGTH)));
    final AtomicCounter packetsRead = manager.newCounter("packets read");
    final AtomicCounter packetsNotAccounted =
        manager.newCounter("packets not accounted: malformed, not IP, cut by snap length, unsupported link");
    final AtomicCounter nicConsumed = manager.newCounter("packets the emulated NIC counted in hardware");
    final AtomicCounter nicDrops = manager.newCounter("packets the emulated NIC dropped: host ring full");

    public long packetsRead()
    {
        return packetsRead.get();
    }

    /** Packets the probe could not account to any flow (IPFIX ignoredPacketTotalCount). */
    public long packetsNotAccounted()
    {
        return packetsNotAccounted.get();
    }

    /** Packets the emulated SmartNIC counted in hardware so far (0 without it). */
    public long nicConsumed()
    {
        return nicConsumed.get();
    }

    /** Packets the emulated SmartNIC dropped so far because a host ring was full (0 without it). */
    public long nicDrops()
    {
        return nicDrops.get();
    }
}
