package io.spillway.capture.live;

import io.spillway.capture.afpacket.AfPacketSocket;
import io.spillway.capture.afpacket.FrameHandler;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Copies every frame an {@link AfPacketSocket} hands out, for tests to compare with what was sent. Frames can be
 * kept selectively (e.g. only those a test sent, by source MAC), so that stray frames of the kernel do not count.
 */
public final class RecordingFrameHandler implements FrameHandler
{
    /** One received frame: its bytes (the captured part), lengths and kernel timestamp. */
    public record Frame(byte[] bytes, int capturedLength, int wireLength, long timestampNs)
    {
        @Override
        public String toString()
        {
            return "Frame[" + capturedLength + "/" + wireLength + " bytes at " + timestampNs + "]";
        }

        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Frame frame && Arrays.equals(bytes, frame.bytes) &&
                capturedLength == frame.capturedLength && wireLength == frame.wireLength &&
                timestampNs == frame.timestampNs;
        }

        @Override
        public int hashCode()
        {
            return Arrays.hashCode(bytes) * 31 + Long.hashCode(timestampNs);
        }
    }

    private final Predicate<byte[]> keep;
    private final List<Frame> frames = new ArrayList<>();
    private int blocks;
    private int ignored;

    public RecordingFrameHandler()
    {
        this(bytes -> true);
    }

    /** Records only the frames {@code keep} accepts, given their captured bytes. */
    public RecordingFrameHandler(final Predicate<byte[]> keep)
    {
        this.keep = keep;
    }

    /** Keeps frames whose source MAC address (bytes 6 to 11) is {@code sourceMac}. */
    public static RecordingFrameHandler fromSource(final byte[] sourceMac)
    {
        return new RecordingFrameHandler(bytes -> bytes.length >= 12 &&
            Arrays.equals(bytes, 6, 12, sourceMac, 0, 6));
    }

    @Override
    public void onFrame(final long address, final int capturedLength, final int wireLength, final long timestampNs)
    {
        final byte[] bytes = MemorySegment.ofAddress(address).reinterpret(capturedLength)
            .toArray(ValueLayout.JAVA_BYTE);
        if (keep.test(bytes))
        {
            frames.add(new Frame(bytes, capturedLength, wireLength, timestampNs));
        }
        else
        {
            ignored++;
        }
    }

    @Override
    public void onBlockEnd()
    {
        blocks++;
    }

    public List<Frame> frames()
    {
        return frames;
    }

    public int blocks()
    {
        return blocks;
    }

    /** Frames handed out that {@code keep} refused. */
    public int ignored()
    {
        return ignored;
    }

    /**
     * Receives from {@code socket} until {@code expected} frames are kept or {@code timeoutMs} passes, then waits
     * one more retire period for stragglers (duplicates would show up there). Returns the frames kept so far.
     */
    public List<Frame> receive(final AfPacketSocket socket, final int expected, final long timeoutMs)
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (frames.size() < expected && System.nanoTime() < deadline)
        {
            if (socket.receiveBlock(this) == 0)
            {
                socket.await(20);
            }
        }
        settle(socket, Math.max(50, 3L * socket.config().blockTimeoutMs()));
        return frames;
    }

    /** Keeps receiving for {@code quietMs}, to catch frames that should not be there. */
    public void settle(final AfPacketSocket socket, final long quietMs)
    {
        final long deadline = System.nanoTime() + quietMs * 1_000_000L;
        while (System.nanoTime() < deadline)
        {
            if (socket.receiveBlock(this) == 0)
            {
                socket.await(10);
            }
        }
    }
}
