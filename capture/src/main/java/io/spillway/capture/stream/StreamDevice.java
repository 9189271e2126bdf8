package io.spillway.capture.stream;

import io.spillway.capture.file.CaptureInput;
import io.spillway.device.Counters;
import io.spillway.device.DeviceCounters;
import io.spillway.device.DeviceSpec;
import io.spillway.device.PacketSource;
import io.spillway.device.ReceiveParser;
import io.spillway.device.RxQueue;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Backend {@value #NAME}: one stream of packets (capture files, or a source the caller gives) spread over the
 * receive queues by a dispatcher thread that parses each packet once and hashes its flow key symmetrically, as a
 * NIC's RSS would. Nothing is lost: when a queue's ring is full the dispatcher waits.
 */
public final class StreamDevice extends SingleStreamDevice
{
    public static final String NAME = "files";
    /** 4 MiB per queue: about 43,000 descriptors in flight to each worker. */
    public static final int RING_BYTES = 4 << 20;
    public static final int BATCH_PACKETS = 64;

    private final QueueRings rings;
    private final RingRxQueue[] rxQueues;
    private final AtomicCounter[] packetsToQueue;
    /** The dispatcher's own counts, published after each poll. */
    private final long[] dispatched;

    private StreamDevice(final PacketSource source, final DeviceSpec spec)
    {
        super(source, spec, "spillway-dispatch");
        final Counters counters = spec.counters();
        rings = new QueueRings(spec.queues(), RING_BYTES, BATCH_PACKETS, spec.idle().get(), counters);
        rxQueues = new RingRxQueue[spec.queues()];
        packetsToQueue = new AtomicCounter[spec.queues()];
        dispatched = new long[spec.queues()];
        for (int q = 0; q < rxQueues.length; q++)
        {
            rxQueues[q] = new RingRxQueue(rings.ring(q));
            packetsToQueue[q] = counters.add(DeviceCounters.TYPE_TO_HOST, q, "packets dispatched to the queue");
        }
    }

    /** Opens the spec's stream (see {@link CaptureInput}); the device closes it. */
    public static StreamDevice open(final DeviceSpec spec)
    {
        return new StreamDevice(CaptureInput.open(spec), spec);
    }

    @Override
    public String name()
    {
        return NAME;
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
    public String summary()
    {
        return null;
    }

    @Override
    public void onPacket(
        final int queue, final ReceiveParser parsed, final long address, final int capturedLength,
        final long timestampNs, final long timeNs)
    {
        dispatched[queue]++;
        rings.append(queue, parsed, address, capturedLength, timestampNs, timeNs);
    }

    @Override
    public void afterPoll(final long timeNs)
    {
        for (int q = 0; q < dispatched.length; q++)
        {
            packetsToQueue[q].setRelease(dispatched[q]);
        }
        rings.flush(timeNs);
    }

    @Override
    public void onEnd(final long timeNs)
    {
        rings.end(timeNs);
    }
}
