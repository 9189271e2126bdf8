package io.spillway.testbed.generator;

import io.spillway.dpi.NdpiReader;
import io.spillway.capture.reference.ExternalTool;
import io.spillway.testbed.cli.TestbedMain;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code testbed generate --payload realistic} read back by nDPI 4.2 (ndpiReader) and tshark: each flow must be
 * classified as the protocol the generator opened it with, naming the server it chose. The truth per flow comes
 * from {@link FlowIdentity}, the generator's own choice, not from the frames.
 */
@Tag("tshark")
class RealisticCaptureTest
{
    private static final int ACTIVE_FLOWS = 2_000;
    private static final long SEED = 5;
    private static final double IPV6_SHARE = 0.2;
    private static final double UDP_SHARE = 0.5;
    private static final double REQUIRED_AGREEMENT = 0.95;

    @TempDir
    static Path directory;

    private static Path capture;
    private static Map<String, Intent> intended;
    private static String summary;

    /** What the generator meant a flow to be. */
    record Intent(Opening opening, String serverName)
    {
    }

    @BeforeAll
    static void generate()
    {
        capture = directory.resolve("realistic.pcap");
        final StringWriter out = new StringWriter();
        // About 10 packets per flow over 0.2 s, no flow retires: every flow has its opening in the capture.
        final int exit = TestbedMain.commandLine().setOut(new PrintWriter(out, true)).execute("generate",
            "--out", capture.toString(), "--packets", "20000", "--active-flows", Integer.toString(ACTIVE_FLOWS),
            "--new-flows-per-sec", "1", "--imix", "--rate", "100000", "--seed", Long.toString(SEED),
            "--ipv6-share", Double.toString(IPV6_SHARE), "--udp-share", Double.toString(UDP_SHARE),
            "--payload", "realistic");
        assertEquals(0, exit, out.toString());
        summary = out.toString();

        intended = new HashMap<>();
        final FlowIdentity flow = new FlowIdentity(SEED, IPV6_SHARE, UDP_SHARE, Openings.serverNameCount());
        for (long serial = 0; serial < ACTIVE_FLOWS; serial++)
        {
            flow.load(serial);
            intended.put(key(clientAddress(flow), flow.clientPort),
                new Intent(flow.opening, ServerNames.all().get(flow.serverName)));
        }
    }

    @Test
    void ndpiClassifiesAtLeast95PercentOfFlowsAsTheIntendedProtocolAndServerName() throws Exception
    {
        final List<NdpiReader.Flow> flows = NdpiReader.flows(capture);
        final Map<Opening, Integer> perOpening = new EnumMap<>(Opening.class);
        int protocolAgrees = 0;
        int nameAgrees = 0;
        for (final NdpiReader.Flow flow : flows)
        {
            final Intent intent = intended.get(endpointKey(flow.client()));
            assertTrue(intent != null, "a flow the generator did not make: " + flow);
            perOpening.merge(intent.opening(), 1, Integer::sum);
            // "TLS.NetFlix": the master protocol, then the application nDPI found from the name.
            final String master = flow.appName().split("\\.")[0].toUpperCase(Locale.ROOT);
            protocolAgrees += master.equals(intent.opening().name()) ? 1 : 0;
            nameAgrees += flow.serverName().equals(intent.serverName()) ? 1 : 0;
        }
        final double protocolAgreement = (double)protocolAgrees / flows.size();
        final double nameAgreement = (double)nameAgrees / flows.size();
        System.out.printf(Locale.ROOT, "ndpiReader on %d realistic flows %s: protocol agrees %.2f%%, name %.2f%%%n",
            flows.size(), perOpening, 100 * protocolAgreement, 100 * nameAgreement);

        assertTrue(flows.size() >= ACTIVE_FLOWS * 0.99, "flows: " + flows.size());
        for (final Opening opening : Opening.values())
        {
            assertTrue(perOpening.getOrDefault(opening, 0) > 150, opening + ": " + perOpening);
        }
        assertTrue(protocolAgreement >= REQUIRED_AGREEMENT, "protocol agreement " + protocolAgreement);
        assertTrue(nameAgreement >= REQUIRED_AGREEMENT, "name agreement " + nameAgreement);
        assertTrue(summary.contains("openings                 HTTP " + perOpening.get(Opening.HTTP) + ", TLS " +
            perOpening.get(Opening.TLS) + ", DNS " + perOpening.get(Opening.DNS) + ", QUIC " +
            perOpening.get(Opening.QUIC) + " (flows)"), summary);
    }

    @Test
    void tsharkDecryptsEveryQuicInitialAndReadsTheNamesOfEveryOpening()
    {
        final Map<Opening, Integer> named = new EnumMap<>(Opening.class);
        final Set<String> seen = new HashSet<>();
        for (final String line : ExternalTool.lines(List.of("tshark", "-n", "-r", capture.toString(),
            "-Y", "quic.long.packet_type == 0 || tls.handshake.type == 1 || http.request || dns.flags.response == 0",
            "-T", "fields", "-E", "occurrence=f",
            "-e", "ip.src", "-e", "ipv6.src", "-e", "tcp.srcport", "-e", "udp.srcport",
            "-e", "tls.handshake.extensions_server_name", "-e", "http.host", "-e", "dns.qry.name")))
        {
            final String[] field = line.split("\t", -1);
            final String key = key(field[0].isEmpty() ? field[1] : field[0], Integer.parseInt(
                field[2].isEmpty() ? field[3] : field[2]));
            final Intent intent = intended.get(key);
            final String name = field[4] + field[5] + field[6];
            // Random payload after an opening can look like a packet of these protocols; only openings count.
            if (intent != null && name.equals(intent.serverName()) && seen.add(key))
            {
                named.merge(intent.opening(), 1, Integer::sum);
            }
        }
        final Map<Opening, Integer> flows = new EnumMap<>(Opening.class);
        intended.values().forEach((intent) -> flows.merge(intent.opening(), 1, Integer::sum));

        for (final Opening opening : Opening.values())
        {
            assertTrue(named.getOrDefault(opening, 0) >= REQUIRED_AGREEMENT * flows.get(opening),
                opening + ": tshark read the intended name in " + named + " of " + flows);
        }
        // QUIC Initials are encrypted: tshark read their SNI only by deriving the keys from each DCID.
        assertEquals(flows.get(Opening.QUIC), named.get(Opening.QUIC));
    }

    @Test
    void everyChecksumVerifies()
    {
        assertEquals(List.of(), ExternalTool.lines(List.of("tshark", "-n", "-r", capture.toString(),
            "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
            "-Y", "ip.checksum.status == 0 || tcp.checksum.status == 0 || udp.checksum.status == 0")));
    }

    private static String clientAddress(final FlowIdentity flow)
    {
        final ByteBuffer bytes = ByteBuffer.allocate(flow.ipv6 ? 16 : 4);
        if (flow.ipv6)
        {
            bytes.putLong(FlowIdentity.IPV6_CLIENT_PREFIX).putLong(flow.ipv6ClientInterface());
        }
        else
        {
            bytes.putInt(flow.ipv4Client());
        }
        try
        {
            return InetAddress.getByAddress(bytes.array()).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** "10.0.0.1:49152" or "[fd00::1:...]:49152", as ndpiReader prints an endpoint. */
    private static String endpointKey(final String endpoint)
    {
        final int colon = endpoint.lastIndexOf(':');
        final String address = endpoint.substring(0, colon).replace("[", "").replace("]", "");
        return key(address, Integer.parseInt(endpoint.substring(colon + 1)));
    }

    /** Client address in Java's spelling, whatever the tool's, and client port. */
    private static String key(final String address, final int port)
    {
        return InetAddress.ofLiteral(address).getHostAddress() + " " + port;
    }
}
