package io.spillway.benchmarks;

import io.spillway.probe.flow.FlowCache;
import io.spillway.probe.flow.FlowTimeouts;
import io.spillway.packet.PacketDescriptor;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Memory per flow, measured: the resident set grows by this much per live IPv4 flow when a cache
 * of that capacity fills up (entries and index pages are committed lazily, so RSS is the truth).
 * Run: java -cp benchmarks/target/benchmarks.jar io.spillway.benchmarks.FlowMemoryReport [flows...]
 */
public final class FlowMemoryReport
{
    private FlowMemoryReport()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final long[] sizes = args.length == 0 ? new long[] {10_000, 1_000_000, 10_000_000} :
            java.util.Arrays.stream(args).mapToLong(Long::parseLong).toArray();
        System.out.printf(Locale.ROOT, "%12s %14s %16s %18s%n", "flows", "entry bytes", "entry+index/flow",
            "RSS growth/flow");
        for (final long flows : sizes)
        {
            final long before = residentBytes();
            try (FlowCache cache = new FlowCache(0, (int)flows, FlowTimeouts.DEFAULT, record -> { }))
            {
                final SyntheticFlows synthetic = new SyntheticFlows();
                final UnsafeBuffer one = new UnsafeBuffer(ByteBuffer.allocateDirect(PacketDescriptor.LENGTH));
                cache.advanceTime(1_700_000_000_000L);
                for (long flow = 0; flow < flows; flow++)
                {
                    synthetic.write(one, 0, flow, 1_700_000_000_000_000_000L);
                    cache.onPacket(one, 0);
                }
                final long after = residentBytes();
                System.out.printf(Locale.ROOT, "%,12d %14d %16.1f %18.1f%n", flows, FlowCache.ENTRY_LENGTH,
                    cache.bytesPerIPv4Flow(), (after - before) / (double)flows);
            }
        }
    }

    private static long residentBytes() throws IOException
    {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
        {
            if (line.startsWith("VmRSS:"))
            {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
