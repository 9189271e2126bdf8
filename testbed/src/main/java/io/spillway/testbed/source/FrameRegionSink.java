package io.spillway.testbed.source;

import io.spillway.testbed.generator.FrameSink;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * Appends the generator's frames to a region in the {@link GeneratedFrames} layout. The generator reuses one
 * buffer for every frame; the segment over it is made again only when that buffer changes, so the copy allocates
 * nothing per frame.
 */
final class FrameRegionSink implements FrameSink
{
    private final MemorySegment region;
    private ByteBuffer lastFrame;
    private MemorySegment lastFrameSegment;
    private long position;
    private long frames;
    private long frameBytes;

    FrameRegionSink(final MemorySegment region)
    {
        this.region = region;
    }

    @Override
    public void onFrame(final long timestampNanos, final ByteBuffer frame, final int length)
    {
        final long stride = GeneratedFrames.stride(length);
        if (position + stride > region.byteSize())
        {
            throw new IllegalStateException("the generator wrote more frame bytes than its spec allows for: " +
                "frame " + frames + " of " + length + " bytes does not fit in " + region.byteSize() + " bytes");
        }
        region.set(ValueLayout.JAVA_LONG, position + GeneratedFrames.TIMESTAMP, timestampNanos);
        region.set(ValueLayout.JAVA_INT, position + GeneratedFrames.LENGTH, length);
        if (frame.hasArray())
        {
            MemorySegment.copy(frame.array(), frame.arrayOffset(), region, ValueLayout.JAVA_BYTE,
                position + GeneratedFrames.HEADER, length);
        }
        else
        {
            MemorySegment.copy(segmentOf(frame), 0, region, position + GeneratedFrames.HEADER, length);
        }
        position += stride;
        frames++;
        frameBytes += length;
    }

    long position()
    {
        return position;
    }

    long frames()
    {
        return frames;
    }

    long frameBytes()
    {
        return frameBytes;
    }

    /** The whole direct buffer, from index 0 whatever its position and limit (frames are read with absolute gets). */
    private MemorySegment segmentOf(final ByteBuffer frame)
    {
        if (frame != lastFrame)
        {
            lastFrame = frame;
            lastFrameSegment = MemorySegment.ofBuffer(frame.duplicate().clear());
        }
        return lastFrameSegment;
    }
}
