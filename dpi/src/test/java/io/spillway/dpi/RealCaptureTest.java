package io.spillway.dpi;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real captures from nDPI's own test suite, classified the way ndpiReader 4.2 drives nDPI (feed each
 * flow until the verdict is final or it has more than 80 TCP / 24 UDP packets, then give up; give up
 * on whatever is left at the end), must get ndpiReader's application and server name for every
 * TCP and UDP flow.
 */
class RealCaptureTest
{
    private static final int TCP = 6;
    private static final int UDP = 17;

    /** A flow being classified: its pool block and packet count, then ndpiReader's two columns. */
    private static final class Run
    {
        final int stateIndex;
        int packets;
        boolean done;
        String label;

        Run(final int stateIndex)
        {
            this.stateIndex = stateIndex;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "google_ssl.pcap", "http_ipv6.pcap", "quic.pcap", "youtube_quic.pcap",
        "443-chrome.pcap", "facebook.pcap", "netflix.pcap", "telegram.pcap", "spotify_tcp.pcap", "teams.pcap" })
    void everyFlowGetsNdpiReadersLabel(final String capture) throws Exception
    {
        final Path file = Path.of(System.getProperty("spillway.pcaps", "../../shared/pcaps"), capture);
        final List<CaptureReader.IpPacket> packets = CaptureReader.read(file);
        final Map<String, String> ours = classify(packets);

        final List<String> mismatches = new ArrayList<>();
        int compared = 0;
        for (final NdpiReader.Flow flow : NdpiReader.flows(file))
        {
            if (!flow.l4().equals("TCP") && !flow.l4().equals("UDP"))
            {
                continue;
            }
            final String key = key(flow.l4(), endpoint(flow.client()), endpoint(flow.server()));
            final String expected = flow.appName() + " [" + flow.serverName() + "]";
            final String actual = ours.get(key);
            compared++;
            if (!expected.equals(actual))
            {
                mismatches.add(key + ": ndpiReader " + expected + ", classifier " + actual);
            }
        }
        assertTrue(compared > 0, "ndpiReader listed TCP/UDP flows in " + capture);
        assertEquals(List.of(), mismatches, compared + " flows compared in " + capture);
    }

    private static Map<String, String> classify(final List<CaptureReader.IpPacket> packets) throws Exception
    {
        final Map<String, Run> runs = new LinkedHashMap<>();
        final Map<String, String> labels = new LinkedHashMap<>();
        try (NdpiClassifier classifier = Dpi.load().newClassifier();
            DpiStatePool pool = new DpiStatePool(classifier.flowStateSize(), packets.size());
            Arena arena = Arena.ofConfined())
        {
            final UnsafeBuffer packet = new UnsafeBuffer(arena.allocate(65_536, 8).address(), 65_536);
            final UnsafeBuffer text = new UnsafeBuffer(new byte[256]);
            for (final CaptureReader.IpPacket ip : packets)
            {
                final String key = key(ip);
                if (key == null)
                {
                    continue;
                }
                Run run = runs.get(key);
                if (run == null)
                {
                    run = new Run(pool.allocate());
                    classifier.startFlow(pool.address(run.stateIndex));
                    runs.put(key, run);
                }
                if (run.done)
                {
                    continue;
                }
                run.packets++;
                packet.putBytes(0, ip.frame(), ip.ipOffset(), ip.ipLength());
                final long state = pool.address(run.stateIndex);
                int verdict = classifier.processPacket(state, packet.addressOffset(), ip.ipLength(), ip.timeMs());
                final int budget = key.startsWith("TCP") ? Dpi.DEFAULT_MAX_TCP_PACKETS : Dpi.DEFAULT_MAX_UDP_PACKETS;
                if (!Verdict.isFinal(verdict) && run.packets > budget)
                {
                    verdict = classifier.giveUp(state);
                }
                if (Verdict.isFinal(verdict))
                {
                    finish(classifier, pool, run, text);
                }
            }
            for (final Run run : runs.values())
            {
                if (!run.done)
                {
                    classifier.giveUp(pool.address(run.stateIndex));
                    finish(classifier, pool, run, text);
                }
            }
            assertEquals(0, pool.liveStates(), "every flow's DPI state was released");
        }
        runs.forEach((key, run) -> labels.put(key, run.label));
        return labels;
    }

    private static void finish(
        final NdpiClassifier classifier, final DpiStatePool pool, final Run run, final UnsafeBuffer text)
    {
        final String appName = text.getStringWithoutLengthAscii(0, classifier.appName(text, 0));
        final String serverName = text.getStringWithoutLengthAscii(0, classifier.serverName(text, 0));
        run.label = appName + " [" + serverName + "]";
        run.done = true;
        classifier.endFlow(pool.address(run.stateIndex));
        pool.release(run.stateIndex);
    }

    /** "TCP a:1 b:2" with the endpoints in a fixed order, or null for packets other than TCP/UDP. */
    static String key(final CaptureReader.IpPacket ip) throws UnknownHostException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(ip.frame());
        final int offset = ip.ipOffset();
        final int version = (ip.frame()[offset] & 0xF0) >>> 4;
        final int protocol;
        final int l4;
        final byte[] src;
        final byte[] dst;
        if (version == 4)
        {
            if ((bytes.getShort(offset + 6) & 0x1FFF) != 0)
            {
                return null;
            }
            protocol = ip.frame()[offset + 9] & 0xFF;
            l4 = offset + (ip.frame()[offset] & 0x0F) * 4;
            src = Arrays.copyOfRange(ip.frame(), offset + 12, offset + 16);
            dst = Arrays.copyOfRange(ip.frame(), offset + 16, offset + 20);
        }
        else
        {
            protocol = ip.frame()[offset + 6] & 0xFF;
            l4 = offset + 40;
            src = Arrays.copyOfRange(ip.frame(), offset + 8, offset + 24);
            dst = Arrays.copyOfRange(ip.frame(), offset + 24, offset + 40);
        }
        if ((protocol != TCP && protocol != UDP) || l4 + 4 > ip.frame().length)
        {
            return null;
        }
        final String a = InetAddress.getByAddress(src).getHostAddress() + ":" + (bytes.getShort(l4) & 0xFFFF);
        final String b = InetAddress.getByAddress(dst).getHostAddress() + ":" + (bytes.getShort(l4 + 2) & 0xFFFF);
        return key(protocol == TCP ? "TCP" : "UDP", a, b);
    }

    private static String key(final String l4, final String a, final String b)
    {
        return a.compareTo(b) < 0 ? l4 + " " + a + " " + b : l4 + " " + b + " " + a;
    }

    /** ndpiReader's "1.2.3.4:80" or "[2a00::1]:443", with the address in Java's spelling. */
    private static String endpoint(final String text) throws UnknownHostException
    {
        final int colon = text.lastIndexOf(':');
        final String address = text.substring(0, colon).replace("[", "").replace("]", "");
        return InetAddress.getByName(address).getHostAddress() + text.substring(colon);
    }
}
