package io.spillway.capture.file;

import io.spillway.device.PacketSource;
import io.spillway.device.PacketHandler;
import io.spillway.device.CaptureDamage;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A capture replayed at the pace of its timestamps ({@code --replay-speed}), as a link delivers it, like tcpreplay's
 * multiplier: 1 is the capture's own timing, 2 twice as fast. Read as fast as possible, a file races the probe's
 * other threads: through the emulated SmartNIC, the offload thread then learns a flow after much of it has gone by,
 * and the hardware share depends on the machine's load. Paced, they work while the traffic still arrives, as on a
 * live link. Packet time is unchanged: timeouts and records are those of the capture. A jump of more than
 * {@link #LONGEST_GAP_NS a minute} between packets (a stepped clock, captures merged end to end) is not waited for.
 */
public final class PacedSource implements PacketSource, PacketHandler
{
    private static final long LONGEST_PARK_NS = 1_000_000L;
    /** Capture time between two packets beyond which the replay does not wait. */
    public static final long LONGEST_GAP_NS = 60_000_000_000L;

    private final PacketSource source;
    private final double speed;
    private long startNanoTime;
    private long firstTimestampNs = Long.MIN_VALUE;
    private long lastTimestampNs;
    private PacketHandler handler;

    /**
     * @param source the capture to pace, closed with this
     * @param speed  capture seconds replayed per wall-clock second; positive
     */
    public PacedSource(final PacketSource source, final double speed)
    {
        this.speed = validSpeed(speed);
        this.source = source;
    }

    /** {@code speed} when it is a positive finite number; else a clear error naming the option. */
    public static double validSpeed(final double speed)
    {
        if (!(speed > 0) || Double.isInfinite(speed))
        {
            throw new IllegalArgumentException("--replay-speed must be a positive number, not " + speed);
        }
        return speed;
    }

    @Override
    public int poll(final PacketHandler handler, final int limit)
    {
        this.handler = handler;
        int delivered = 0;
        while (delivered < limit)
        {
            if (firstTimestampNs != Long.MIN_VALUE)
            {
                final long dueInNs = (long)((lastTimestampNs - firstTimestampNs) / speed) -
                    (System.nanoTime() - startNanoTime);
                if (dueInNs > 0)
                {
                    if (delivered == 0)
                    {
                        LockSupport.parkNanos(Math.min(dueInNs, LONGEST_PARK_NS));
                    }
                    break;
                }
            }
            // One packet at a time: the next one is read only once the last one read is due.
            final int polled = source.poll(this, 1);
            if (polled == END)
            {
                return delivered > 0 ? delivered : END;
            }
            if (polled == 0)
            {
                break;
            }
            delivered += polled;
        }
        return delivered;
    }

    @Override
    public void onPacket(
        final long address, final int capturedLength, final int wireLength, final long timestampNanos,
        final int linkType, final int interfaceId)
    {
        if (firstTimestampNs == Long.MIN_VALUE)
        {
            firstTimestampNs = timestampNanos;
            lastTimestampNs = timestampNanos;
            startNanoTime = System.nanoTime();
        }
        else if (timestampNanos > lastTimestampNs)
        {
            // A timestamp that goes backwards (merged captures) is due at once; a long jump is skipped.
            final long gapNs = timestampNanos - lastTimestampNs;
            if (gapNs > LONGEST_GAP_NS)
            {
                firstTimestampNs += gapNs;
            }
            lastTimestampNs = timestampNanos;
        }
        handler.onPacket(address, capturedLength, wireLength, timestampNanos, linkType, interfaceId);
    }

    @Override
    public long bytesRead()
    {
        return source.bytesRead();
    }

    @Override
    public long bytesTotal()
    {
        return source.bytesTotal();
    }

    @Override
    public List<CaptureDamage> damages()
    {
        return source.damages();
    }

    @Override
    public void close()
    {
        source.close();
    }
}
