package io.spillway.probe.pipeline;

import io.spillway.probe.capture.CaptureDamage;
import io.spillway.probe.capture.PacketHandler;
import io.spillway.probe.capture.PacketSource;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A capture replayed at the pace of its timestamps, as a link delivers it: the probe's other threads (the offload
 * agent above all) then work while the traffic is still arriving, as they would on a live link, instead of racing a
 * file read as fast as possible. For tests whose subject is what happens during a flow's life.
 */
final class PacedSource implements PacketSource, PacketHandler
{
    private final PacketSource file;
    private final long startNanoTime = System.nanoTime();
    private long firstTimestampNs = Long.MIN_VALUE;
    private long lastTimestampNs;
    private PacketHandler handler;

    PacedSource(final PacketSource file)
    {
        this.file = file;
    }

    @Override
    public int poll(final PacketHandler handler, final int limit)
    {
        if (firstTimestampNs != Long.MIN_VALUE)
        {
            final long dueIn = lastTimestampNs - firstTimestampNs - (System.nanoTime() - startNanoTime);
            if (dueIn > 0)
            {
                LockSupport.parkNanos(Math.min(dueIn, 1_000_000L));
                return 0;
            }
        }
        this.handler = handler;
        // One packet a poll: the next one is delivered only once it is due.
        return file.poll(this, 1);
    }

    @Override
    public void onPacket(
        final long address, final int capturedLength, final int wireLength, final long timestampNanos,
        final int linkType, final int interfaceId)
    {
        if (firstTimestampNs == Long.MIN_VALUE)
        {
            firstTimestampNs = timestampNanos;
        }
        lastTimestampNs = timestampNanos;
        handler.onPacket(address, capturedLength, wireLength, timestampNanos, linkType, interfaceId);
    }

    @Override
    public long bytesRead()
    {
        return file.bytesRead();
    }

    @Override
    public long bytesTotal()
    {
        return file.bytesTotal();
    }

    @Override
    public List<CaptureDamage> damages()
    {
        return file.damages();
    }

    @Override
    public void close()
    {
        file.close();
    }
}
