package io.spillway.dpi;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.spillway.dpi.TestPackets.ACK;
import static io.spillway.dpi.TestPackets.PSH;
import static io.spillway.dpi.TestPackets.SYN;
import static io.spillway.dpi.TestPackets.ipv4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NdpiClassifierTest
{
    private static final int CLIENT = ipv4(192, 168, 1, 10);
    private static final int SERVER = ipv4(93, 184, 216, 34);
    private static final byte[] CLIENT6 = v6(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10);
    private static final byte[] SERVER6 = v6(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53);
    private static final int DNS = 5;
    private static final int HTTP = 7;
    private static final int TLS = 91;
    private static final int YOUTUBE = 124;
    private static final long START_MS = 1_700_000_000_000L;

    private final Arena arena = Arena.ofConfined();
    private final UnsafeBuffer packet = new UnsafeBuffer(arena.allocate(2048, 8).address(), 2048);
    private final UnsafeBuffer text = new UnsafeBuffer(new byte[256]);
    private final PcapFile pcap = new PcapFile();
    private final Map<Long, Integer> indexByState = new HashMap<>();
    private NdpiClassifier classifier;
    private DpiStatePool pool;
    private long timeMs = START_MS;

    @BeforeEach
    void open() throws DpiUnavailableException
    {
        classifier = Dpi.load().newClassifier();
        pool = new DpiStatePool(classifier.flowStateSize(), 8);
    }

    @AfterEach
    void close()
    {
        classifier.close();
        pool.close();
        arena.close();
    }

    @Test
    void flowStateIsNdpi42sFlowAndTheGluesFinalAnswer() throws DpiUnavailableException
    {
        assertEquals(688, Dpi.load().ndpiFlowSize());
        assertEquals(704, classifier.flowStateSize());
        assertEquals(704, pool.stride(), "no padding between pooled states");
    }

    @Test
    void dnsQueryIsDnsWithItsQueryName()
    {
        final long state = startFlow();
        final int verdict = feed(state, TestPackets.udp4(packet, 0, CLIENT, SERVER, 40_000, 53,
            TestPackets.dnsQuery(0x1234, "www.example.com")));

        assertTrue(Verdict.isFinal(verdict) || verdict == Verdict.DETECTED, Verdict.name(verdict));
        assertEquals(DNS, classifier.appProtocol());
        assertFalse(classifier.guessed());
        assertEquals("DNS", appName());
        assertEquals("www.example.com", serverName());
        endFlow(state);
    }

    @Test
    void dnsQueryOverIpv6IsDns()
    {
        final long state = startFlow();
        feed(state, TestPackets.udp6(packet, 0, CLIENT6, SERVER6, 40_001, 53,
            TestPackets.dnsQuery(0x4321, "www.example.org")));

        assertEquals(DNS, classifier.appProtocol());
        assertEquals("www.example.org", serverName());
        endFlow(state);
    }

    @Test
    void httpGetIsHttpWithItsHost()
    {
        final long state = startFlow();
        handshake(state, 40_002, 80);
        final int verdict = feed(state, TestPackets.tcp4(packet, 0, CLIENT, SERVER, 40_002, 80, 1001, 5001, PSH | ACK,
            TestPackets.httpGet("www.example.com", "/index.html")));

        assertTrue(verdict != Verdict.INSPECTING, Verdict.name(verdict));
        assertEquals(HTTP, classifier.appProtocol());
        assertEquals("HTTP", appName());
        assertEquals("www.example.com", serverName());
        endFlow(state);
    }

    @Test
    void tlsClientHelloWithYoutubeSniIsTlsYoutube()
    {
        final long state = startFlow();
        handshake(state, 40_003, 443);
        final int verdict = feed(state, TestPackets.tcp4(packet, 0, CLIENT, SERVER, 40_003, 443, 1001, 5001,
            PSH | ACK, TestPackets.tlsClientHello("www.youtube.com")));

        // The application is known from the SNI; nDPI would still read the server certificate.
        assertEquals(Verdict.DETECTED, verdict, Verdict.name(verdict));
        assertEquals(TLS, classifier.masterProtocol());
        assertEquals(YOUTUBE, classifier.appProtocol());
        assertEquals("TLS.YouTube", appName());
        assertEquals("www.youtube.com", serverName());

        // Ending inspection early keeps the detection: it is not a guess.
        assertEquals(Verdict.CLASSIFIED, classifier.giveUp(state));
        assertEquals(YOUTUBE, classifier.appProtocol());
        assertFalse(classifier.guessed());
        assertEquals("TLS.YouTube", appName());
        endFlow(state);
    }

    @Test
    void labelsMatchNdpiReaderOnTheSameBytes(@TempDir final Path dir) throws Exception
    {
        final String[] expected = new String[3];
        final long dns = startFlow();
        feed(dns, TestPackets.udp4(packet, 0, CLIENT, SERVER, 40_010, 53, TestPackets.dnsQuery(7, "www.example.com")));
        expected[0] = appName() + " " + serverName();
        endFlow(dns);

        final long http = startFlow();
        handshake(http, 40_011, 80);
        feed(http, TestPackets.tcp4(packet, 0, CLIENT, SERVER, 40_011, 80, 1001, 5001, PSH | ACK,
            TestPackets.httpGet("www.example.com", "/")));
        expected[1] = appName() + " " + serverName();
        endFlow(http);

        final long tls = startFlow();
        handshake(tls, 40_012, 443);
        feed(tls, TestPackets.tcp4(packet, 0, CLIENT, SERVER, 40_012, 443, 1001, 5001, PSH | ACK,
            TestPackets.tlsClientHello("www.youtube.com")));
        classifier.giveUp(tls);
        expected[2] = appName() + " " + serverName();
        endFlow(tls);

        final Path file = dir.resolve("classified.pcap");
        pcap.write(file);
        final List<NdpiReader.Flow> flows = NdpiReader.flows(file);
        assertEquals(3, flows.size(), flows.toString());
        final String[] ports = { ":53", ":80", ":443" };
        for (int i = 0; i < ports.length; i++)
        {
            final NdpiReader.Flow flow = find(flows, ports[i]);
            assertEquals("DPI", flow.confidence(), flow.toString());
            assertEquals(expected[i], flow.appName() + " " + flow.serverName(), flow.toString());
        }
        assertEquals("DNS www.example.com", expected[0]);
        assertEquals("HTTP www.example.com", expected[1]);
        assertEquals("TLS.YouTube www.youtube.com", expected[2]);
    }

    @Test
    void giveUpOnRandomPayloadsGuessesOrSaysUnknown()
    {
        final SplittableRandom random = new SplittableRandom(42);
        final int[] ports = { 53, 80, 443, 5060, 40_000 };
        int guessed = 0;
        int unknown = 0;
        for (int flow = 0; flow < 200; flow++)
        {
            final long state = startFlow();
            final int port = ports[flow % ports.length];
            final boolean tcp = random.nextBoolean();
            int verdict = Verdict.INSPECTING;
            for (int i = 0; i < 3 && !Verdict.isFinal(verdict); i++)
            {
                final byte[] payload = new byte[1 + random.nextInt(400)];
                random.nextBytes(payload);
                final int length = tcp ?
                    TestPackets.tcp4(packet, 0, CLIENT, SERVER, 50_000 + flow, port, 1 + i * 1000, 0, ACK, payload) :
                    TestPackets.udp4(packet, 0, CLIENT, SERVER, 50_000 + flow, port, payload);
                verdict = classifier.processPacket(state, packet.addressOffset(), length, timeMs++);
                assertTrue(verdict >= Verdict.INSPECTING && verdict <= Verdict.GAVE_UP, Verdict.name(verdict));
            }
            if (!Verdict.isFinal(verdict))
            {
                verdict = classifier.giveUp(state);
                assertTrue(Verdict.isFinal(verdict), Verdict.name(verdict));
            }
            if (verdict == Verdict.GAVE_UP)
            {
                if (classifier.appProtocol() == 0)
                {
                    unknown++;
                    assertFalse(classifier.guessed());
                    assertEquals("Unknown", appName());
                }
                else if (classifier.guessed())
                {
                    guessed++;
                }
            }
            endFlow(state);
        }
        // Random bytes to well-known ports get port guesses; to port 40000 nothing can be guessed.
        assertTrue(guessed > 0, "guessed " + guessed);
        assertTrue(unknown > 0, "unknown " + unknown);
        assertEquals(0, pool.liveStates());
    }

    @Test
    void aFinalVerdictIsStable()
    {
        // Bytes no dissector accepts, to port 53: nothing detected, the give-up guesses DNS by port.
        final byte[] noise = new byte[40];
        Arrays.fill(noise, (byte)'A');
        final long state = startFlow();
        final int length = TestPackets.udp4(packet, 0, CLIENT, SERVER, 40_050, 53, noise);
        assertEquals(Verdict.INSPECTING, feed(state, length));
        assertEquals(Verdict.GAVE_UP, classifier.giveUp(state));
        assertEquals(DNS, classifier.appProtocol());
        assertTrue(classifier.guessed());

        // Neither a second give-up nor a later packet may turn the guess into a detection.
        assertEquals(Verdict.GAVE_UP, classifier.giveUp(state));
        assertTrue(classifier.guessed());
        assertEquals(Verdict.GAVE_UP, classifier.processPacket(state, packet.addressOffset(), length, timeMs));
        assertEquals(DNS, classifier.appProtocol());
        assertTrue(classifier.guessed());
        assertEquals("DNS", appName());
        endFlow(state);

        final long http = startFlow();
        handshake(http, 40_051, 80);
        feed(http, TestPackets.tcp4(packet, 0, CLIENT, SERVER, 40_051, 80, 1001, 5001, PSH | ACK,
            TestPackets.httpGet("stable.example", "/")));
        assertEquals(Verdict.CLASSIFIED, classifier.giveUp(http));
        final int later = TestPackets.udp4(packet, 0, CLIENT, SERVER, 40_051, 80, TestPackets.dnsQuery(1, "x.example"));
        assertEquals(Verdict.CLASSIFIED, classifier.processPacket(http, packet.addressOffset(), later, timeMs));
        assertEquals(HTTP, classifier.appProtocol());
        assertFalse(classifier.guessed());
        assertEquals("stable.example", serverName());
        endFlow(http);
    }

    @Test
    void namesProtocolAndCategoryIds()
    {
        assertEquals("TLS.YouTube", text(classifier.protocolName(TLS, YOUTUBE, text, 0)));
        assertEquals("DNS", text(classifier.protocolName(0, DNS, text, 0)));
        assertEquals("Unknown", text(classifier.protocolName(0, 0, text, 0)));

        final long state = startFlow();
        handshake(state, 40_020, 443);
        feed(state, TestPackets.tcp4(packet, 0, CLIENT, SERVER, 40_020, 443, 1001, 5001, PSH | ACK,
            TestPackets.tlsClientHello("www.youtube.com")));
        assertEquals("Media", text(classifier.categoryName(classifier.category(), text, 0)));
        endFlow(state);

        assertEquals(0, classifier.categoryName(-1, text, 0));
        assertEquals(0, classifier.categoryName(100_000, text, 0));
        assertThrows(IllegalArgumentException.class, () -> classifier.protocolName(70_000, 0, text, 0));
    }

    @Test
    void perFlowAndPerPacketCallsAllocateNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        final int length = TestPackets.udp4(packet, 0, CLIENT, SERVER, 40_040, 53,
            TestPackets.dnsQuery(3, "alloc.example"));
        long checksum = 0;
        long fewestAllocated = Long.MAX_VALUE;
        for (int round = 0; round < 4; round++)
        {
            // Round 0 warms up (class loading, JIT). A per-call allocation would show in every round,
            // so the quietest measured round must be zero (one-off JVM events can touch any single one).
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 5_000; i++)
            {
                final int index = pool.allocate();
                final long state = pool.address(index);
                classifier.startFlow(state);
                checksum += classifier.processPacket(state, packet.addressOffset(), length, timeMs);
                checksum += classifier.giveUp(state) + classifier.appProtocol() + classifier.masterProtocol();
                checksum += classifier.category() + (classifier.guessed() ? 1 : 0);
                checksum += classifier.appName(text, 0) + classifier.serverName(text, 64);
                classifier.endFlow(state);
                pool.release(index);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round > 0)
            {
                fewestAllocated = Math.min(fewestAllocated, allocated);
            }
        }
        assertTrue(checksum > 0);
        assertEquals(0, fewestAllocated, "bytes allocated by 5000 flows");
    }

    @Test
    void endedStateCanStartAnotherFlow()
    {
        final long state = startFlow();
        feed(state, TestPackets.udp4(packet, 0, CLIENT, SERVER, 40_030, 53, TestPackets.dnsQuery(1, "a.example")));
        classifier.endFlow(state);
        classifier.endFlow(state);

        classifier.startFlow(state);
        handshake(state, 40_031, 80);
        feed(state, TestPackets.tcp4(packet, 0, CLIENT, SERVER, 40_031, 80, 1001, 5001, PSH | ACK,
            TestPackets.httpGet("b.example", "/")));
        assertEquals(HTTP, classifier.appProtocol());
        assertEquals("b.example", serverName());
        endFlow(state);
    }

    @Test
    void rejectsBadArgumentsBeforeTheNativeCall()
    {
        final long state = startFlow();
        // An unmapped packet address: reaching nDPI with it would crash the JVM, so surviving proves
        // the check ran first.
        final long unmapped = 8;
        for (final int length : new int[]{ 0, -1, Integer.MIN_VALUE, 65_536, Integer.MAX_VALUE })
        {
            assertThrows(IllegalArgumentException.class,
                () -> classifier.processPacket(state, unmapped, length, timeMs), "length " + length);
        }
        final int length = TestPackets.udp4(packet, 0, CLIENT, SERVER, 1, 53, TestPackets.dnsQuery(1, "x.example"));
        assertThrows(IllegalArgumentException.class, () -> classifier.processPacket(state, 0, length, timeMs));
        assertThrows(IllegalArgumentException.class,
            () -> classifier.processPacket(0, packet.addressOffset(), length, timeMs));
        assertThrows(IllegalArgumentException.class,
            () -> classifier.processPacket(state + 4, packet.addressOffset(), length, timeMs));
        assertThrows(IllegalArgumentException.class, () -> classifier.startFlow(0));
        assertThrows(IllegalArgumentException.class, () -> classifier.giveUp(0));
        assertThrows(IllegalArgumentException.class, () -> classifier.endFlow(3));

        assertEquals(Verdict.INSPECTING, classifier.verdict(), "no call reached nDPI");
        assertTrue(classifier.processPacket(state, packet.addressOffset(), length, timeMs) != Verdict.INSPECTING);
        endFlow(state);
    }

    @Test
    void refusesUseAfterClose()
    {
        final int index = pool.allocate();
        final long state = pool.address(index);
        classifier.startFlow(state);
        classifier.endFlow(state);
        classifier.close();
        classifier.close();

        assertThrows(IllegalStateException.class, () -> classifier.startFlow(state));
        assertThrows(IllegalStateException.class,
            () -> classifier.processPacket(state, packet.addressOffset(), 40, timeMs));
        assertThrows(IllegalStateException.class, () -> classifier.giveUp(state));
        assertThrows(IllegalStateException.class, () -> classifier.endFlow(state));
        assertThrows(IllegalStateException.class, () -> classifier.appProtocol());
        assertThrows(IllegalStateException.class, () -> classifier.appName(text, 0));
        assertThrows(IllegalStateException.class, () -> classifier.protocolName(0, 0, text, 0));
        pool.release(index);
    }

    private long startFlow()
    {
        final int index = pool.allocate();
        final long state = pool.address(index);
        indexByState.put(state, index);
        classifier.startFlow(state);
        return state;
    }

    private void endFlow(final long state)
    {
        classifier.endFlow(state);
        pool.release(indexByState.remove(state));
    }

    private void handshake(final long state, final int clientPort, final int serverPort)
    {
        final byte[] none = new byte[0];
        feed(state, TestPackets.tcp4(packet, 0, CLIENT, SERVER, clientPort, serverPort, 1000, 0, SYN, none));
        feed(state, TestPackets.tcp4(packet, 0, SERVER, CLIENT, serverPort, clientPort, 5000, 1001, SYN | ACK, none));
        feed(state, TestPackets.tcp4(packet, 0, CLIENT, SERVER, clientPort, serverPort, 1001, 5001, ACK, none));
    }

    private int feed(final long state, final int length)
    {
        final byte[] bytes = new byte[length];
        packet.getBytes(0, bytes);
        pcap.add(bytes, timeMs);
        return classifier.processPacket(state, packet.addressOffset(), length, timeMs++);
    }

    private String appName()
    {
        return text(classifier.appName(text, 0));
    }

    private String serverName()
    {
        return text(classifier.serverName(text, 0));
    }

    private String text(final int length)
    {
        return text.getStringWithoutLengthAscii(0, length);
    }

    private static NdpiReader.Flow find(final List<NdpiReader.Flow> flows, final String serverPort)
    {
        return flows.stream().filter((flow) -> flow.server().endsWith(serverPort) || flow.client().endsWith(serverPort))
            .findFirst().orElseThrow(() -> new AssertionError("no flow to " + serverPort + " in " + flows));
    }

    private static byte[] v6(final int... bytes)
    {
        final byte[] address = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++)
        {
            address[i] = (byte)bytes[i];
        }
        return address;
    }
}
