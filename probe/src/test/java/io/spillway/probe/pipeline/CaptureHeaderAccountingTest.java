package io.spillway.probe.pipeline;

import io.spillway.capture.file.CaptureFileBuilder;
import io.spillway.capture.file.CaptureFiles;
import io.spillway.capture.file.PacketRecorder;
import io.spillway.capture.reference.Conversation;
import io.spillway.capture.reference.TestCaptures;
import io.spillway.capture.reference.Tshark;
import io.spillway.device.PacketSource;
import io.spillway.dpi.Dpi;
import io.spillway.packet.LinkType;
import io.spillway.packet.ParseStatus;
import io.spillway.probe.flow.RecordedFlow;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Ethernet captures rewritten under the capture headers Spillway decodes (PPI over Ethernet and over 802.11,
 * radiotap, bare 802.11 data frames, ERF records) give the same flows as the original: the same packets, IP octets
 * and nDPI labels (DPI reads the IP packet at the layer-3 offset, behind whatever header came first), and layer-2
 * octets that differ by exactly the headers added to each frame, none for ERF, whose wlen is the Ethernet frame's.
 * Every rewritten capture's conversations also match tshark's packets and bytes.
 */
class CaptureHeaderAccountingTest
{
    private static final byte[] BSSID = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};
    private static final int WLAN_OVERHEAD = 24 + 8 - 14;
    private static final int RADIOTAP_LENGTH = 10;
    private static final int PPI_LENGTH = 8;
    private static final int PPI_80211_LENGTH = 8 + 24;
    private static final int ERF_LENGTH = 16 + 2;

    private static Dpi dpi;

    @TempDir
    Path directory;

    /** How a capture is rewritten: its link type and the bytes added in front of each Ethernet frame's flow. */
    enum Wrapping
    {
        PPI_ETHERNET(LinkType.PPI, PPI_LENGTH),
        PPI_WLAN(LinkType.PPI, PPI_80211_LENGTH + WLAN_OVERHEAD),
        RADIOTAP(LinkType.IEEE802_11_RADIOTAP, RADIOTAP_LENGTH + WLAN_OVERHEAD),
        WLAN(LinkType.IEEE802_11, WLAN_OVERHEAD),
        ERF(LinkType.ERF, 0);

        final int linkType;
        final int layer2Delta;

        Wrapping(final int linkType, final int layer2Delta)
        {
            this.linkType = linkType;
            this.layer2Delta = layer2Delta;
        }
    }

    @BeforeAll
    static void loadDpi() throws Exception
    {
        dpi = Dpi.load();
    }

    static Stream<Arguments> rewrites()
    {
        final List<Arguments> arguments = new ArrayList<>();
        for (final String capture : List.of("http.pcapng", "google_ssl.pcap", "ssh.pcap", "quic-29.pcap"))
        {
            for (final Wrapping wrapping : Wrapping.values())
            {
                arguments.add(Arguments.of(capture, wrapping));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("rewrites")
    void rewrittenCapturesAccountAndClassifyAsTheOriginal(final String name, final Wrapping wrapping)
    {
        final Path original = TestCaptures.file(name);
        final Path rewritten = rewrite(original, wrapping, directory.resolve(wrapping + "-" + name + ".pcap"));
        final ProbeConfig config = ProbeConfig.defaults(2).withDpi(dpi, 0);
        final ProbeRuns.Run before = ProbeRuns.run(config, original);
        final ProbeRuns.Run after = ProbeRuns.run(config, rewritten);

        for (int status = ParseStatus.FLOW; status <= ParseStatus.SNAPLEN_CUT; status++)
        {
            assertEquals(before.result().capture().packets(status), after.result().capture().packets(status),
                "packets of parse status " + status);
        }
        assertTrue(after.result().capture().accounted() >= 10, "packets accounted");
        assertEquals(describe(before.records(), 0), describe(after.records(), wrapping.layer2Delta));
        assertTrue(after.records().stream().anyMatch(r -> !r.applicationName().isEmpty() &&
            !r.applicationName().equals("Unknown")), "some flow has an nDPI label: " + describe(after.records(), 0));

        assertSameAsTshark(rewritten, after);
    }

    /**
     * Every record as text: key, packets, IP octets, nDPI label, and the layer-2 octets less {@code delta} per
     * packet, sorted.
     */
    private static List<String> describe(final List<RecordedFlow> records, final int delta)
    {
        return records.stream()
            .sorted(Comparator.comparing(RecordedFlow::conversation).thenComparing(RecordedFlow::start))
            .map(r -> r.conversation() + " packets " + r.packets() + " octets " + (r.fwdOctets() + r.revOctets()) +
                " layer-2 " + (r.l2Octets() - (long)delta * r.packets()) + " app " + r.applicationName() +
                " server " + r.serverName() + " " + r.detectionName())
            .toList();
    }

    private static void assertSameAsTshark(final Path capture, final ProbeRuns.Run run)
    {
        final Map<Conversation, long[]> ours = run.conversations();
        final Map<Conversation, Tshark.Totals> table = Tshark.conversations(capture);
        final Map<Conversation, long[]> exact = Tshark.packetTotals(capture);
        final TreeSet<Conversation> all = new TreeSet<>(Comparator.comparing(Conversation::toString));
        all.addAll(table.keySet());
        all.addAll(ours.keySet());
        final List<String> differences = new ArrayList<>();
        for (final Conversation c : all)
        {
            final Tshark.Totals reference = table.get(c);
            final long[] mine = ours.get(c);
            final long[] bytes = exact.get(c);
            if (reference == null || mine == null || bytes == null)
            {
                differences.add(c + ": " + (reference == null ? "not in tshark's table" : "no Spillway record"));
            }
            else if (reference.frames() != mine[0] || bytes[1] != mine[1])
            {
                differences.add(c + ": tshark " + reference.frames() + " packets " + bytes[1] + " bytes, Spillway " +
                    mine[0] + " packets " + mine[1] + " bytes");
            }
        }
        assertTrue(differences.isEmpty(), capture.getFileName() + ":\n  " + String.join("\n  ", differences));
    }

    /** Writes every Ethernet frame of {@code original} under {@code wrapping}, timestamps and snap cuts kept. */
    private static Path rewrite(final Path original, final Wrapping wrapping, final Path target)
    {
        final List<PacketRecorder.Packet> packets;
        try (PacketSource source = CaptureFiles.open(original))
        {
            packets = PacketRecorder.readAll(source, 64);
        }
        final CaptureFileBuilder.Pcap pcap =
            CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, true, wrapping.linkType, 262_144);
        int sequence = 0;
        for (final PacketRecorder.Packet packet : packets)
        {
            assertEquals(LinkType.ETHERNET, packet.linkType(), original + " is an Ethernet capture");
            final byte[] frame = packet.data();
            final byte[] header = switch (wrapping)
            {
                case PPI_ETHERNET -> ppi(LinkType.ETHERNET, new byte[0]);
                case PPI_WLAN -> concat(ppi(LinkType.IEEE802_11, dot11Common()), wlanHeader(frame, sequence));
                case RADIOTAP -> concat(radiotap(), wlanHeader(frame, sequence));
                case WLAN -> wlanHeader(frame, sequence);
                case ERF -> erf(packet.timestampNanos(), packet.capturedLength(), packet.wireLength());
            };
            final boolean wlan = wrapping != Wrapping.PPI_ETHERNET && wrapping != Wrapping.ERF;
            // An 802.11 frame carries the Ethernet frame from its ethertype on: the addresses are in its header.
            final int skipped = wlan ? Math.min(12, frame.length) : 0;
            final byte[] data = concat(header, Arrays.copyOfRange(frame, skipped, frame.length));
            final int added = header.length - skipped;
            final long seconds = packet.timestampNanos() / 1_000_000_000L;
            pcap.record(seconds, packet.timestampNanos() - seconds * 1_000_000_000L, data.length,
                packet.wireLength() + added, data);
            sequence++;
        }
        return pcap.writeTo(target);
    }

    private static byte[] ppi(final int dlt, final byte[] fields)
    {
        return concat(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).put((byte)0).put((byte)0)
            .putShort((short)(8 + fields.length)).putInt(dlt).array(), fields);
    }

    /** PPI 802.11-Common: TSF timer, flags (no FCS), rate, channel, FHSS, signal and noise. */
    private static byte[] dot11Common()
    {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putShort((short)2).putShort((short)20)
            .putLong(123_456_789L).putShort((short)0).putShort((short)108).putShort((short)5180).putShort((short)0x140)
            .put((byte)0).put((byte)0).put((byte)-45).put((byte)-95).array();
    }

    /** Radiotap with the flags (0: no FCS, no pad) and rate fields. */
    private static byte[] radiotap()
    {
        return ByteBuffer.allocate(RADIOTAP_LENGTH).order(ByteOrder.LITTLE_ENDIAN).put((byte)0).put((byte)0)
            .putShort((short)RADIOTAP_LENGTH).putInt(0x06).put((byte)0).put((byte)0x6C).array();
    }

    /**
     * A data frame from the access point (from DS: destination, BSSID, source), sequence numbers counting up so that
     * no frame looks like a retransmission, then LLC/SNAP; the Ethernet frame's ethertype and payload follow.
     */
    private static byte[] wlanHeader(final byte[] frame, final int sequence)
    {
        final ByteBuffer header = ByteBuffer.allocate(24 + 6);
        header.put((byte)0x08).put((byte)0x02).putShort((short)0);
        header.put(frame, 0, Math.min(6, frame.length)).position(10);
        header.put(BSSID);
        if (frame.length >= 12)
        {
            header.put(frame, 6, 6);
        }
        header.position(22);
        header.order(ByteOrder.LITTLE_ENDIAN).putShort((short)((sequence & 0xFFF) << 4));
        header.put((byte)0xAA).put((byte)0xAA).put((byte)0x03).put((byte)0).put((byte)0).put((byte)0);
        return header.array();
    }

    /** An ERF Ethernet record header: its wlen is the Ethernet frame's wire length, its rlen what was captured. */
    private static byte[] erf(final long timestampNanos, final int captured, final int wire)
    {
        final long seconds = timestampNanos / 1_000_000_000L;
        final long fraction = ((timestampNanos - seconds * 1_000_000_000L) << 32) / 1_000_000_000L;
        return ByteBuffer.allocate(ERF_LENGTH).order(ByteOrder.LITTLE_ENDIAN).putLong(seconds << 32 | fraction)
            .order(ByteOrder.BIG_ENDIAN).put((byte)2).put((byte)0x04).putShort((short)(ERF_LENGTH + captured))
            .putShort((short)0).putShort((short)wire).putShort((short)0).array();
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
