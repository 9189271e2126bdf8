package io.spillway.capture.file;

import io.spillway.capture.reference.Conversation;
import io.spillway.capture.reference.ExternalTool;
import io.spillway.capture.reference.Tshark;
import io.spillway.device.PacketHandler;
import io.spillway.device.PacketSource;
import io.spillway.packet.LinkType;
import io.spillway.packet.PacketBuilder;
import io.spillway.packet.PacketParser;
import io.spillway.packet.ParseStatus;
import io.spillway.packet.ParsedPacket;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.spillway.packet.PacketBuilder.ERF_TYPE_COLOR_ETH;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_COLOR_HASH_ETH;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_DSM_COLOR_ETH;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_ETH;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_HDLC_POS;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_IPV4;
import static io.spillway.packet.PacketBuilder.ERF_TYPE_IPV6;
import static io.spillway.packet.PacketBuilder.ETHERTYPE_ARP;
import static io.spillway.packet.PacketBuilder.RADIOTAP_DATA_PAD;
import static io.spillway.packet.PacketBuilder.RADIOTAP_FCS;
import static io.spillway.packet.PacketBuilder.TCP_ACK;
import static io.spillway.packet.PacketBuilder.TCP_SYN;
import static io.spillway.packet.PacketBuilder.WLAN_ACK;
import static io.spillway.packet.PacketBuilder.WLAN_BEACON;
import static io.spillway.packet.PacketBuilder.WLAN_DATA;
import static io.spillway.packet.PacketBuilder.WLAN_FROM_DS;
import static io.spillway.packet.PacketBuilder.WLAN_MORE_FRAGMENTS;
import static io.spillway.packet.PacketBuilder.WLAN_PROTECTED;
import static io.spillway.packet.PacketBuilder.WLAN_QOS_A_MSDU;
import static io.spillway.packet.PacketBuilder.WLAN_QOS_DATA;
import static io.spillway.packet.PacketBuilder.WLAN_QOS_NULL;
import static io.spillway.packet.PacketBuilder.WLAN_TO_DS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Captures of the link types with a capture header in front of the frame (PPI, radiotap, ERF) and of bare 802.11,
 * written as pcap files, read by the capture reader and parsed as the capture thread parses them, agree with tshark:
 * per frame, whether it carries IP, its addresses, protocol and ports, and the layer-2 length it counts (tshark's
 * frame.len); per TCP and UDP conversation, packets ({@code -z conv}) and bytes. Frames tshark finds no IP in
 * (management frames, encrypted data, fragments, other ERF record types) are ones Spillway does not account.
 */
class LinkTypeTsharkAgreementTest
{
    private static final int A = 0x0A00_0001;
    private static final int B = 0xC0A8_0102;
    private static final int C = 0xAC10_0003;
    private static final long V6 = 0x2001_0DB8_0000_0000L;

    @TempDir
    Path directory;

    /** A frame and the pcap record it goes into: the whole frame, or {@code captured} bytes of it. */
    private record PcapRecord(PacketBuilder.Frame frame, int captured, int wire)
    {
        static PcapRecord of(final PacketBuilder.Frame frame)
        {
            return new PcapRecord(frame, frame.length(), frame.length());
        }
    }

    static Stream<Arguments> captures()
    {
        return Stream.of(
            arguments("PPI", LinkType.PPI, ppi()),
            arguments("radiotap", LinkType.IEEE802_11_RADIOTAP, radiotap()),
            arguments("802.11", LinkType.IEEE802_11, wlan()),
            arguments("ERF", LinkType.ERF, erf()));
    }

    private static List<PcapRecord> ppi()
    {
        final Supplier<PacketBuilder> ethernet = () -> PacketBuilder.ppi(LinkType.ETHERNET).ethernetHeader();
        final IntFunction<PacketBuilder> qos = n -> PacketBuilder.ppi(LinkType.IEEE802_11).wlanData(
            n % 2 == 0 ? WLAN_TO_DS : WLAN_FROM_DS, true, false);
        return List.of(
            PcapRecord.of(ethernet.get().ipv4(A, B).tcp(40000, 80, TCP_SYN).build()),
            PcapRecord.of(ethernet.get().ipv4(B, A).tcp(80, 40000, TCP_SYN | TCP_ACK).build()),
            PcapRecord.of(ethernet.get().ipv4(A, B).tcp(40000, 80, TCP_ACK).payload(300).build()),
            PcapRecord.of(qos.apply(0).ipv6(V6, 1, V6, 2).udp(5353, 53).payload(30).build()),
            PcapRecord.of(qos.apply(1).ipv6(V6, 2, V6, 1).udp(53, 5353).payload(90).build()),
            PcapRecord.of(PacketBuilder.ppi(LinkType.IEEE802_11).wlanData(WLAN_TO_DS, true, true).ipv4(A, C)
                .udp(1234, 4321).payload(64).build()),
            PcapRecord.of(PacketBuilder.ppi(LinkType.IEEE802_11).wlanData(WLAN_TO_DS | WLAN_FROM_DS, false, false)
                .ipv4(C, A).tcp(443, 50000, TCP_ACK).payload(10).build()),
            PcapRecord.of(PacketBuilder.ppi(LinkType.RAW).ipv4(A, C).udp(1234, 4321).payload(7).build()),
            PcapRecord.of(PacketBuilder.ppi(LinkType.IEEE802_11).wlanHeader(WLAN_BEACON, 0, 0, -1, false).payload(40)
                .build()),
            PcapRecord.of(PacketBuilder.ppi(LinkType.IEEE802_11).wlanHeader(WLAN_QOS_DATA, WLAN_PROTECTED | WLAN_TO_DS,
                0, 0, false).payload(80).build()),
            PcapRecord.of(ethernet.get().next(ETHERTYPE_ARP).payload(28).build()));
    }

    private static List<PcapRecord> radiotap()
    {
        return List.of(
            PcapRecord.of(PacketBuilder.radiotap(-1).wlanData(WLAN_TO_DS, false, false).ipv4(A, B)
                .tcp(40001, 8080, TCP_SYN).build()),
            PcapRecord.of(PacketBuilder.radiotap(true, 0, 0).wlanData(WLAN_FROM_DS, true, false).ipv4(B, A)
                .tcp(8080, 40001, TCP_SYN | TCP_ACK).build()),
            PcapRecord.of(PacketBuilder.radiotap(RADIOTAP_FCS).wlanData(WLAN_TO_DS, true, true).ipv4(A, B)
                .tcp(40001, 8080, TCP_ACK).payload(500).padding(4).build()),
            PcapRecord.of(PacketBuilder.radiotap(true, RADIOTAP_DATA_PAD, 2).wlanHeader(WLAN_QOS_DATA, WLAN_FROM_DS, 0,
                0, false).bytes(0, 0).llcSnap(0).ipv6(V6, 7, V6, 8).udp(443, 60000).payload(1200).build()),
            PcapRecord.of(PacketBuilder.radiotap(0).wlanHeader(WLAN_QOS_DATA, WLAN_TO_DS, 0, WLAN_QOS_A_MSDU, false)
                .aMsduSubframe().llcSnap(0).ipv6(V6, 8, V6, 7).udp(60000, 443).payload(40).build()),
            PcapRecord.of(PacketBuilder.radiotap(0).wlanHeader(WLAN_DATA, WLAN_TO_DS, 0, -1, false).llcSnap(0xF8)
                .ipv4(A, C).udp(9, 9).payload(3).build()),
            PcapRecord.of(PacketBuilder.radiotap(0).wlanHeader(WLAN_QOS_NULL, WLAN_TO_DS, 0, 0, false).build()),
            PcapRecord.of(PacketBuilder.radiotap(0).bytes(WLAN_ACK, 0, 0, 0, 2, 0, 0, 0, 0, 1).build()),
            PcapRecord.of(PacketBuilder.radiotap(0).wlanHeader(WLAN_DATA, WLAN_TO_DS | WLAN_MORE_FRAGMENTS, 0, -1,
                false).llcSnap(0).ipv4(A, B).udp(1, 2).payload(100).build()));
    }

    private static List<PcapRecord> wlan()
    {
        return List.of(
            PcapRecord.of(PacketBuilder.wlan().wlanData(WLAN_TO_DS, false, false).ipv4(A, B).udp(68, 67).payload(240)
                .build()),
            PcapRecord.of(PacketBuilder.wlan().wlanData(WLAN_FROM_DS, true, false).ipv4(B, A).udp(67, 68).payload(250)
                .build()),
            PcapRecord.of(PacketBuilder.wlan().wlanData(WLAN_TO_DS | WLAN_FROM_DS, true, true).ipv6(V6, 1, V6, 3)
                .tcp(22, 50022, TCP_ACK).payload(48).build()),
            PcapRecord.of(PacketBuilder.wlan().wlanData(WLAN_TO_DS, false, false).vlan(12).ipv4(A, C).udp(5, 6)
                .build()),
            PcapRecord.of(PacketBuilder.wlan().wlanHeader(WLAN_DATA, 0, 0, -1, false).bytes(0x42, 0x42, 0x03)
                .payload(35).build()),
            PcapRecord.of(PacketBuilder.wlan().wlanHeader(WLAN_DATA, 0, 0, -1, false).llcSnap(0x00_4096).next(0x0000)
                .payload(20).build()),
            PcapRecord.of(PacketBuilder.wlan().wlanHeader(WLAN_DATA, WLAN_TO_DS, 3, -1, false).payload(60).build()),
            PcapRecord.of(PacketBuilder.wlan().wlanHeader(WLAN_BEACON, 0, 0, -1, false).payload(40).build()));
    }

    private static List<PcapRecord> erf()
    {
        final List<PcapRecord> records = new ArrayList<>();
        records.add(PcapRecord.of(PacketBuilder.erf(ERF_TYPE_ETH, 0).ipv4(A, B).tcp(41000, 443, TCP_SYN).build()));
        records.add(PcapRecord.of(PacketBuilder.erf(ERF_TYPE_COLOR_ETH, 1).ipv4(B, A).tcp(443, 41000, TCP_SYN | TCP_ACK)
            .padding(6).build()));
        records.add(PcapRecord.of(PacketBuilder.erf(ERF_TYPE_DSM_COLOR_ETH, 3).ipv4(A, B).tcp(41000, 443, TCP_ACK)
            .payload(517).build()));
        records.add(PcapRecord.of(PacketBuilder.erf(ERF_TYPE_COLOR_HASH_ETH, 0).vlan(300).ipv6(V6, 5, V6, 6)
            .udp(3478, 3479).payload(100).build()));
        records.add(PcapRecord.of(PacketBuilder.erf(ERF_TYPE_IPV4, 0).ipv4(C, A).udp(161, 40161).payload(50).build()));
        records.add(PcapRecord.of(PacketBuilder.erf(ERF_TYPE_IPV6, 2).ipv6(V6, 6, V6, 5).udp(3479, 3478).payload(20)
            .build()));
        records.add(PcapRecord.of(withFcs(PacketBuilder.erf(ERF_TYPE_ETH, 0).ipv4(A, C).udp(7, 7).payload(18)
            .padding(4).build())));
        // Snapped by the card after the UDP header: the record holds 60 of the 26 + 1042 bytes; as libpcap
        // writes DAG captures, the pcap record's wire length is the frame's plus the headers in front of it.
        final PacketBuilder.Frame snapped = PacketBuilder.erf(ERF_TYPE_ETH, 1).ipv4(A, B).tcp(41000, 443, TCP_ACK)
            .payload(1000).build();
        records.add(new PcapRecord(snapped, 26 + 14 + 20 + 20, snapped.length()));
        records.add(PcapRecord.of(PacketBuilder.erf(ERF_TYPE_ETH, 0).next(ETHERTYPE_ARP).payload(28).build()));
        records.add(PcapRecord.of(PacketBuilder.erf(ERF_TYPE_HDLC_POS, 0).bytes(0x0F, 0x00, 0x80, 0x35).payload(40)
            .build()));
        return records;
    }

    /** The last 4 bytes of an ERF Ethernet record (built as padding) become the frame's FCS, counted in wlen. */
    private static PacketBuilder.Frame withFcs(final PacketBuilder.Frame frame)
    {
        final byte[] bytes = frame.bytes().clone();
        final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        buffer.putShort(14, (short)(buffer.getShort(14) + 4));
        return PacketBuilder.Frame.of(frame.linkType(), bytes, frame.l3Offset());
    }

    /** What Spillway's parser made of one frame the reader delivered. */
    private record Parsed(int status, ParsedPacket packet, int capturedLength, int wireLength)
    {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("captures")
    void spillwayReadsTheCaptureAsTsharkDoes(final String name, final int linkType, final List<PcapRecord> records)
    {
        final CaptureFileBuilder.Pcap pcap = CaptureFileBuilder.pcap(ByteOrder.LITTLE_ENDIAN, false, linkType, 65535);
        for (int i = 0; i < records.size(); i++)
        {
            final PcapRecord record = records.get(i);
            final byte[] data = Arrays.copyOf(record.frame().bytes(), record.captured());
            pcap.record(1_700_000_000L + i, i, record.captured(), record.wire(), data);
        }
        final Path file = pcap.writeTo(directory.resolve(name.replace('.', '_') + ".pcap"));

        final List<Parsed> parsed = parseAll(file);
        final List<String[]> frames = tsharkFrames(file);
        assertEquals(records.size(), parsed.size());
        assertEquals(records.size(), frames.size());

        final Map<Conversation, long[]> ours = new HashMap<>();
        int accounted = 0;
        for (int i = 0; i < frames.size(); i++)
        {
            final String[] f = frames.get(i);
            final Parsed p = parsed.get(i);
            final String where = name + " frame " + (i + 1) + " " + records.get(i).frame();
            assertEquals(Tshark.encapsulationOf(linkType), Integer.parseInt(f[1]), where + ": encapsulation");
            if (LinkType.ERF != linkType)
            {
                assertEquals(Integer.parseInt(f[0]), p.wireLength(), where + ": the reader's wire length");
            }
            final boolean tsharkSeesIp = !f[2].isEmpty() || !f[4].isEmpty();
            final boolean accountedHere = ParseStatus.FLOW == p.status() || ParseStatus.L3_FLOW == p.status();
            assertEquals(tsharkSeesIp, accountedHere, where + ": status " + p.status() + ", tshark " +
                String.join("|", f));
            if (!accountedHere)
            {
                continue;
            }
            accounted++;
            final ParsedPacket packet = p.packet();
            assertEquals(ParseStatus.FLOW, p.status(), where);
            final boolean v4 = !f[2].isEmpty();
            assertEquals(v4 ? 4 : 6, packet.ipVersion, where);
            assertEquals(normalise(v4 ? f[2] : f[4]), address(packet, true), where + ": source");
            assertEquals(normalise(v4 ? f[3] : f[5]), address(packet, false), where + ": destination");
            assertEquals(Integer.parseInt(v4 ? f[6] : f[7]), packet.protocol, where + ": protocol");
            final boolean tcp = !f[8].isEmpty();
            assertEquals(Integer.parseInt(tcp ? f[8] : f[10]), packet.srcPort, where + ": source port");
            assertEquals(Integer.parseInt(tcp ? f[9] : f[11]), packet.dstPort, where + ": destination port");
            assertEquals(Integer.parseInt(f[0]), packet.layer2Length, where + ": layer-2 length (frame.len)");

            final long[] totals = ours.computeIfAbsent(Conversation.of(packet.protocol, address(packet, true),
                packet.srcPort, address(packet, false), packet.dstPort), c -> new long[2]);
            totals[0]++;
            totals[1] += packet.layer2Length;
        }
        assertTrue(accounted >= 4, name + ": only " + accounted + " packets accounted");

        final Map<Conversation, Tshark.Totals> table = Tshark.conversations(file);
        final Map<Conversation, long[]> bytes = Tshark.packetTotals(file);
        assertEquals(sorted(ours.keySet()), sorted(table.keySet()), name + ": conversations");
        for (final Map.Entry<Conversation, long[]> entry : ours.entrySet())
        {
            final Tshark.Totals reference = table.get(entry.getKey());
            assertEquals(reference.frames(), entry.getValue()[0], entry.getKey() + ": packets");
            assertEquals(bytes.get(entry.getKey())[1], entry.getValue()[1], entry.getKey() + ": bytes");
            if (reference.tableBytes() >= 0)
            {
                assertEquals(reference.tableBytes(), entry.getValue()[1], entry.getKey() + ": tshark's table bytes");
            }
        }
    }

    /** Reads the file as the capture thread does and parses every packet at the address the reader hands out. */
    private static List<Parsed> parseAll(final Path file)
    {
        final PacketParser parser = new PacketParser();
        final List<Parsed> parsed = new ArrayList<>();
        final PacketHandler handler = (address, capturedLength, wireLength, timestampNanos, linkType, interfaceId) ->
        {
            final ParsedPacket packet = new ParsedPacket();
            final int status = parser.parse(address, capturedLength, wireLength, linkType, timestampNanos, packet);
            parsed.add(new Parsed(status, packet, capturedLength, wireLength));
        };
        try (PacketSource source = CaptureFiles.open(file))
        {
            while (source.poll(handler, 16) != PacketSource.END)
            {
                // Files are always ready.
            }
            assertEquals(List.of(), source.damages());
        }
        return parsed;
    }

    /** Per frame: frame.len, encapsulation, the first IPv4 and IPv6 addresses and protocol, TCP and UDP ports. */
    private static List<String[]> tsharkFrames(final Path file)
    {
        final List<String[]> frames = new ArrayList<>();
        for (final String line : ExternalTool.lines(List.of("tshark", "-n", "-r", file.toString(),
            "-T", "fields", "-E", "separator=|", "-E", "occurrence=f",
            "-e", "frame.len", "-e", "frame.encap_type", "-e", "ip.src", "-e", "ip.dst", "-e", "ipv6.src",
            "-e", "ipv6.dst", "-e", "ip.proto", "-e", "ipv6.nxt", "-e", "tcp.srcport", "-e", "tcp.dstport",
            "-e", "udp.srcport", "-e", "udp.dstport")))
        {
            frames.add(line.split("\\|", -1));
        }
        return frames;
    }

    private static List<String> sorted(final Collection<Conversation> conversations)
    {
        return conversations.stream().map(Conversation::toString).sorted().toList();
    }

    private static String address(final ParsedPacket packet, final boolean source)
    {
        final long hi = source ? packet.srcHi : packet.dstHi;
        final long lo = source ? packet.srcLo : packet.dstLo;
        final byte[] bytes = 4 == packet.ipVersion ?
            ByteBuffer.allocate(4).putInt((int)lo).array() : ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
        try
        {
            return InetAddress.getByAddress(bytes).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String normalise(final String address)
    {
        try
        {
            return InetAddress.getByName(address).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(address, ex);
        }
    }
}
