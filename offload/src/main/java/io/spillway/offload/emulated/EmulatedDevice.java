package io.spillway.offload.emulated;

import io.spillway.capture.file.CaptureInput;
import io.spillway.capture.stream.QueueRings;
import io.spillway.capture.stream.RingRxQueue;
import io.spillway.capture.stream.SingleStreamDevice;
import io.spillway.device.Counters;
import io.spillway.device.DeviceCounters;
import io.spillway.device.DeviceSpec;
import io.spillway.device.PacketSource;
import io.spillway.device.ReceiveParser;
import io.spillway.device.RxQueue;
import io.spillway.offload.FlowOffload;
import io.spillway.offload.OffloadFlowKey;
import io.spillway.packet.FlowKey;
import io.spillway.packet.PacketDescriptor;
import io.spillway.packet.ParsedPacket;
import org.agrona.BitUtil;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * Backend {@value EmulatedSmartNic#NAME}: the emulated SmartNIC as a device, its wire a single stream (capture files,
 * or generated traffic). A dispatcher thread is the NIC's receive side: it parses each packet once and gives it to
 * the NIC, which counts and drops it in hardware (a learned flow) or writes it to the host ring of the flow's queue;
 * each worker reads its host ring, and a ring of its own brings the dispatcher's ticks and END. The NIC's flow
 * table is the device's {@link FlowOffload} when the spec asks for it.
 * <p>
 * Reading a file must lose nothing, so the dispatcher waits for room in a host ring before handing the NIC a packet,
 * as it waits on its own rings; a source that stands for a live link ({@code dropWhenHostRingFull}) instead lets the
 * NIC drop what the host has no room for, counted as loss at the NIC.
 */
public final class EmulatedDevice extends SingleStreamDevice
{
    private static final int TCP = 6;
    /** Ticks and END only: a small ring per queue. */
    private static final int CONTROL_RING_BYTES = 64 * 1024;
    /** Room that guarantees a host ring takes one more descriptor: two aligned messages cover the wrap padding. */
    private static final int HOST_RING_ROOM = 2 * BitUtil.align(
        RecordDescriptor.HEADER_LENGTH + Long.BYTES + PacketDescriptor.LENGTH, RecordDescriptor.ALIGNMENT);

    private final EmulatedSmartNic nic;
    private final boolean offload;
    private final boolean waitForHostRing;
    private final int hostRingBytes;
    private final QueueRings control;
    private final HostRingRxQueue[] rxQueues;
    private final IdleStrategy hostRingFullIdle;
    private final AtomicCounter hostRingFullWaits;
    private final OffloadFlowKey nicKey = new OffloadFlowKey();
    private final UnsafeBuffer nicDescriptor = new UnsafeBuffer(ByteBuffer.allocateDirect(PacketDescriptor.LENGTH));

    private EmulatedDevice(
        final PacketSource source, final DeviceSpec spec, final EmulatedNicConfig model,
        final boolean dropWhenHostRingFull)
    {
        super(source, spec, "spillway-nic-receive");
        final Counters counters = spec.counters();
        final EmulatedNicConfig config = copyWithQueues(model, spec.queues());
        this.nic = new EmulatedSmartNic(config, counters);
        this.offload = spec.offload();
        this.waitForHostRing = !dropWhenHostRingFull;
        this.hostRingBytes = config.hostRingBytes();
        this.control = new QueueRings(spec.queues(), CONTROL_RING_BYTES, 1, spec.idle().get(), counters);
        this.hostRingFullIdle = spec.idle().get();
        this.hostRingFullWaits = counters.add(DeviceCounters.TYPE_QUEUE_FULL_WAITS, Counters.NO_OWNER,
            "times the NIC's receive side waited for room in a host ring");
        rxQueues = new HostRingRxQueue[spec.queues()];
        for (int q = 0; q < rxQueues.length; q++)
        {
            rxQueues[q] = new HostRingRxQueue(nic.hostRing(q), new RingRxQueue(control.ring(q)));
        }
    }

    /**
     * Opens the spec's stream through a NIC of the given model (the device gives it one receive queue per worker).
     *
     * @param dropWhenHostRingFull the NIC drops a packet whose host ring is full, as a card on a live link does;
     *                             false: the receive side waits for room, so a replay loses nothing
     */
    public static EmulatedDevice open(
        final DeviceSpec spec, final EmulatedNicConfig model, final boolean dropWhenHostRingFull)
    {
        return new EmulatedDevice(CaptureInput.open(spec), spec, model, dropWhenHostRingFull);
    }

    /** The NIC itself, for tests and the testbed that read its model's counters. */
    public EmulatedSmartNic nic()
    {
        return nic;
    }

    /** The NIC's counters now; they stay readable once the device is closed. */
    public NicStats nicStats()
    {
        return NicStats.of(nic.counters());
    }

    @Override
    public String name()
    {
        return EmulatedSmartNic.NAME;
    }

    @Override
    public int queues()
    {
        return rxQueues.length;
    }

    @Override
    public RxQueue rxQueue(final int queue)
    {
        return rxQueues[queue];
    }

    @Override
    public FlowOffload offload()
    {
        return offload ? nic : null;
    }

    @Override
    public String summary()
    {
        final NicCounters counters = nic.counters();
        return String.format(Locale.ROOT, "emulated: %,d packets to the host (%,d tagged with a flowId), %,d counted " +
            "in hardware (%,d bytes), %,d dropped (host ring full)",
            counters.get(NicCounter.HOST_PACKETS), counters.get(NicCounter.HOST_TAGGED_PACKETS),
            hardware(counters, NicCounter.HW_COUNTED_PACKETS, NicCounter.HW_DROPPED_PACKETS,
                NicCounter.HW_FORWARDED_PACKETS),
            hardware(counters, NicCounter.HW_COUNTED_BYTES, NicCounter.HW_DROPPED_BYTES,
                NicCounter.HW_FORWARDED_BYTES),
            counters.get(NicCounter.HOST_RING_DROPS));
    }

    /** After every thread stopped: the offload thread closed the NIC already, unless it never ran. */
    @Override
    public void close()
    {
        nic.close();
        super.close();
    }

    /** The NIC's receive path: counted in hardware, or written to the host ring of queue {@code queue}. */
    @Override
    public void onPacket(
        final int queue, final ReceiveParser parsed, final long address, final int capturedLength,
        final long timestampNs, final long timeNs)
    {
        final UnsafeBuffer descriptor = nicDescriptor;
        parsed.write(descriptor, 0, address, capturedLength, timestampNs, 0L);
        final ParsedPacket packet = parsed.packet();
        // The NIC parses frames itself: it has no ports for a later fragment, nor a "ports unknown" key bit.
        final boolean ports = (parsed.keyFlags() & FlowKey.L3_ONLY) == 0 &&
            packet.fragment != ParsedPacket.LATER_FRAGMENT;
        nicKey.set(packet.ipVersion,
            descriptor.getLong(PacketDescriptor.SRC_HI), descriptor.getLong(PacketDescriptor.SRC_LO),
            ports ? packet.srcPort : 0,
            descriptor.getLong(PacketDescriptor.DST_HI), descriptor.getLong(PacketDescriptor.DST_LO),
            ports ? packet.dstPort : 0, packet.protocol, packet.vlanId);
        if (waitForHostRing)
        {
            awaitHostRingRoom(nic.hostRing(queue));
        }
        // The NIC counts the frame's layer-2 octets, as the host does.
        nic.receive(nicKey, parsed.hash(), timestampNs, parsed.layer2Length(),
            packet.protocol == TCP ? packet.tcpFlags : 0, descriptor, 0, PacketDescriptor.LENGTH);
    }

    @Override
    public void afterPoll(final long timeNs)
    {
        control.flush(timeNs);
    }

    @Override
    public void onEnd(final long timeNs)
    {
        control.end(timeNs);
    }

    /** Back-pressure on the NIC: a file replay waits for the worker rather than lose the packet at the NIC. */
    private void awaitHostRingRoom(final HostRing ring)
    {
        if (hostRingBytes - ring.size() < HOST_RING_ROOM)
        {
            hostRingFullWaits.incrementOpaque();
            hostRingFullIdle.reset();
            while (hostRingBytes - ring.size() < HOST_RING_ROOM)
            {
                if (Thread.currentThread().isInterrupted())
                {
                    throw new AgentTerminationException("interrupted while waiting for a host ring");
                }
                hostRingFullIdle.idle();
            }
        }
    }

    private static long hardware(final NicCounters counters, final NicCounter... kinds)
    {
        long total = 0;
        for (final NicCounter kind : kinds)
        {
            total += counters.get(kind);
        }
        return total;
    }

    /** A copy of the NIC's model with one receive queue per worker (the caller's stays as it was). */
    private static EmulatedNicConfig copyWithQueues(final EmulatedNicConfig model, final int queues)
    {
        return new EmulatedNicConfig()
            .flowTableCapacity(model.flowTableCapacity())
            .learnRateFlowsPerSecond(model.learnRateFlowsPerSecond())
            .learnBurst(model.learnBurst())
            .programmingCostNs(model.programmingCostNs())
            .bufferDelayNs(model.bufferDelayNs())
            .hostRingBytes(model.hostRingBytes())
            .ports(model.ports())
            .expirySweepPeriodNs(model.expirySweepPeriodNs())
            .faults(model.faults())
            .queues(queues);
    }
}
