package io.spillway.benchmarks;

import io.spillway.capture.file.CaptureFiles;
import io.spillway.packet.LinkType;
import io.spillway.device.PacketSource;
import io.spillway.packet.PacketParser;
import io.spillway.packet.ParsedPacket;
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
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Parser cost per packet: the real packets of the demo capture (TCP and UDP over IPv4 and IPv6,
 * 679 packets, parsed in a loop), and 64-byte Ethernet/IPv4/UDP frames (the benchmark worst case).
 * Run from the repository root (the demo capture is read from demo/demo.pcap).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"})
public class ParserBenchmark
{
    private static final int BATCH = 1024;

    @Param({"demo", "udp64"})
    public String packets;

    private final PacketParser parser = new PacketParser();
    private final ParsedPacket packet = new ParsedPacket();
    private PacketSource source;
    private long[] addresses;
    private int[] lengths;
    private int[] linkTypes;
    private int count;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp()
    {
        if ("demo".equals(packets))
        {
            source = CaptureFiles.open(Path.of(System.getProperty("spillway.demo", "demo/demo.pcap")));
            addresses = new long[4096];
            lengths = new int[4096];
            linkTypes = new int[4096];
            while (source.poll((address, captured, wire, time, linkType, iface) ->
            {
                addresses[count] = address;
                lengths[count] = captured;
                linkTypes[count] = linkType;
                count++;
            }, 256) != PacketSource.END)
            {
                // read the whole file; its mapping stays valid until tearDown
            }
        }
        else
        {
            count = 1024;
            addresses = new long[count];
            lengths = new int[count];
            linkTypes = new int[count];
            final ByteBuffer frames = ByteBuffer.allocateDirect(count * 64).order(ByteOrder.BIG_ENDIAN);
            final long base = java.lang.foreign.MemorySegment.ofBuffer(frames).address();
            for (int i = 0; i < count; i++)
            {
                final int at = i * 64;
                frames.putShort(at + 12, (short)0x0800);
                frames.put(at + 14, (byte)0x45).putShort(at + 16, (short)50).put(at + 22, (byte)64)
                    .put(at + 23, (byte)17).putInt(at + 26, 0x0A000000 | i).putInt(at + 30, 0xC0A80001);
                frames.putShort(at + 34, (short)(1024 + i)).putShort(at + 36, (short)53).putShort(at + 38, (short)30);
                addresses[i] = base + at;
                lengths[i] = 64;
                linkTypes[i] = LinkType.ETHERNET;
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (source != null)
        {
            source.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int parse()
    {
        int position = cursor;
        int statuses = 0;
        for (int i = 0; i < BATCH; i++)
        {
            statuses += parser.parse(addresses[position], lengths[position], lengths[position], linkTypes[position],
                0L, packet);
            position = position + 1 == count ? 0 : position + 1;
        }
        cursor = position;
        return statuses;
    }
}
