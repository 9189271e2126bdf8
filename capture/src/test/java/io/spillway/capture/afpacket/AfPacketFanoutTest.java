package io.spillway.capture.afpacket;

import io.spillway.capture.file.CaptureFileBuilder;
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

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sockets of one HASH fanout group share an interface's frames flow by flow, both directions on one socket. */
@Tag("live")
class AfPacketFanoutTest
{
    private static final String CAPTURE = "cap0";
    private static final String PEER = "peer0";
    private static final int FLOWS = 64;
    private static final int PACKETS_PER_DIRECTION = 3;
    private static final long TIMEOUT_MS = 10_000;

    @TempDir
    Path directory;

    @AfterEach
    void nothingLeftBehind()
    {
        assertEquals(List.of(), NetNs.namespacesOfThisJvm());
    }

    @Test
    void everyFlowLandsWithBothDirectionsOnOneSocketAndBothSocketsGetFlows()
    {
        final Path file = conversations(directory.resolve("flows.pcap"));
        final int frames = FLOWS * 2 * PACKETS_PER_DIRECTION;
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             AfPacketSocket first = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE)));
             AfPacketSocket second = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE)
                 .withFanoutGroupId(first.fanoutGroupId()))))
        {
            assertTrue(first.fanoutGroupId() > 0, "the kernel chose a group id");
            assertEquals(first.fanoutGroupId(), second.fanoutGroupId());
            final RecordingFrameHandler[] received = receiveTogether(ns, file, frames, first, second);

            final Map<String, Set<Integer>> socketsOfFlow = new HashMap<>();
            final Set<Integer> sequences = new HashSet<>();
            for (int socket = 0; socket < 2; socket++)
            {
                for (final Frame frame : received[socket].frames())
                {
                    socketsOfFlow.computeIfAbsent(flowKey(frame.bytes()), key -> new HashSet<>()).add(socket);
                    assertTrue(sequences.add(ipIdentification(frame.bytes())), "frame received twice");
                }
            }
            assertEquals(frames, sequences.size(), "frames received of " + frames + " sent; kernel drops " +
                (first.kernelDrops() + second.kernelDrops()));
            assertEquals(FLOWS, socketsOfFlow.size());
            socketsOfFlow.forEach((flow, sockets) -> assertEquals(1, sockets.size(), flow + " went to both sockets"));
            final int firstShare = received[0].frames().size();
            assertTrue(firstShare > 0 && firstShare < frames, "the split used both sockets: " + firstShare + " / " +
                received[1].frames().size());
            System.out.println("HASH fanout of " + FLOWS + " flows, " + frames + " frames: " + firstShare + " / " +
                received[1].frames().size());
        }
    }

    @Test
    void groupIdZeroMakesAFreshGroupAndAMismatchedModeIsRefused()
    {
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             AfPacketSocket first = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE)));
             AfPacketSocket other = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE))))
        {
            assertNotEquals(first.fanoutGroupId(), other.fanoutGroupId());
            final CaptureUnavailableException refused = assertThrows(CaptureUnavailableException.class, () ->
                ns.call(() -> AfPacketSocket.open(AfPacketConfig.builder(CAPTURE)
                    .fanout(FanoutMode.LB, first.fanoutGroupId()).build())));
            assertTrue(refused.getMessage().contains("fanout group " + first.fanoutGroupId() +
                " already exists") && refused.getMessage().contains("'" + CAPTURE + "'"), refused.getMessage());
        }
    }

    /** Reads both sockets while tcpreplay sends, until {@code expected} test frames arrived in all. */
    static RecordingFrameHandler[] receiveTogether(final NetNs ns, final Path file, final int expected,
        final AfPacketSocket... sockets)
    {
        final RecordingFrameHandler[] received = new RecordingFrameHandler[sockets.length];
        for (int i = 0; i < sockets.length; i++)
        {
            received[i] = RecordingFrameHandler.fromSource(TestFrames.SOURCE_MAC);
        }
        final CompletableFuture<Void> replay = CompletableFuture.runAsync(() ->
            Tcpreplay.replay(ns, PEER, file, 2_000));
        final long deadline = System.nanoTime() + TIMEOUT_MS * 1_000_000L;
        int total = 0;
        while (total < expected && System.nanoTime() < deadline)
        {
            int delivered = 0;
            for (int i = 0; i < sockets.length; i++)
            {
                delivered += sockets[i].receiveBlock(received[i]);
            }
            if (delivered == 0)
            {
                sockets[0].await(5);
            }
            total = 0;
            for (final RecordingFrameHandler handler : received)
            {
                total += handler.frames().size();
            }
        }
        replay.join();
        for (int i = 0; i < sockets.length; i++)
        {
            received[i].settle(sockets[i], 50);
        }
        return received;
    }

    /**
     * A capture of {@link #FLOWS} TCP conversations between different hosts and ports, their packets interleaved:
     * each flow sends {@link #PACKETS_PER_DIRECTION} packets each way. The IP identification numbers every frame.
     */
    static Path conversations(final Path file)
    {
        final CaptureFileBuilder.Pcap pcap = CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, false,
            LinkType.ETHERNET, 65535);
        int sequence = 0;
        for (int round = 0; round < PACKETS_PER_DIRECTION; round++)
        {
            for (int flow = 0; flow < FLOWS; flow++)
            {
                final int client = 0x0A000000 | (flow * 37 + 1);
                final int server = 0xC0A80000 | (flow % 7 + 1);
                final int clientPort = 40_000 + flow * 11;
                final int serverPort = flow % 2 == 0 ? 443 : 80;
                pcap.packet(1_700_000_000L, sequence, TestFrames.ipv4(TestFrames.PROTOCOL_TCP, client, clientPort,
                    server, serverPort, sequence++, 90));
                pcap.packet(1_700_000_000L, sequence, TestFrames.ipv4(TestFrames.PROTOCOL_TCP, server, serverPort,
                    client, clientPort, sequence++, 150));
            }
        }
        return pcap.writeTo(file);
    }

    /** The flow of an IPv4 TCP frame, the same for both directions: the two endpoints in sorted order. */
    static String flowKey(final byte[] frame)
    {
        final ByteBuffer bytes = ByteBuffer.wrap(frame);
        final long source = (Integer.toUnsignedLong(bytes.getInt(26)) << 16) | Short.toUnsignedInt(bytes.getShort(34));
        final long destination = (Integer.toUnsignedLong(bytes.getInt(30)) << 16) |
            Short.toUnsignedInt(bytes.getShort(36));
        return Math.min(source, destination) + "-" + Math.max(source, destination);
    }

    private static int ipIdentification(final byte[] frame)
    {
        return Short.toUnsignedInt(ByteBuffer.wrap(frame).getShort(18));
    }
}
