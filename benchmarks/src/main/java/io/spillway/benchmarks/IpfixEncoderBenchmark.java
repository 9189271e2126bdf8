package io.spillway.benchmarks;

import io.spillway.exporter.FlowRecord;
import io.spillway.exporter.ipfix.IpfixExporter;
import io.spillway.exporter.ipfix.IpfixOptions;
import io.spillway.exporter.ipfix.IpfixTemplates;
import io.spillway.exporter.ipfix.IpfixTransport;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemEpochClock;
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

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Export-thread cost of one record in IPFIX: template choice, encoding into the message buffer, message framing, in
 * UDP-sized messages (default MTU 1400), handed to a transport that discards them. One template shape per run; the
 * benchmark prints the bytes per record on the wire at the end of the run, message and set headers included.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx1g"})
public class IpfixEncoderBenchmark
{
    private static final int BATCH = 1024;
    private static final int UDP_MESSAGE_LENGTH = IpfixOptions.DEFAULT_MTU - 28;
    private static final byte[] APP_NAME = "TLS.YouTube".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_NAME = "rr3---sn-4g5e6nzz.googlevideo.com".getBytes(StandardCharsets.US_ASCII);

    /** Data template shape: address family, and DPI results or not. */
    @Param({"IPV4", "IPV6", "IPV4_APPLICATION", "IPV6_APPLICATION"})
    public String shape;

    private final FlowRecord[] records = new FlowRecord[BATCH];
    private DiscardingTransport transport;
    private IpfixExporter exporter;

    @Setup(Level.Trial)
    public void setUp()
    {
        final boolean ipv6 = shape.startsWith("IPV6");
        final boolean application = shape.endsWith("APPLICATION");
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < BATCH; i++)
        {
            final FlowRecord record = new FlowRecord()
                .wrap(new UnsafeBuffer(new byte[FlowRecord.MAX_LENGTH]), 0)
                .clear()
                .ipVersion(ipv6 ? 6 : 4)
                .protocol(6)
                .srcPort(1024 + random.nextInt(60_000))
                .dstPort(443)
                .ingressInterface(1)
                .fwdPackets(1 + random.nextInt(1000))
                .fwdOctets(1500L * (1 + random.nextInt(1000)))
                .fwdL2Octets(1514L * (1 + random.nextInt(1000)))
                .revPackets(1 + random.nextInt(1000))
                .revOctets(1500L * (1 + random.nextInt(1000)))
                .revL2Octets(1514L * (1 + random.nextInt(1000)))
                .fwdTcpFlags(0x1B)
                .revTcpFlags(0x12)
                .fwdFirstMillis(1_700_000_000_000L + i)
                .fwdLastMillis(1_700_000_010_000L + i)
                .revFirstMillis(1_700_000_000_020L + i)
                .revLastMillis(1_700_000_010_020L + i)
                .endReason(1);
            if (ipv6)
            {
                record.srcIPv6(0x20010DB800000000L, random.nextLong()).dstIPv6(0x20010DB8FFFF0000L, random.nextLong());
            }
            else
            {
                record.srcIPv4(0x0A000000 | random.nextInt(1 << 24)).dstIPv4(0xC0A80000 | random.nextInt(1 << 16));
            }
            if (application)
            {
                record.detection(FlowRecord.DETECTION_DETECTED).masterProtocol(91).appProtocol(124).category(17)
                    .names(new UnsafeBuffer(APP_NAME), 0, APP_NAME.length,
                        new UnsafeBuffer(SERVER_NAME), 0, SERVER_NAME.length);
            }
            records[i] = record;
        }

        final int expected = (ipv6 ? IpfixTemplates.IPV6 : IpfixTemplates.IPV4) +
            (application ? IpfixTemplates.APPLICATION : 0);
        if (IpfixTemplates.dataTemplateId(records[0]) != expected)
        {
            throw new IllegalStateException("shape " + shape + " gave template " +
                IpfixTemplates.dataTemplateId(records[0]));
        }

        transport = new DiscardingTransport();
        exporter = new IpfixExporter(transport, IpfixOptions.DEFAULTS, SystemEpochClock.INSTANCE);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void encode()
    {
        final FlowRecord[] records = this.records;
        for (final FlowRecord record : records)
        {
            exporter.onRecord(record);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        System.out.printf("%n%s: %.1f bytes per record in %d-byte messages (%d records in %d messages)%n", shape,
            (double)transport.octets / transport.flowRecords, UDP_MESSAGE_LENGTH, transport.flowRecords,
            transport.messages);
    }

    /** Takes every message and keeps only counts: the benchmark measures encoding, not a socket. */
    static final class DiscardingTransport implements IpfixTransport
    {
        long messages;
        long octets;
        long flowRecords;

        public int maxMessageLength()
        {
            return UDP_MESSAGE_LENGTH;
        }

        public void templates(final DirectBuffer buffer, final int offset, final int length)
        {
        }

        public boolean send(
            final DirectBuffer buffer, final int offset, final int length, final int dataRecords, final int flows)
        {
            messages++;
            octets += length;
            flowRecords += flows;
            return true;
        }

        public void poll()
        {
        }

        public long sentMessages()
        {
            return messages;
        }

        public long sentOctets()
        {
            return octets;
        }

        public long sentFlowRecords()
        {
            return flowRecords;
        }

        public long lostFlowRecords()
        {
            return 0;
        }

        public String name()
        {
            return "discarding transport";
        }

        public void close()
        {
        }
    }
}
