package io.spillway.capture.afpacket;

import io.spillway.capture.live.NetNs;
import io.spillway.capture.live.RecordingFrameHandler;
import io.spillway.capture.live.TestFrames;
import io.spillway.capture.live.TunDevice;
import io.spillway.packet.LinkType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Capture that cannot start says why, in words an operator can act on; interface types map to link types. */
@Tag("live")
class AfPacketOpenFailureTest
{
    private static final int ARPHRD_CAN = 280;

    @AfterEach
    void nothingLeftBehind()
    {
        assertEquals(List.of(), NetNs.namespacesOfThisJvm());
    }

    @Test
    void aMissingInterfaceIsNamed()
    {
        try (NetNs ns = NetNs.create())
        {
            final CaptureUnavailableException missing = assertThrows(CaptureUnavailableException.class, () ->
                ns.call(() -> AfPacketSocket.open(AfPacketConfig.of("nosuch0"))));
            assertEquals("nosuch0", missing.interfaceName());
            assertTrue(missing.getMessage().contains("no interface 'nosuch0'"), missing.getMessage());
        }
    }

    /** A child JVM without CAP_NET_RAW; its socket(2) fails before anything is sent or received. */
    @Test
    void withoutCapNetRawTheMessageSaysWhatToGrant() throws IOException, InterruptedException
    {
        final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        final Path errors = Files.createTempFile("spillway-nocap", ".err");
        try
        {
            final Process child = new ProcessBuilder("setpriv", "--inh-caps=-net_raw", "--ambient-caps=-net_raw",
                "--bounding-set=-net_raw", java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), OpenSocketMain.class.getName(), "lo")
                .redirectError(errors.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM finished");
            final String stderr = Files.readString(errors, StandardCharsets.UTF_8);
            assertEquals(OpenSocketMain.UNAVAILABLE, child.exitValue(), stderr);
            assertTrue(stderr.contains("cannot capture on 'lo'") && stderr.contains("root or the CAP_NET_RAW") &&
                stderr.contains("setcap cap_net_raw+ep"), stderr);
        }
        finally
        {
            Files.deleteIfExists(errors);
        }
    }

    /**
     * The kernel cannot even allocate the list of so many blocks: it fails at once with ENOMEM, before it touches
     * any memory for the blocks themselves.
     */
    @Test
    void aRingTooLargeForTheKernelSaysWhichAndToShrinkIt()
    {
        final int blocks = 1 << 29;
        final AfPacketConfig huge = AfPacketConfig.builder("cap0").ring(AfPacketConfig.PAGE_SIZE, blocks)
            .snapLength(128).build();
        try (NetNs ns = NetNs.withVeth("cap0", "peer0"))
        {
            final CaptureUnavailableException refused = assertThrows(CaptureUnavailableException.class, () ->
                ns.call(() -> AfPacketSocket.open(huge)));
            assertTrue(refused.getMessage().contains(blocks + " blocks of 4096 bytes") &&
                refused.getMessage().contains("ENOMEM") && refused.getMessage().contains("smaller ring"),
                refused.getMessage());
        }
    }

    @Test
    void anUnsupportedInterfaceTypeIsRefusedByName()
    {
        try (NetNs ns = NetNs.create();
             TunDevice can = TunDevice.create(ns, "can0", ARPHRD_CAN))
        {
            final CaptureUnavailableException refused = assertThrows(CaptureUnavailableException.class, () ->
                ns.call(() -> AfPacketSocket.open(AfPacketConfig.of(can.name()))));
            assertTrue(refused.getMessage().contains("ARPHRD_CAN (280) is not supported"), refused.getMessage());
        }
    }

    /** A tun device has no link-layer header: frames are IP packets, link type RAW. */
    @Test
    void aTunDeviceDeliversRawIpPackets()
    {
        try (NetNs ns = NetNs.create();
             TunDevice tun = TunDevice.create(ns, "tun0", TunDevice.KEEP_TYPE);
             AfPacketSocket socket = ns.call(() -> AfPacketSocket.open(AfPacketConfig.of(tun.name()))))
        {
            assertEquals(LinkType.RAW, socket.linkType());
            assertEquals(LinkState.DOWN, socket.linkState());
            ns.up(tun.name());
            final byte[] frame = TestFrames.ipv4(TestFrames.PROTOCOL_UDP, 0x0A000001, 1234, 0x0A000002, 5678, 7, 100);
            final byte[] packet = Arrays.copyOfRange(frame, 14, frame.length);
            tun.inject(packet);
            final RecordingFrameHandler received = new RecordingFrameHandler(bytes -> bytes[0] == 0x45);
            final List<RecordingFrameHandler.Frame> frames = received.receive(socket, 1, 5_000);

            assertEquals(1, frames.size());
            assertArrayEquals(packet, frames.get(0).bytes());
            assertEquals(LinkState.OK, socket.linkState());
        }
    }
}
