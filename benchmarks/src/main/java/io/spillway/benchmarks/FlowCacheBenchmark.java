package io.spillway.benchmarks;

import io.spillway.probe.flow.FlowCache;
import io.spillway.probe.flow.FlowTimeouts;
import io.spillway.packet.PacketDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Worker-side cost of one packet: flow lookup and counter update in a cache holding
 * {@code flows} live flows, packets drawn uniformly from all of them (the worst case for caches:
 * 2M pre-built descriptors, so the touched entries do not fit in the CPU caches above 100K flows).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx2g"})
public class FlowCacheBenchmark
{
    private static final int BATCH = 1024;
    /** Packets per batch from the capture thread to a worker (ProbeConfig.DEFAULT_BATCH_PACKETS). */
    private static final int WORKER_BATCH = 64;
    private static final long TIME_NS = 1_700_000_000_000_000_000L;

    @Param({"10000", "1000000", "10000000"})
    public int flows;

    /** Pre-built descriptors cycled through: the default 2M keep most touched entries out of the CPU caches. */
    @Param({"2097152"})
    public int descriptorCount;

    private FlowCache cache;
    private UnsafeBuffer descriptors;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp()
    {
        // Timeouts far away: the benchmark measures lookups and updates, not expiry.
        cache = new FlowCache(0, flows, new FlowTimeouts(86_400_000L, 86_400_000L, 2_000, 1_000), record -> { });
        final SyntheticFlows synthetic = new SyntheticFlows();
        final UnsafeBuffer one = new UnsafeBuffer(ByteBuffer.allocateDirect(PacketDescriptor.LENGTH));
        cache.advanceTime(TIME_NS / 1_000_000L);
        for (long flow = 0; flow < flows; flow++)
        {
            synthetic.write(one, 0, flow, TIME_NS);
            cache.onPacket(one, 0);
        }
        if (cache.liveFlows() != flows)
        {
            throw new IllegalStateException("expected " + flows + " live flows, got " + cache.liveFlows());
        }

        descriptors = new UnsafeBuffer(ByteBuffer.allocateDirect(descriptorCount * PacketDescriptor.LENGTH));
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < descriptorCount; i++)
        {
            synthetic.write(descriptors, i * PacketDescriptor.LENGTH, random.nextInt(flows), TIME_NS);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (cache.liveFlows() != flows)
        {
            throw new IllegalStateException("the benchmark created flows: " + cache.liveFlows());
        }
        cache.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void lookupAndUpdate()
    {
        int position = cursor;
        for (int i = 0; i < BATCH; i++)
        {
            cache.onPacket(descriptors, position * PacketDescriptor.LENGTH);
            position = (position + 1) & (descriptorCount - 1);
        }
        cursor = position;
    }

    /** The same packets counted the way workers do: a batch at a time, prefetched first. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void lookupAndUpdatePrefetched()
    {
        int position = cursor;
        for (int b = 0; b < BATCH; b += WORKER_BATCH)
        {
            cache.prefetch(descriptors, position * PacketDescriptor.LENGTH, WORKER_BATCH, PacketDescriptor.LENGTH);
            for (int i = 0; i < WORKER_BATCH; i++)
            {
                cache.onPacket(descriptors, (position + i) * PacketDescriptor.LENGTH);
            }
            position = (position + WORKER_BATCH) & (descriptorCount - 1);
        }
        cursor = position;
    }
}
