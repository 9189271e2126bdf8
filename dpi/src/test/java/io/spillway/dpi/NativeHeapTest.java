package io.spillway.dpi;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The glue counts nDPI's C heap: a detection module's tables when it opens, what dissectors allocate for flows
 * while they are inspected (TLS reassembly, names), all of it given back when the flows end and the module closes.
 * This is the memory per inspected flow beyond the pooled flow state, which the probe and the testbed report.
 */
class NativeHeapTest
{
    private static final int FLOWS = 100;
    private static final int CLIENT = TestPackets.ipv4(10, 0, 0, 1);
    private static final int SERVER = TestPackets.ipv4(10, 16, 0, 1);
    private static final long START_MS = 1_700_000_000_000L;

    @Test
    void nDpisHeapGrowsWithModulesAndInspectedFlowsAndComesBackToWhereItWas() throws Exception
    {
        final Dpi dpi = Dpi.load();
        final Path file = Path.of(System.getProperty("spillway.pcaps", "../../shared/pcaps"), "443-chrome.pcap");
        final List<CaptureReader.IpPacket> packets = CaptureReader.read(file);

        final long before = dpi.nativeHeapBytes();
        dpi.resetNativeHeapPeak();
        try (NdpiClassifier classifier = dpi.newClassifier();
            DpiStatePool pool = new DpiStatePool(classifier.flowStateSize(), packets.size());
            Arena arena = Arena.ofConfined())
        {
            final long module = dpi.nativeHeapBytes() - before;
            assertTrue(module > 100_000, "a detection module's automata and tables: " + module + " bytes");

            // Every packet to its flow, no flow ended: whatever dissectors keep per flow is held.
            final UnsafeBuffer packet = new UnsafeBuffer(arena.allocate(65_536, 8).address(), 65_536);
            final Map<String, Integer> states = new LinkedHashMap<>();
            for (final CaptureReader.IpPacket ip : packets)
            {
                final String key = RealCaptureTest.key(ip);
                if (key == null)
                {
                    continue;
                }
                final int index = states.computeIfAbsent(key, k ->
                {
                    final int allocated = pool.allocate();
                    classifier.startFlow(pool.address(allocated));
                    return allocated;
                });
                packet.putBytes(0, ip.frame(), ip.ipOffset(), ip.ipLength());
                classifier.processPacket(pool.address(index), packet.addressOffset(), ip.ipLength(), ip.timeMs());
            }
            final long inspecting = dpi.nativeHeapBytes() - before;
            assertTrue(inspecting > module, "TLS flows hold reassembly buffers and names: " + inspecting +
                " bytes against the module's " + module);

            for (final int index : states.values())
            {
                classifier.endFlow(pool.address(index));
                pool.release(index);
            }
            final long ended = dpi.nativeHeapBytes() - before;
            System.out.printf("nDPI heap: module %,d B, with %d flows inspecting %,d B, after they ended %,d B%n",
                module, states.size(), inspecting, ended);
            assertTrue(ended < inspecting, "ending the flows freed their allocations: " + ended + " bytes left, " +
                inspecting + " while inspecting");
            assertTrue(dpi.nativeHeapPeakBytes() - before >= inspecting, "the peak saw the inspecting flows");
        }
        assertEquals(before, dpi.nativeHeapBytes(), "closing the module gave every byte back");
    }

    /**
     * nDPI 4.2's TLS dissector gives every TCP flow with payload a 2,048-byte record reassembly buffer until the flow's
     * DPI ends; UDP flows of random bytes get nothing. This is most of DPI's memory per flow beyond its state on the
     * worst-case traffic (docs/testbed.md).
     */
    @Test
    void aTcpFlowNdpiCannotRecogniseHoldsATlsReassemblyBufferUntilItsInspectionEnds() throws Exception
    {
        final Dpi dpi = Dpi.load();
        try (NdpiClassifier classifier = dpi.newClassifier();
            DpiStatePool pool = new DpiStatePool(classifier.flowStateSize(), 2 * FLOWS);
            Arena arena = Arena.ofConfined())
        {
            final UnsafeBuffer packet = new UnsafeBuffer(arena.allocate(2048, 8).address(), 2048);
            final SplittableRandom random = new SplittableRandom(5);
            final byte[] payload = new byte[18];
            final long before = dpi.nativeHeapBytes();
            for (int f = 0; f < FLOWS; f++)
            {
                final long state = pool.address(pool.allocate());
                classifier.startFlow(state);
                for (int p = 0; p < 4; p++)
                {
                    random.nextBytes(payload);
                    final int length = TestPackets.tcp4(packet, 0, CLIENT + f, SERVER, 40_000, 5_000,
                        1_000 + p * payload.length, 0, TestPackets.ACK | TestPackets.PSH, payload);
                    classifier.processPacket(state, packet.addressOffset(), length, START_MS + p);
                }
            }
            final long tcpBytes = dpi.nativeHeapBytes() - before;
            for (int f = 0; f < FLOWS; f++)
            {
                final long state = pool.address(pool.allocate());
                classifier.startFlow(state);
                for (int p = 0; p < 4; p++)
                {
                    random.nextBytes(payload);
                    final int length = TestPackets.udp4(packet, 0, CLIENT + f, SERVER, 40_000, 5_000, payload);
                    classifier.processPacket(state, packet.addressOffset(), length, START_MS + p);
                }
            }
            final long udpBytes = dpi.nativeHeapBytes() - before - tcpBytes;

            assertTrue(tcpBytes >= FLOWS * 2048L && tcpBytes < FLOWS * 2200L,
                "a 2 KB buffer per TCP flow: " + tcpBytes / FLOWS + " bytes per flow");
            assertEquals(0, udpBytes, "nothing per UDP flow of random bytes");
            for (int index = 0; index < 2 * FLOWS; index++)
            {
                classifier.endFlow(pool.address(index));
            }
            assertEquals(before, dpi.nativeHeapBytes(), "ending the flows freed the buffers");
        }
    }
}
