package io.spillway.capture.live;

import io.spillway.capture.afpacket.AfPacketConfig;
import io.spillway.capture.afpacket.AfPacketSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fixture itself: namespaces come and go completely, and a veth between two of them carries frames. */
@Tag("live")
class NetNsTest
{
    @AfterEach
    void nothingLeftBehind()
    {
        assertEquals(List.of(), NetNs.namespacesOfThisJvm());
    }

    @Test
    void closeDeletesTheNamespaceAndItsInterfaces()
    {
        final String name;
        try (NetNs ns = NetNs.withVeth("cap0", "peer0"))
        {
            name = ns.name();
            assertTrue(name.startsWith(NetNs.PREFIX + ProcessHandle.current().pid() + "-"), name);
            assertTrue(NetNs.testNamespaces().contains(name));
            assertTrue(ns.ip("-o", "link").contains("cap0@peer0"));
            assertEquals("1", ns.exec("cat", "/proc/sys/net/ipv6/conf/all/disable_ipv6").trim());
        }
        assertFalse(NetNs.testNamespaces().contains(name));
    }

    @Test
    void leftoversOfADeadJvmAreRemovedOnCreation()
    {
        final long deadPid = deadPid();
        final String leftover = NetNs.PREFIX + deadPid + "-1";
        NetNs.run(List.of("ip", "netns", "add", leftover));
        try (NetNs ns = NetNs.create())
        {
            assertFalse(NetNs.testNamespaces().contains(leftover), leftover + " is still there");
        }
        finally
        {
            if (NetNs.testNamespaces().contains(leftover))
            {
                NetNs.run(List.of("ip", "netns", "del", leftover));
            }
        }
    }

    @Test
    void aVethBetweenTwoTestNamespacesCarriesFramesAcross()
    {
        try (NetNs sender = NetNs.create();
             NetNs receiver = NetNs.create())
        {
            sender.veth("out0", receiver, "in0");
            try (AfPacketSocket socket = receiver.call(() -> AfPacketSocket.open(AfPacketConfig.of("in0")));
                 FrameInjector injector = FrameInjector.open(sender, "out0"))
            {
                final byte[] frame = TestFrames.marked(TestFrames.FOREIGN_MAC, 5, 120);
                injector.send(frame);
                final List<RecordingFrameHandler.Frame> frames =
                    RecordingFrameHandler.fromSource(TestFrames.SOURCE_MAC).receive(socket, 1, 5_000);
                assertEquals(1, frames.size());
                assertEquals(5, TestFrames.sequence(frames.get(0).bytes()));
            }
        }
    }

    private static long deadPid()
    {
        for (long pid = 4_000_000; ; pid--)
        {
            if (ProcessHandle.of(pid).isEmpty())
            {
                return pid;
            }
        }
    }
}
