package io.spillway.capture.stream;

import io.spillway.device.Counters;
import io.spillway.device.DeviceCounters;
import io.spillway.device.PacketHandler;
import io.spillway.device.PacketSource;
import io.spillway.device.ReceiveParser;
import io.spillway.device.ThreadCpu;
import io.spillway.packet.FlowHash;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The thread of a single-stream device (software RSS): polls the stream, parses each packet once, hashes its flow
 * key symmetrically and hands it to the {@link Sink} for the queue that owns its flow. Packets that cannot be
 * accounted to a flow are counted by the parser and go no further.
 */
public final class StreamDispatcher implements Agent, PacketHandler
{
    static final int POLL_LIMIT = 256;

    /** Where a parsed packet goes: a queue's ring of batches, or a device's receive side. Dispatcher thread. */
    public interface Sink
    {
        /** The packet {@code parsed} just parsed belongs to queue {@code queue}. */
        void onPacket(int queue, ReceiveParser parsed, long address, int capturedLength, long timestampNs,
            long timeNs);

        /** After each poll of the stream, with the latest packet time seen (Long.MIN_VALUE before any). */
        void afterPoll(long timeNs);

        /** The stream ended (or the device was stopped): nothing follows. */
        void onEnd(long timeNs);
    }

    private final PacketSource source;
    private final int queues;
    private final ReceiveParser parser;
    private final Sink sink;
    private final String roleName;
    private final AtomicCounter cpuNanos;
    private volatile boolean stopped;
    private long timeNs = Long.MIN_VALUE;
    private boolean ended;

    public StreamDispatcher(
        final PacketSource source, final int queues, final ReceiveParser parser, final Sink sink,
        final Counters counters, final String roleName)
    {
        this.source = source;
        this.queues = queues;
        this.parser = parser;
        this.sink = sink;
        this.roleName = roleName;
        this.cpuNanos = counters.add(DeviceCounters.TYPE_THREAD_CPU_NANOS, Counters.NO_OWNER, "dispatcher thread CPU, ns");
    }

    @Override
    public int doWork()
    {
        if (ended)
        {
            throw new AgentTerminationException();
        }
        final int polled = stopped ? PacketSource.END : source.poll(this, POLL_LIMIT);
        parser.publish();
        sink.afterPoll(timeNs);
        if (polled == PacketSource.END)
        {
            sink.onEnd(timeNs);
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
        if (timestampNanos > timeNs)
        {
            timeNs = timestampNanos;
        }
        if (parser.parse(address, capturedLength, wireLength, timestampNanos, linkType, interfaceId))
        {
            sink.onPacket(FlowHash.queue(parser.hash(), queues), parser, address, capturedLength, timestampNanos,
                timeNs);
        }
    }

    /** Reading stops at the next poll; the queues then end. Any thread. */
    public void stop()
    {
        stopped = true;
    }

    @Override
    public void onClose()
    {
        cpuNanos.setRelease(ThreadCpu.currentThreadNanos());
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
