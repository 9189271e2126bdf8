package io.spillway.probe.pipeline;

import io.spillway.capture.reference.TestCaptures;
import io.spillway.capture.reference.Tshark;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tunnels are accounted as their outer flow and IP fragments as the flow of their first fragment,
 * both checked against tshark's own reading of the same packets.
 */
class TunnelAndFragmentTest
{
    @ParameterizedTest
    @ValueSource(strings = {
        "4in4tunnel.pcap", "6in4tunnel.pcap", "gre.pcapng", "vxlan.pcap", "teredo.pcap", "dtls.pcap", "zoom.pcap",
        "syslog.pcap", "icmp-tunnel.pcap", "ipsec_isakmp_esp.pcap", "openvpn.pcap", "dns_fragmented.pcap"})
    void tunnelsAreAccountedAsTheirOuterAddresses(final String name)
    {
        final Path capture = TestCaptures.file(name);
        final ProbeRuns.Run run = ProbeRuns.run(ProbeConfig.defaults(2), capture);
        assertSame(name, Tshark.addressPairTotals(capture), run.addressPairs());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dns_fragmented.pcap", "ip_fragmented_garbage.pcap"})
    void laterFragmentsJoinTheFlowOfTheirFirstFragment(final String name)
    {
        final Path capture = TestCaptures.file(name);
        final ProbeRuns.Run run = ProbeRuns.run(ProbeConfig.defaults(2), capture);
        assertSame(name, Tshark.fragmentAwareConversations(capture), run.conversationsWithLayer3());
    }

    private static <K> void assertSame(final String name, final Map<K, long[]> reference, final Map<K, long[]> ours)
    {
        final TreeSet<K> keys = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
        keys.addAll(reference.keySet());
        keys.addAll(ours.keySet());
        final List<String> differences = new ArrayList<>();
        for (final K key : keys)
        {
            final long[] r = reference.get(key);
            final long[] o = ours.get(key);
            if (r == null || o == null || r[0] != o[0] || r[1] != o[1])
            {
                differences.add(key + ": tshark " + text(r) + ", Spillway " + text(o));
            }
        }
        assertTrue(differences.isEmpty(), name + ":\n  " + String.join("\n  ", differences));
    }

    private static String text(final long[] totals)
    {
        return Objects.isNull(totals) ? "nothing" : totals[0] + " packets " + totals[1] + " bytes";
    }
}
