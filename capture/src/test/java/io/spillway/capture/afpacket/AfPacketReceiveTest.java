package io.spillway.capture.afpacket;

import io.spillway.capture.file.CaptureFileBuilder;
import io.spillway.capture.live.FrameInjector;
import io.spillway.capture.live.NetNs;
import io.spillway.capture.live.RecordingFrameHandler;
import io.spillway.capture.live.RecordingFrameHandler.Frame;
import io.spillway.capture.live.Tcpreplay;
import io.spillway.capture.live.TestFrames;
import io.spillway.packet.LinkType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a socket hands out is what was on the wire: every frame once, its bytes, lengths and kernel time. */
@Tag("live")
class AfPacketReceiveTest
{
    private static final String CAPTURE = "cap0";
    private static final String PEER = "peer0";
    private static final long TIMEOUT_MS = 10_000;

    @TempDir
    Path directory;

    @AfterEach
    void nothingLeftBehind()
    {
        assertEquals(List.of(), NetNs.namespacesOfThisJvm());
    }

    @Test
    void everyFrameReplayedArrivesOnceWithItsBytesLengthsAndKernelTime()
    {
        final int count = 300;
        final List<byte[]> sent = new ArrayList<>();
        final CaptureFileBuilder.Pcap pcap = CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, false,
            LinkType.ETHERNET, 65535);
        for (int i = 0; i < count; i++)
        {
            final byte[] frame = TestFrames.marked(TestFrames.FOREIGN_MAC, i, 60 + i * 97 % 1455);
            // Every tenth frame tagged: the kernel takes the tag off, the socket puts it back.
            final byte[] onWire = i % 10 == 3 ? TestFrames.tagged(frame, TestFrames.ETHERTYPE_VLAN, 0xA000 | i) : frame;
            sent.add(onWire);
            pcap.packet(1_700_000_000L + i, 0, onWire);
        }
        final Path file = pcap.writeTo(directory.resolve("frames.pcap"));

        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             AfPacketSocket socket = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE))))
        {
            assertEquals(LinkType.ETHERNET, socket.linkType());
            assertEquals(CAPTURE, socket.interfaceName());
            assertTrue(ns.ip("-o", "link", "show", "dev", CAPTURE).startsWith(socket.ifIndex() + ": "));
            final long before = nowNanos();
            // Read while tcpreplay sends: the 10 ms block timeout retires more blocks than the ring has.
            final CompletableFuture<Void> replay = CompletableFuture.runAsync(() ->
                Tcpreplay.replay(ns, PEER, file, 2_000));
            final RecordingFrameHandler received = RecordingFrameHandler.fromSource(TestFrames.SOURCE_MAC);
            final List<Frame> frames = received.receive(socket, count, TIMEOUT_MS);
            replay.join();
            final long after = nowNanos();

            assertEquals(count, frames.size(), "frames received of " + count + " sent; kernel drops " +
                socket.kernelDrops());
            final Set<Integer> seen = new HashSet<>();
            boolean subMicrosecond = false;
            for (int i = 0; i < count; i++)
            {
                final Frame frame = frames.get(i);
                final int sequence = TestFrames.sequence(frame.bytes());
                assertTrue(sequence >= 0 && sequence < count && seen.add(sequence), "frame " + sequence + " again");
                final byte[] expected = sent.get(sequence);
                assertArrayEquals(expected, frame.bytes(), "frame " + sequence);
                assertEquals(expected.length, frame.capturedLength(), "captured length of frame " + sequence);
                assertEquals(expected.length, frame.wireLength(), "wire length of frame " + sequence);
                assertTrue(frame.timestampNs() >= before && frame.timestampNs() <= after, "frame " + sequence +
                    " stamped " + frame.timestampNs() + ", sent between " + before + " and " + after);
                if (i > 0)
                {
                    assertTrue(frame.timestampNs() >= frames.get(i - 1).timestampNs(), "time goes back at " + i);
                }
                subMicrosecond |= frame.timestampNs() % 1000 != 0;
            }
            assertTrue(subMicrosecond, "timestamps are nanoseconds, not microseconds");
            assertEquals(0, socket.kernelDrops());
        }
    }

    @Test
    void snapLengthCutsTheCapturedBytesAndKeepsTheWireLength()
    {
        final int snapLength = 100;
        final int[] lengths = {60, 99, 100, 101, 300, 1514};
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             AfPacketSocket socket = ns.call(() -> AfPacketSocket.open(AfPacketConfig.builder(CAPTURE)
                 .snapLength(snapLength).build()));
             FrameInjector injector = FrameInjector.open(ns, PEER))
        {
            final List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < lengths.length; i++)
            {
                sent.add(TestFrames.marked(TestFrames.FOREIGN_MAC, i, lengths[i]));
            }
            // A tagged frame is cut after the tag is back: what the handler sees never exceeds the snap length.
            sent.add(TestFrames.tagged(TestFrames.marked(TestFrames.FOREIGN_MAC, 9, 400), TestFrames.ETHERTYPE_VLAN,
                7));
            sent.forEach(injector::send);
            final List<Frame> frames = RecordingFrameHandler.fromSource(TestFrames.SOURCE_MAC)
                .receive(socket, sent.size(), TIMEOUT_MS);

            assertEquals(sent.size(), frames.size());
            for (int i = 0; i < sent.size(); i++)
            {
                final byte[] frame = sent.get(i);
                assertEquals(Math.min(frame.length, snapLength), frames.get(i).capturedLength(), "frame " + i);
                assertEquals(frame.length, frames.get(i).wireLength(), "frame " + i);
                assertArrayEquals(TestFrames.prefix(frame, snapLength), frames.get(i).bytes(), "frame " + i);
            }
        }
    }

    @Test
    void vlanTaggedFramesComeBackAsTheyWereOnTheWire()
    {
        final byte[] plain = TestFrames.ipv4(TestFrames.PROTOCOL_UDP, 0x0A000001, 5000, 0x0A000002, 53, 1, 120);
        final List<byte[]> sent = List.of(
            TestFrames.tagged(plain, TestFrames.ETHERTYPE_VLAN, 0xA02A),
            // VLAN 0 with a priority, and a tag of all zeroes: still tags, still taken off and put back.
            TestFrames.tagged(plain, TestFrames.ETHERTYPE_VLAN, 0x6000),
            TestFrames.tagged(plain, TestFrames.ETHERTYPE_VLAN, 0x0000),
            // 802.1ad outside 802.1Q: the kernel takes off the outer tag only.
            TestFrames.tagged(TestFrames.tagged(plain, TestFrames.ETHERTYPE_VLAN, 200), TestFrames.ETHERTYPE_QINQ,
                100),
            // The legacy 0x9100 tag is no tag to the kernel: nothing to take off.
            TestFrames.tagged(plain, 0x9100, 300),
            plain);
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             AfPacketSocket socket = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE)));
             FrameInjector injector = FrameInjector.open(ns, PEER))
        {
            sent.forEach(injector::send);
            final List<Frame> frames = RecordingFrameHandler.fromSource(TestFrames.SOURCE_MAC)
                .receive(socket, sent.size(), TIMEOUT_MS);

            assertEquals(sent.size(), frames.size());
            for (int i = 0; i < sent.size(); i++)
            {
                assertArrayEquals(sent.get(i), frames.get(i).bytes(), "frame " + i);
                assertEquals(sent.get(i).length, frames.get(i).capturedLength(), "frame " + i);
                assertEquals(sent.get(i).length, frames.get(i).wireLength(), "frame " + i);
            }
            assertEquals(0, socket.vlanTagsNotRestored());
        }
    }

    /**
     * A veth delivers frames for any MAC address to a packet socket, promiscuous or not; a bridge does not: it
     * passes a frame for a foreign address up to its own interface only when that interface is promiscuous.
     */
    @Test
    void framesToAForeignAddressArriveOnlyWhenPromiscuous()
    {
        final String bridge = "br0";
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             FrameInjector injector = FrameInjector.open(ns, PEER))
        {
            ns.ip("link", "add", "name", bridge, "type", "bridge");
            ns.ip("link", "set", "dev", CAPTURE, "master", bridge);
            ns.up(bridge);
            for (final boolean promiscuous : new boolean[] {false, true})
            {
                try (AfPacketSocket socket = ns.call(() -> AfPacketSocket.open(AfPacketConfig.builder(bridge)
                    .promiscuous(promiscuous).build())))
                {
                    assertEquals(promiscuous ? 1 : 0, promiscuity(ns, bridge), "promiscuity of " + bridge);
                    injector.send(TestFrames.marked(TestFrames.FOREIGN_MAC, 1, 80));
                    injector.send(TestFrames.marked(TestFrames.BROADCAST_MAC, 2, 80));
                    final List<Frame> frames = RecordingFrameHandler.fromSource(TestFrames.SOURCE_MAC)
                        .receive(socket, promiscuous ? 2 : 1, TIMEOUT_MS);

                    final List<Integer> sequences = frames.stream().map(f -> TestFrames.sequence(f.bytes())).toList();
                    assertEquals(promiscuous ? List.of(1, 2) : List.of(2), sequences, "promiscuous " + promiscuous);
                }
                assertEquals(0, promiscuity(ns, bridge), "promiscuity of " + bridge + " after close");
            }
        }
    }

    private static int promiscuity(final NetNs ns, final String link)
    {
        final String details = ns.ip("-d", "link", "show", "dev", link);
        final int at = details.indexOf("promiscuity ");
        return Integer.parseInt(details.substring(at + "promiscuity ".length()).split("\\s")[0]);
    }

    private static long nowNanos()
    {
        final Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
