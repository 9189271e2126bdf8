package io.spillway.probe.live;

import io.spillway.capture.live.FrameInjector;
import io.spillway.capture.live.TestFrames;

import java.util.Locale;

/**
 * The live tests' own frames, written onto the peer end of a veth in a test namespace: UDP flows from many clients to
 * one server, and a TCP reset that marks the end of a batch. Every address is in 198.18.0.0/15, the range RFC 2544
 * sets aside for benchmarks, and no frame leaves the test namespaces.
 */
final class LiveTraffic
{
    /** 198.18.0.1: client 0; client {@code n} is this plus {@code n}. */
    private static final int FIRST_CLIENT = 0xC6120001;
    /** 198.19.255.1. */
    private static final int SERVER = 0xC613FF01;
    /** 198.19.255.2 and .3: the marker's endpoints, apart from every flow's. */
    private static final int MARKER_CLIENT = 0xC613FF02;
    private static final int MARKER_SERVER = 0xC613FF03;
    static final String MARKER_CLIENT_ADDRESS = "198.19.255.2";
    static final String SERVER_ADDRESS = "198.19.255.1";
    static final int SERVER_PORT = 5353;
    static final int FRAME_LENGTH = 120;
    private static final int MARKER_LENGTH = 80;
    private static final int TCP_FLAGS_OFFSET = 14 + 20 + 13;
    private static final byte RST_ACK = 0x14;

    private LiveTraffic()
    {
    }

    /** A UDP frame of client {@code flow} to the server, {@value #FRAME_LENGTH} bytes; {@code sequence} numbers it. */
    static byte[] udp(final int flow, final int sequence)
    {
        return TestFrames.ipv4(TestFrames.PROTOCOL_UDP, FIRST_CLIENT + flow, clientPort(flow), SERVER, SERVER_PORT,
            sequence, FRAME_LENGTH);
    }

    /** The server's answer to client {@code flow}: the reverse direction of {@link #udp}'s flow. */
    static byte[] udpReply(final int flow, final int sequence)
    {
        return TestFrames.ipv4(TestFrames.PROTOCOL_UDP, SERVER, SERVER_PORT, FIRST_CLIENT + flow, clientPort(flow),
            sequence, FRAME_LENGTH);
    }

    /** Sends {@code packets} frames of each of {@code flows} UDP flows from client {@code first} on, round by round. */
    static void sendUdp(final FrameInjector injector, final int first, final int flows, final int packets)
    {
        int sequence = 0;
        for (int round = 0; round < packets; round++)
        {
            for (int flow = first; flow < first + flows; flow++)
            {
                injector.send(udp(flow, sequence++));
            }
        }
    }

    /**
     * A TCP reset between the marker's endpoints. After a reset the probe exports the flow once it was quiet for its
     * TCP close time (2 s) on the wall clock, so with one worker, whose queue keeps the order of the wire, the
     * marker's record says that every frame sent before it was counted: a signal that a fixed sleep cannot give.
     */
    static byte[] reset(final int port)
    {
        final byte[] frame = TestFrames.ipv4(TestFrames.PROTOCOL_TCP, MARKER_CLIENT, port, MARKER_SERVER, 80, port,
            MARKER_LENGTH);
        frame[TCP_FLAGS_OFFSET] = RST_ACK;
        return frame;
    }

    static boolean isMarker(final JsonFlow flow)
    {
        return flow.protocol() == TestFrames.PROTOCOL_TCP && flow.from(MARKER_CLIENT_ADDRESS);
    }

    /** The dotted address of client {@code flow}. */
    static String clientAddress(final int flow)
    {
        final int address = FIRST_CLIENT + flow;
        return String.format(Locale.ROOT, "%d.%d.%d.%d", address >>> 24, (address >> 16) & 0xFF, (address >> 8) & 0xFF,
            address & 0xFF);
    }

    static int clientPort(final int flow)
    {
        return 20_000 + flow % 40_000;
    }
}
