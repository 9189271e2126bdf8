package io.spillway.probe.pipeline;

import io.spillway.offload.OffloadFlowKey;
import io.spillway.offload.emulated.EmulatedSmartNic;
import io.spillway.offload.emulated.HostRing;
import io.spillway.offload.emulated.ReceiveOutcome;
import io.spillway.device.PacketHandler;
import io.spillway.device.PacketSource;
import io.spillway.packet.FlowHash;
import io.spillway.packet.FlowKey;
import io.spillway.packet.PacketDescriptor;
import io.spillway.packet.PacketParser;
import io.spillway.packet.ParseStatus;
import io.spillway.packet.ParsedPacket;
import org.agrona.BitUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.RecordDescriptor;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.nio.ByteBuffer;

/**
 * The capture thread: polls the packet source, parses each packet once, hashes its flow key
 * symmetrically and appends a {@link PacketDescriptor} to the batch of the queue that owns the
 * flow (software RSS). Batches go to the workers' rings when full and after every poll.
 * Packets that cannot be accounted to a flow are counted here and go no further.
 * <p>
 * With the emulated SmartNIC, this thread is the NIC's receive side: it gives each parsed packet to the NIC, which
 * counts and drops it in hardware (a learned flow) or writes it to the host ring of the flow's queue; the workers
 * read those rings, and the capture rings carry only time ticks and END. Reading a file must lose nothing, so the
 * thread waits for room in a host ring before handing the NIC a packet, as it waits on its own rings; a live (or
 * paced) source instead lets the NIC drop what the host has no room for ({@code waitForHostRing} false), counted
 * as loss at the NIC.
 */
final class CaptureAgent implements Agent, PacketHandler
{
    static final int POLL_LIMIT = 256;
    private static final long TICK_INTERVAL_NS = 100_000_000L;
    private static final int TCP = 6;
    /** Room that guarantees a host ring takes one more descriptor: two aligned messages cover the wrap padding. */
    private static final int HOST_RING_ROOM = 2 * BitUtil.align(
        RecordDescriptor.HEADER_LENGTH + Long.BYTES + PacketDescriptor.LENGTH, RecordDescriptor.ALIGNMENT);

    private final PacketSource source;
    private final RingBuffer[] queues;
    private final UnsafeBuffer[] batches;
    private final int[] batchCounts;
    private final long[] lastSentNs;
    private final int batchCapacity;
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket packet = new ParsedPacket();
    private final IdleStrategy ringFullIdle;
    private final CaptureStats stats;
    private final ProbeCounters counters;
    private final UnsafeBuffer tick = new UnsafeBuffer(ByteBuffer.allocateDirect(QueueMessages.BATCH_HEADER_LENGTH));
    private final EmulatedSmartNic nic;
    private final int hostRingBytes;
    private final boolean waitForHostRing;
    private final OffloadFlowKey nicKey = new OffloadFlowKey();
    private final UnsafeBuffer nicDescriptor = new UnsafeBuffer(ByteBuffer.allocateDirect(PacketDescriptor.LENGTH));
    private long timeNs = Long.MIN_VALUE;
    private boolean ended;

    /**
     * @param nic           the emulated SmartNIC packets go through, or null to batch them straight to the workers
     * @param hostRingBytes the capacity of the NIC's host rings
     * @param waitForHostRing wait for room in a host ring (file replay, lossless); false: the NIC drops the packet
     */
    CaptureAgent(
        final PacketSource source, final RingBuffer[] queues, final int batchCapacity, final IdleStrategy ringFullIdle,
        final ProbeCounters counters, final EmulatedSmartNic nic, final int hostRingBytes,
        final boolean waitForHostRing)
    {
        this.nic = nic;
        this.hostRingBytes = hostRingBytes;
        this.waitForHostRing = waitForHostRing;
        this.counters = counters;
        this.source = source;
        this.queues = queues;
        this.batchCapacity = batchCapacity;
        this.ringFullIdle = ringFullIdle;
        this.stats = new CaptureStats(queues.length);
        batches = new UnsafeBuffer[queues.length];
        batchCounts = new int[queues.length];
        lastSentNs = new long[queues.length];
        for (int q = 0; q < queues.length; q++)
        {
            batches[q] = new UnsafeBuffer(ByteBuffer.allocateDirect(
                QueueMessages.BATCH_HEADER_LENGTH + batchCapacity * PacketDescriptor.LENGTH));
        }
    }

    @Override
    public int doWork()
    {
        if (ended)
        {
            throw new AgentTerminationException();
        }
        final int polled = source.poll(this, POLL_LIMIT);
        for (int q = 0; q < queues.length; q++)
        {
            if (batchCounts[q] > 0)
            {
                sendBatch(q);
            }
            else if (timeNs != Long.MIN_VALUE && timeNs - lastSentNs[q] >= TICK_INTERVAL_NS)
            {
                sendTime(q, QueueMessages.TICK);
            }
        }
        counters.packetsRead.setOrdered(stats.packets);
        counters.packetsNotAccounted.setOrdered(stats.packets - stats.accounted());
        counters.nicConsumed.setOrdered(stats.nicConsumed);
        counters.nicDrops.setOrdered(stats.nicDrops);
        if (polled == PacketSource.END)
        {
            for (int q = 0; q < queues.length; q++)
            {
                sendTime(q, QueueMessages.END);
            }
            ended = true;
            return 1;
        }
        return polled;
    }

    @Override
    public void onPacket(
        final long address, final int capturedLength, final int wireLength, final long timestampNanos,
        final int linkType, final int interfaceId)
    {
        final CaptureStats stats = this.stats;
        stats.packets++;
        stats.wireBytes += wireLength;
        if (timestampNanos > timeNs)
        {
            timeNs = timestampNanos;
        }
        if (timestampNanos < stats.firstTimestampNs)
        {
            stats.firstTimestampNs = timestampNanos;
        }
        if (timestampNanos > stats.lastTimestampNs)
        {
            stats.lastTimestampNs = timestampNanos;
        }

        final int status = parser.parse(address, capturedLength, wireLength, linkType, timestampNanos, packet);
        stats.byStatus[status]++;
        stats.malformedByKind[packet.malformed]++;
        if (status != ParseStatus.FLOW && status != ParseStatus.L3_FLOW)
        {
            return;
        }

        // The flow counts the frame's layer-2 octets: the record's wire length, but for ERF the ERF wlen.
        final int layer2Length = packet.layer2Length;
        final int keyFlags = PacketDescriptor.keyFlags(packet, status == ParseStatus.L3_FLOW, interfaceId);
        final long hash = PacketDescriptor.hash(packet, keyFlags);
        final int q = FlowHash.queue(hash, queues.length);
        if (nic != null)
        {
            toNic(q, hash, keyFlags, address, capturedLength, layer2Length, timestampNanos);
            return;
        }
        final int count = batchCounts[q];
        PacketDescriptor.write(batches[q], QueueMessages.BATCH_HEADER_LENGTH + count * PacketDescriptor.LENGTH,
            packet, hash, keyFlags, address, capturedLength, layer2Length, timestampNanos);
        stats.packetsPerQueue[q]++;
        batchCounts[q] = count + 1;
        if (count + 1 == batchCapacity)
        {
            sendBatch(q);
        }
    }

    CaptureStats stats()
    {
        return stats;
    }

    @Override
    public void onClose()
    {
        stats.cpuNanos = ThreadCpu.currentThreadNanos();
    }

    @Override
    public String roleName()
    {
        return "spillway-capture";
    }

    /** The NIC's receive path: counted in hardware, or written to the host ring of queue {@code q}. */
    private void toNic(
        final int q, final long hash, final int keyFlags, final long address, final int capturedLength,
        final int layer2Length, final long timestampNanos)
    {
        final UnsafeBuffer descriptor = nicDescriptor;
        PacketDescriptor.write(descriptor, 0, packet, hash, keyFlags, address, capturedLength, layer2Length,
            timestampNanos);
        // The NIC parses frames itself: it has no ports for a later fragment, nor a "ports unknown" key bit.
        final boolean ports = (keyFlags & FlowKey.L3_ONLY) == 0 && packet.fragment != ParsedPacket.LATER_FRAGMENT;
        nicKey.set(packet.ipVersion,
            descriptor.getLong(PacketDescriptor.SRC_HI), descriptor.getLong(PacketDescriptor.SRC_LO),
            ports ? packet.srcPort : 0,
            descriptor.getLong(PacketDescriptor.DST_HI), descriptor.getLong(PacketDescriptor.DST_LO),
            ports ? packet.dstPort : 0, packet.protocol, packet.vlanId);
        if (waitForHostRing)
        {
            awaitHostRingRoom(nic.hostRing(q));
        }
        final int outcome = nic.receive(nicKey, hash, timestampNanos, layer2Length,
            packet.protocol == TCP ? packet.tcpFlags : 0, descriptor, 0, PacketDescriptor.LENGTH);
        if (ReceiveOutcome.isConsumed(outcome))
        {
            stats.nicConsumed++;
        }
        else if (outcome == ReceiveOutcome.HOST_RING_FULL)
        {
            stats.nicDrops++;
            stats.nicDropBytes += layer2Length;
        }
        else
        {
            stats.packetsPerQueue[q]++;
        }
    }

    /** Back-pressure on the NIC: a file replay waits for the worker rather than lose the packet at the NIC. */
    private void awaitHostRingRoom(final HostRing ring)
    {
        if (hostRingBytes - ring.size() < HOST_RING_ROOM)
        {
            stats.ringFullWaits++;
            ringFullIdle.reset();
            while (hostRingBytes - ring.size() < HOST_RING_ROOM)
            {
                if (Thread.currentThread().isInterrupted())
                {
                    throw new AgentTerminationException("interrupted while waiting for a host ring");
                }
                ringFullIdle.idle();
            }
        }
    }

    private void sendBatch(final int q)
    {
        final UnsafeBuffer batch = batches[q];
        final int count = batchCounts[q];
        batch.putLong(QueueMessages.BATCH_TIME_NS, timeNs);
        batch.putInt(QueueMessages.BATCH_COUNT, count);
        write(q, QueueMessages.PACKETS, batch,
            QueueMessages.BATCH_HEADER_LENGTH + count * PacketDescriptor.LENGTH);
        batchCounts[q] = 0;
        lastSentNs[q] = timeNs;
    }

    private void sendTime(final int q, final int type)
    {
        tick.putLong(QueueMessages.BATCH_TIME_NS, timeNs == Long.MIN_VALUE ? 0 : timeNs);
        tick.putInt(QueueMessages.BATCH_COUNT, 0);
        write(q, type, tick, QueueMessages.BATCH_HEADER_LENGTH);
        lastSentNs[q] = timeNs;
    }

    /** Back-pressure: reading a file must not lose packets, so wait for the worker to make room. */
    private void write(final int q, final int type, final UnsafeBuffer buffer, final int length)
    {
        if (!queues[q].write(type, buffer, 0, length))
        {
            stats.ringFullWaits++;
            ringFullIdle.reset();
            while (!queues[q].write(type, buffer, 0, length))
            {
                ringFullIdle.idle();
            }
        }
    }
}
