package io.spillway.capture.afpacket;

import io.spillway.device.Counters;
import io.spillway.device.DeviceCounters;
import io.spillway.device.RxHandler;
import io.spillway.device.RxQueue;
import io.spillway.packet.PacketBatch;
import io.spillway.packet.PacketDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;

/**
 * One worker's receive queue on live interfaces: its socket on each port, all in each port's fanout group, read in
 * place. A ring block's frames go to the worker as raw batches (the worker parses them) and the block goes back to
 * the kernel once the worker has taken them. When nothing arrives the queue still moves time on, on the wall clock
 * (the kernel's timestamps are the same clock), so flows expire on a quiet link. Every 100 ms it reads the kernel's
 * counters and each interface's state: a link going down and coming back is reported and waited out, an interface
 * removed ends its port; the queue ends when every port ended, or at {@link AfPacketDevice#stop}, once it has
 * handed over what the rings held.
 * <p>
 * What the rings held includes the block the kernel is still filling: user space cannot read it until its retire
 * timer hands it over (within two block timeouts), yet the kernel already counts its frames as received. So an
 * ending queue keeps reading until it has handed over every frame the kernel counted for each socket when the
 * queue began to end, a removed port's too (its ring stays mapped), for at most {@link #DRAIN_LIMIT_MS}.
 */
final class AfPacketRxQueue implements RxQueue, FrameHandler
{
    static final int TYPE_KERNEL_PACKETS = 1100;
    static final int TYPE_FREEZES = 1101;
    static final int TYPE_LINK_DOWNS = 1102;
    private static final int BATCH_PACKETS = 64;
    private static final long CHECK_INTERVAL_MS = 100;
    /** Longest an ending queue waits for frames the kernel counted: far above two block timeouts. */
    static final long DRAIN_LIMIT_MS = 1_000;
    private static final long NOT_ENDING = Long.MAX_VALUE;

    private final AfPacketDevice device;
    private final int queue;
    private final AfPacketSocket[] sockets;
    private final LinkState[] states;
    private final AtomicCounter[] kernelPackets;
    private final AtomicCounter[] drops;
    private final AtomicCounter[] freezes;
    private final AtomicCounter[] linkDowns;
    private final AtomicCounter toHost;
    private final UnsafeBuffer descriptors =
        new UnsafeBuffer(ByteBuffer.allocateDirect(BATCH_PACKETS * PacketDescriptor.LENGTH));
    private final PacketBatch batch = new PacketBatch();
    private final long clockLagMs;
    /** Frames handed to the worker from each port's socket since open. */
    private final long[] framesDelivered;
    /** Frames in each port's ring (the kernel's packets less its drops) when the queue began to end. */
    private final long[] framesOwed;
    /** When an ending queue stops waiting for frames it is owed; {@link #NOT_ENDING} while it runs. */
    private long drainDeadlineMs = NOT_ENDING;
    private RxHandler handler;
    private int port;
    private int count;
    private int portsLeft;
    private long nextCheckMs;
    /** Blocks still to hand over once the device is stopped: at most what the rings held then. */
    private int blocksAfterStop = -1;
    private boolean ended;

    /** @param sockets this queue's socket on each port, in port order */
    AfPacketRxQueue(final AfPacketDevice device, final int queue, final AfPacketSocket[] sockets,
        final Counters counters)
    {
        this.device = device;
        this.queue = queue;
        this.sockets = sockets;
        this.portsLeft = sockets.length;
        states = new LinkState[sockets.length];
        framesDelivered = new long[sockets.length];
        framesOwed = new long[sockets.length];
        kernelPackets = new AtomicCounter[sockets.length];
        drops = new AtomicCounter[sockets.length];
        freezes = new AtomicCounter[sockets.length];
        linkDowns = new AtomicCounter[sockets.length];
        for (int p = 0; p < sockets.length; p++)
        {
            final String name = sockets[p].interfaceName();
            states[p] = LinkState.OK;
            kernelPackets[p] = counters.add(TYPE_KERNEL_PACKETS, queue, name + ": packets the kernel counted");
            drops[p] = counters.add(DeviceCounters.TYPE_DROPS, queue, name + ": packets the kernel dropped");
            freezes[p] = counters.add(TYPE_FREEZES, queue, name + ": times the kernel froze the ring");
            linkDowns[p] = counters.add(TYPE_LINK_DOWNS, queue, name + ": times the link went down");
        }
        toHost = counters.add(DeviceCounters.TYPE_TO_HOST, queue, "packets handed to the worker");
        // A block is handed over when full or after its retire timeout: the clock stays that far behind now, so a
        // tick never runs ahead of frames still in a block.
        clockLagMs = sockets[0].config().blockTimeoutMs();
    }

    @Override
    public int poll(final RxHandler handler)
    {
        if (ended)
        {
            return END;
        }
        this.handler = handler;
        if (blocksAfterStop < 0 && device.isStopped())
        {
            blocksAfterStop = 0;
            for (final AfPacketSocket socket : sockets)
            {
                blocksAfterStop += socket.config().blockCount();
            }
            check();
            beginEnding(System.currentTimeMillis());
        }
        int delivered = 0;
        for (int p = 0; p < sockets.length; p++)
        {
            // A removed port is read too: its ring keeps the frames the kernel took before the interface went away.
            port = p;
            final int frames = sockets[p].receiveBlock(this);
            delivered += frames;
            if (frames > 0 && blocksAfterStop > 0)
            {
                blocksAfterStop--;
            }
        }
        final long nowMs = System.currentTimeMillis();
        if (nowMs >= nextCheckMs)
        {
            nextCheckMs = nowMs + CHECK_INTERVAL_MS;
            check();
            if (delivered == 0)
            {
                handler.onBatch(batch.wrapTime((nowMs - clockLagMs) * 1_000_000L));
            }
        }
        if (portsLeft == 0 && drainDeadlineMs == NOT_ENDING)
        {
            beginEnding(nowMs);
        }
        if (blocksAfterStop == 0 ||
            (delivered == 0 && drainDeadlineMs != NOT_ENDING && (handedOverOwed() || nowMs >= drainDeadlineMs)))
        {
            // Stopped: what the rings held is handed over, the rest of the traffic is not taken any more.
            check();
            ended = true;
            return END;
        }
        return delivered;
    }

    /** Notes what each ring holds now, as the counters last read it: what the queue hands over before it ends. */
    private void beginEnding(final long nowMs)
    {
        for (int p = 0; p < sockets.length; p++)
        {
            framesOwed[p] = kernelPackets[p].get() - drops[p].get();
        }
        drainDeadlineMs = nowMs + DRAIN_LIMIT_MS;
    }

    private boolean handedOverOwed()
    {
        for (int p = 0; p < sockets.length; p++)
        {
            if (framesDelivered[p] < framesOwed[p])
            {
                return false;
            }
        }
        return true;
    }

    /** Frames the kernel counted for this queue's socket on {@code port}, drops included, as last read. */
    long kernelPackets(final int port)
    {
        return kernelPackets[port].get();
    }

    long kernelDrops(final int port)
    {
        return drops[port].get();
    }

    long freezes(final int port)
    {
        return freezes[port].get();
    }

    @Override
    public void onFrame(final long address, final int capturedLength, final int wireLength, final long timestampNs)
    {
        framesDelivered[port]++;
        PacketDescriptor.writeReceived(descriptors, count * PacketDescriptor.LENGTH, address, capturedLength,
            wireLength, timestampNs, 0L);
        if (++count == BATCH_PACKETS)
        {
            flush();
        }
    }

    @Override
    public void onBlockEnd()
    {
        flush();
    }

    private void flush()
    {
        if (count > 0)
        {
            toHost.getAndAddOpaque(count);
            handler.onBatch(batch.wrapRaw(descriptors, 0, count, PacketBatch.NO_TIME, sockets[port].linkType(),
                port));
            count = 0;
        }
    }

    /** The kernel's counters, and what became of each interface. */
    private void check()
    {
        for (int p = 0; p < sockets.length; p++)
        {
            final AfPacketSocket socket = sockets[p];
            kernelPackets[p].setRelease(socket.kernelPackets());
            drops[p].setRelease(socket.kernelDrops());
            freezes[p].setRelease(socket.freezes());
            if (states[p] == LinkState.REMOVED)
            {
                continue;
            }
            final LinkState state = socket.linkState();
            if (state != states[p])
            {
                if (state == LinkState.DOWN)
                {
                    linkDowns[p].incrementRelease();
                }
                if (state == LinkState.REMOVED)
                {
                    portsLeft--;
                }
                device.onLinkState(queue, socket.interfaceName(), state);
                states[p] = state;
            }
        }
    }
}
