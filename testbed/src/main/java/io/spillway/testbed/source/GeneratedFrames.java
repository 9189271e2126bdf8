package io.spillway.testbed.source;

import io.spillway.device.PacketHandler;
import io.spillway.packet.memory.OffHeapMemory;
import io.spillway.testbed.generator.GenerationReport;
import io.spillway.testbed.generator.GeneratorSpec;
import io.spillway.testbed.generator.TrafficGenerator;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A generated capture held in memory: every frame of a {@link GeneratorSpec}, back to back in one off-heap region,
 * so that a replay reads memory only and its cost is the probe's, not the generator's. Generated once, replayed as
 * often as wanted ({@link ReplaySource}); the frames stay valid until {@link #close}, which the owner calls after
 * every replay has ended (that is how the {@code PacketHandler} contract, addresses valid until the source is
 * closed, holds).
 * <p>
 * Layout, per frame: the timestamp (8 bytes, nanoseconds), the frame length (4 bytes), 4 bytes of padding, then the
 * frame, padded to a multiple of 8 bytes so the next timestamp is aligned.
 */
public final class GeneratedFrames implements AutoCloseable
{
    static final int TIMESTAMP = 0;
    static final int LENGTH = 8;
    static final int HEADER = 16;

    private final Arena arena;
    private final MemorySegment region;
    private final long packets;
    private final long usedBytes;
    private final long frameBytes;
    private final GenerationReport report;
    private final long generationNanos;

    private GeneratedFrames(
        final Arena arena, final MemorySegment region, final long packets, final long usedBytes,
        final long frameBytes, final GenerationReport report, final long generationNanos)
    {
        this.arena = arena;
        this.region = region;
        this.packets = packets;
        this.usedBytes = usedBytes;
        this.frameBytes = frameBytes;
        this.report = report;
        this.generationNanos = generationNanos;
    }

    /**
     * Bytes a region for {@code spec} needs, a header included with every frame: every frame at the spec's longest,
     * and the first frame of every flow at the longest opening.
     */
    public static long bytesNeeded(final GeneratorSpec spec)
    {
        return spec.packets() * stride(spec.longestFrame()) +
            spec.flowsAtMost() * (stride(spec.longestOpeningFrame()) - stride(spec.longestFrame()));
    }

    /** Runs the generator into a new region sized for {@code spec}. */
    public static GeneratedFrames generate(final GeneratorSpec spec)
    {
        final Arena arena = Arena.ofShared();
        try
        {
            // Lazily committed: pages become resident as the generator writes them, never twice.
            final MemorySegment region = OffHeapMemory.allocate(bytesNeeded(spec), arena);
            final FrameRegionSink sink = new FrameRegionSink(region);
            final long start = System.nanoTime();
            final GenerationReport report = new TrafficGenerator(spec).generate(sink);
            final long generationNanos = System.nanoTime() - start;
            return new GeneratedFrames(arena, region, sink.frames(), sink.position(), sink.frameBytes(), report,
                generationNanos);
        }
        catch (final RuntimeException | Error ex)
        {
            arena.close();
            throw ex;
        }
    }

    /** Region bytes one frame of {@code length} bytes takes. */
    static long stride(final int length)
    {
        return (HEADER + length + 7) & ~7L;
    }

    public long packets()
    {
        return packets;
    }

    /** Bytes of the region the frames and their headers take: the memory a replay reads. */
    public long usedBytes()
    {
        return usedBytes;
    }

    /** Bytes of the frames alone. */
    public long frameBytes()
    {
        return frameBytes;
    }

    /** What the generator reports it wrote (rate, flows, concurrency), measured from the frames. */
    public GenerationReport report()
    {
        return report;
    }

    /** Wall-clock time the generator took to fill the region. */
    public long generationNanos()
    {
        return generationNanos;
    }

    MemorySegment region()
    {
        return region;
    }

    /** Frees the frames: only once no replay of them runs any more. */
    @Override
    public void close()
    {
        arena.close();
    }
}
