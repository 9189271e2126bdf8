package io.spillway.capture.afpacket;

import io.spillway.capture.file.CaptureFileBuilder;
import io.spillway.capture.live.FrameInjector;
import io.spillway.capture.live.NetNs;
import io.spillway.capture.live.RecordingFrameHandler;
import io.spillway.capture.live.Tcpreplay;
import io.spillway.capture.live.TestFrames;
import io.spillway.packet.LinkType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's counters as the socket accumulates them. Measured here (Linux 6.18): on TPACKET_V3 the kernel's
 * "packets" include its drops, so packets = frames that reached the ring + drops.
 */
@Tag("live")
class AfPacketStatisticsTest
{
    private static final String CAPTURE = "cap0";
    private static final String PEER = "peer0";

    @TempDir
    Path directory;

    @AfterEach
    void nothingLeftBehind()
    {
        assertEquals(List.of(), NetNs.namespacesOfThisJvm());
    }

    @Test
    void aReaderThatKeepsUpLosesNothing()
    {
        final int count = 1_000;
        final CaptureFileBuilder.Pcap pcap = CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, false,
            LinkType.ETHERNET, 65535);
        for (int i = 0; i < count; i++)
        {
            pcap.packet(1_700_000_000L, i, TestFrames.marked(TestFrames.FOREIGN_MAC, i, 200 + i % 800));
        }
        final Path file = pcap.writeTo(directory.resolve("modest.pcap"));
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             AfPacketSocket socket = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE))))
        {
            final CompletableFuture<Void> replay = CompletableFuture.runAsync(() ->
                Tcpreplay.replay(ns, PEER, file, 2_000));
            final RecordingFrameHandler received = RecordingFrameHandler.fromSource(TestFrames.SOURCE_MAC);
            received.receive(socket, count, 10_000);
            replay.join();

            assertEquals(0, socket.kernelDrops());
            assertEquals(count, received.frames().size());
            assertEquals(0, socket.freezes());
            final long everything = received.frames().size() + received.ignored();
            assertEquals(everything, socket.kernelPackets());
            assertEquals(everything, socket.kernelPackets(), "reading the counters does not lose them");
        }
    }

    @Test
    void aRingNobodyReadsDropsAndCountsTheDrops() throws InterruptedException
    {
        final int count = 2_000;
        final AfPacketConfig config = AfPacketConfig.builder(CAPTURE).ring(AfPacketConfig.PAGE_SIZE, 2)
            .snapLength(128).blockTimeoutMs(5).build();
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             AfPacketSocket socket = ns.call(() -> AfPacketSocket.open(config));
             FrameInjector injector = FrameInjector.open(ns, PEER))
        {
            for (int i = 0; i < count; i++)
            {
                injector.send(TestFrames.marked(TestFrames.FOREIGN_MAC, i, 300));
            }
            Thread.sleep(50);
            final RecordingFrameHandler received = new RecordingFrameHandler();
            received.settle(socket, 100);

            final long packets = socket.kernelPackets();
            final long drops = socket.kernelDrops();
            final long ring = received.frames().size();
            System.out.println("unread 2 x 4 KiB ring, " + count + " frames sent: " + ring + " in the ring, " +
                "kernel packets " + packets + ", drops " + drops + ", freezes " + socket.freezes());
            assertTrue(drops > 0, "drops " + drops);
            assertTrue(ring > 0 && ring < count, "frames in the ring " + ring);
            assertEquals(ring + drops, packets, "kernel packets = frames in the ring + drops");
            // Not equal to count for certain: a veth backlog that overflows drops before any socket sees a frame.
            assertTrue(packets <= count && packets > count / 2, "kernel packets " + packets + " of " + count);
            assertTrue(socket.freezes() >= 1, "the queue froze");
        }
    }
}
