package io.spillway.testbed.source;

import io.spillway.device.CaptureDamage;
import io.spillway.packet.LinkType;
import io.spillway.device.PacketHandler;
import io.spillway.device.PacketSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Plays {@link GeneratedFrames} to the probe's capture thread, as a link would: either as fast as the thread takes
 * them, or paced in wall-clock time so that packet i is handed over once {@code t(i) - t(0)} has passed since the
 * first poll, t being the generator's timestamps (which the packets keep). Nothing here allocates per packet.
 * <p>
 * Paced, a poll hands over every packet due by now. When none is due yet, it either busy-polls
 * {@link System#nanoTime} until the next one is ({@link Pacing#BUSY}: exact spacing, a core spent spinning), or
 * returns none, so the capture thread waits as any idle pipeline thread does and the packets due meanwhile come
 * in a burst at its next poll ({@link Pacing#BURST}: the rate is the same, spacing is the idle strategy's, tens of
 * microseconds, as a NIC's DMA batches and interrupt moderation make it on a real host).
 * <p>
 * The frames belong to the {@link GeneratedFrames}, which outlive this source: closing it frees nothing, and the
 * addresses handed over stay valid until the frames are closed, after the probe has returned.
 */
public final class ReplaySource implements PacketSource
{
    /** How a paced replay waits for a packet that is not due yet. */
    public enum Pacing
    {
        /** Busy-poll the clock on the capture thread. */
        BUSY,
        /** Return to the capture thread's idle strategy; what fell due meanwhile follows in a burst. */
        BURST
    }

    /** Longest a busy poll spins for a packet not yet due, so the capture thread still sends its batches and ticks. */
    private static final long MAX_SPIN_NS = 1_000_000;

    private final MemorySegment region;
    private final long base;
    private final long packets;
    private final long bytesTotal;
    private final boolean paced;
    private final long spinNs;
    private long cursor;
    private boolean started;
    private long delivered;
    private long firstTimestampNs;
    private long startNs;
    private long lastDeliveryNs;
    private long maxLagNs;
    private volatile long bytesRead;
    private long bytesDelivered;

    private ReplaySource(final GeneratedFrames frames, final boolean paced, final long spinNs)
    {
        this.region = frames.region();
        this.base = region.address();
        this.packets = frames.packets();
        this.bytesTotal = frames.frameBytes();
        this.paced = paced;
        this.spinNs = spinNs;
    }

    /** Every frame as fast as the capture thread takes them. */
    public static ReplaySource atMaximumRate(final GeneratedFrames frames)
    {
        return new ReplaySource(frames, false, 0);
    }

    /** Every frame at the pace of its timestamps: the generator's packets per second. */
    public static ReplaySource paced(final GeneratedFrames frames, final Pacing pacing)
    {
        return new ReplaySource(frames, true, pacing == Pacing.BUSY ? MAX_SPIN_NS : 0);
    }

    @Override
    public int poll(final PacketHandler handler, final int limit)
    {
        if (delivered == packets)
        {
            return END;
        }
        long now = 0;
        if (!started)
        {
            started = true;
            startNs = System.nanoTime();
            firstTimestampNs = region.get(ValueLayout.JAVA_LONG, GeneratedFrames.TIMESTAMP);
        }
        if (paced)
        {
            now = System.nanoTime();
            final long due = dueNs(region.get(ValueLayout.JAVA_LONG, cursor + GeneratedFrames.TIMESTAMP));
            if (due - now > 0)
            {
                now = spinUntil(due, now, spinNs);
                if (due - now > 0)
                {
                    return 0;
                }
            }
        }
        int count = 0;
        while (count < limit && delivered < packets)
        {
            final long timestampNs = region.get(ValueLayout.JAVA_LONG, cursor + GeneratedFrames.TIMESTAMP);
            if (paced)
            {
                final long lag = now - dueNs(timestampNs);
                if (lag < 0)
                {
                    break;
                }
                maxLagNs = Math.max(maxLagNs, lag);
            }
            final int length = region.get(ValueLayout.JAVA_INT, cursor + GeneratedFrames.LENGTH);
            handler.onPacket(base + cursor + GeneratedFrames.HEADER, length, length, timestampNs,
                LinkType.ETHERNET, 0);
            cursor += GeneratedFrames.stride(length);
            bytesDelivered += length;
            delivered++;
            count++;
        }
        lastDeliveryNs = System.nanoTime();
        bytesRead = bytesDelivered;
        return count;
    }

    /** Packets handed to the capture thread so far (read on that thread, or after the run). */
    public long packetsDelivered()
    {
        return delivered;
    }

    /**
     * Packets per second of wall-clock time from the first poll to the end of the last: the rate the capture thread
     * was offered (paced: the requested rate, less whatever the capture thread could not keep up with).
     */
    public double achievedPacketsPerSecond()
    {
        final long span = lastDeliveryNs - startNs;
        return span > 0 ? delivered * 1e9 / span : 0;
    }

    /**
     * Paced: the most a packet was handed over after it was due. A large lag means the capture thread (the NIC's
     * receive side) could not keep up with the pace, so the offered rate was lower than requested.
     */
    public long maxLagNs()
    {
        return maxLagNs;
    }

    public boolean isPaced()
    {
        return paced;
    }

    @Override
    public long bytesRead()
    {
        return bytesRead;
    }

    @Override
    public long bytesTotal()
    {
        return bytesTotal;
    }

    @Override
    public List<CaptureDamage> damages()
    {
        return List.of();
    }

    /** Frees nothing: the frames belong to their {@link GeneratedFrames}. */
    @Override
    public void close()
    {
    }

    private long dueNs(final long timestampNs)
    {
        return startNs + (timestampNs - firstTimestampNs);
    }

    private static long spinUntil(final long due, final long now, final long spinNs)
    {
        final long giveUp = now + spinNs;
        long time = now;
        while (due - time > 0 && giveUp - time > 0)
        {
            Thread.onSpinWait();
            time = System.nanoTime();
        }
        return time;
    }
}
