package io.spillway.capture.afpacket;

import io.spillway.capture.live.FrameInjector;
import io.spillway.capture.live.NetNs;
import io.spillway.capture.live.RecordingFrameHandler;
import io.spillway.capture.live.TestFrames;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Interfaces go down, come back, lose carrier and disappear under an open socket. */
@Tag("live")
class AfPacketLinkStateTest
{
    private static final String CAPTURE = "cap0";
    private static final String PEER = "peer0";
    private static final int ENETDOWN = 100;
    private static final long STATE_TIMEOUT_MS = 5_000;
    private static final int FRAMES = 384;

    @TempDir
    Path directory;

    @AfterEach
    void nothingLeftBehind()
    {
        assertEquals(List.of(), NetNs.namespacesOfThisJvm());
    }

    @Test
    void downThenUpResumesDeliveryInTheSameFanoutGroup()
    {
        final Path file = AfPacketFanoutTest.conversations(directory.resolve("flows.pcap"));
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             AfPacketSocket first = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE)));
             AfPacketSocket second = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE)
                 .withFanoutGroupId(first.fanoutGroupId()))))
        {
            assertSplitByFlow(AfPacketFanoutTest.receiveTogether(ns, file, FRAMES, first, second), first, second);

            ns.down(CAPTURE);
            assertEquals(LinkState.DOWN, first.linkState());
            assertEquals(LinkState.DOWN, second.linkState());
            assertFalse(first.await(1_000), "nothing to read while down");
            assertEquals(ENETDOWN, first.lastSocketError(), "the kernel reported ENETDOWN");

            ns.up(CAPTURE);
            awaitState(LinkState.OK, first, second);
            assertSplitByFlow(AfPacketFanoutTest.receiveTogether(ns, file, FRAMES, first, second), first, second);
            assertEquals(0, first.kernelDrops() + second.kernelDrops());
        }
    }

    /**
     * This kernel lets a socket join a fanout group while its interface is down; older ones refuse, and the socket
     * joins when the interface comes up. {@code joinOnlyWhenUp} takes the older kernels' path here too.
     */
    @ParameterizedTest(name = "joinOnlyWhenUp {0}")
    @ValueSource(booleans = {false, true})
    void aSocketOpenedWhileDownCapturesInItsGroupWhenTheLinkComesUp(final boolean joinOnlyWhenUp)
    {
        final Path file = AfPacketFanoutTest.conversations(directory.resolve("flows.pcap"));
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER))
        {
            ns.down(CAPTURE);
            try (AfPacketSocket first = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE),
                    joinOnlyWhenUp));
                 AfPacketSocket second = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE)
                     .withFanoutGroupId(first.fanoutGroupId()), joinOnlyWhenUp)))
            {
                assertTrue(first.fanoutGroupId() > 0, "a group id is known while down");
                assertEquals(first.fanoutGroupId(), second.fanoutGroupId());
                if (joinOnlyWhenUp)
                {
                    assertFalse(first.fanoutJoined() || second.fanoutJoined(), "joined while down");
                }
                assertEquals(LinkState.DOWN, first.linkState());

                ns.up(CAPTURE);
                awaitState(LinkState.OK, first, second);
                assertTrue(first.fanoutJoined() && second.fanoutJoined(), "joined once up");
                assertSplitByFlow(AfPacketFanoutTest.receiveTogether(ns, file, FRAMES, first, second), first,
                    second);
                try (AfPacketSocket other = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE))))
                {
                    assertNotEquals(first.fanoutGroupId(), other.fanoutGroupId(), "the group id stays ours");
                }
            }
        }
    }

    @Test
    void aPeerGoingDownIsALostCarrier()
    {
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             AfPacketSocket socket = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE))))
        {
            assertEquals(LinkState.OK, socket.linkState());
            ns.down(PEER);
            awaitState(LinkState.DOWN, socket);
            ns.up(PEER);
            awaitState(LinkState.OK, socket);
        }
    }

    @Test
    void aDeletedInterfaceIsRemovedForGood()
    {
        try (NetNs ns = NetNs.withVeth(CAPTURE, PEER);
             AfPacketSocket socket = ns.call(() -> AfPacketSocket.open(LiveConfigs.roomy(CAPTURE)));
             FrameInjector injector = FrameInjector.open(ns, PEER))
        {
            injector.send(TestFrames.marked(TestFrames.FOREIGN_MAC, 1, 100));
            assertEquals(1, RecordingFrameHandler.fromSource(TestFrames.SOURCE_MAC).receive(socket, 1, 5_000).size());
            ns.delete(CAPTURE);
            assertEquals(LinkState.REMOVED, socket.linkState());
            assertFalse(socket.await(100));
            assertEquals(ENETDOWN, socket.lastSocketError());
            assertFalse(socket.await(100), "the error was cleared: poll waits again");
            assertEquals(LinkState.REMOVED, socket.linkState());
            assertEquals(1, socket.kernelPackets());
        }
    }

    private static void assertSplitByFlow(final RecordingFrameHandler[] received, final AfPacketSocket... sockets)
    {
        final Map<String, Set<Integer>> socketsOfFlow = new HashMap<>();
        int total = 0;
        for (int socket = 0; socket < received.length; socket++)
        {
            for (final RecordingFrameHandler.Frame frame : received[socket].frames())
            {
                socketsOfFlow.computeIfAbsent(AfPacketFanoutTest.flowKey(frame.bytes()), key -> new HashSet<>())
                    .add(socket);
                total++;
            }
        }
        long drops = 0;
        for (final AfPacketSocket socket : sockets)
        {
            drops += socket.kernelDrops();
        }
        assertEquals(FRAMES, total, "frames received; kernel drops " + drops);
        socketsOfFlow.forEach((flow, owners) -> assertEquals(1, owners.size(), flow + " went to both sockets"));
        assertTrue(received[0].frames().size() > 0 && received[1].frames().size() > 0, "both sockets got flows");
    }

    private static void awaitState(final LinkState expected, final AfPacketSocket... sockets)
    {
        final long deadline = System.nanoTime() + STATE_TIMEOUT_MS * 1_000_000L;
        for (final AfPacketSocket socket : sockets)
        {
            LinkState state = socket.linkState();
            while (state != expected && System.nanoTime() < deadline)
            {
                socket.await(20);
                state = socket.linkState();
            }
            assertEquals(expected, state, socket.toString());
        }
    }
}
