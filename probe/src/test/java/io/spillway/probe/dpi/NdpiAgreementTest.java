package io.spillway.probe.dpi;

import io.spillway.dpi.Dpi;
import io.spillway.dpi.NdpiReader;
import io.spillway.probe.flow.RecordedFlow;
import io.spillway.probe.pipeline.DpiStats;
import io.spillway.probe.pipeline.ProbeConfig;
import io.spillway.probe.pipeline.ProbeRuns;
import io.spillway.capture.reference.Conversation;
import io.spillway.capture.reference.TestCaptures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spillway's application labels against ndpiReader 4.2's (the same nDPI, a different engine around
 * it) on every shared capture, matching flows by protocol, endpoints and VLAN. At least 99% of
 * ndpiReader's flows must get the same label; every disagreement is printed with its reason. The same holds when
 * inspection stops as soon as the application is known ({@code --dpi-until detected}).
 */
class NdpiAgreementTest
{
    /** Captures where ndpiReader decapsulates a tunnel and labels inner flows Spillway accounts as the outer one. */
    private static final Set<String> TUNNELS = Set.of("4in4tunnel.pcap", "6in4tunnel.pcap", "gre.pcapng",
        "teredo.pcap", "vxlan.pcap", "dtls.pcap", "zoom.pcap", "syslog.pcap");

    /** ndpiReader's flows per capture, computed once for both runs. */
    private static final Map<Path, List<NdpiReader.Flow>> REFERENCE = new ConcurrentHashMap<>();

    private record Key(String l4, Conversation endpoints, int vlan)
    {
    }

    @ParameterizedTest
    @EnumSource(DpiUntil.class)
    void labelsAgreeWithNdpiReaderOnAtLeast99PercentOfFlows(final DpiUntil until) throws Exception
    {
        final Dpi dpi = Dpi.load();
        long flows = 0;
        long agreeing = 0;
        long tunnelled = 0;
        final List<String> disagreements = new ArrayList<>();
        for (final Path capture : TestCaptures.all())
        {
            final String name = capture.getFileName().toString();
            final ProbeRuns.Run run = ProbeRuns.run(ProbeConfig.defaults(2).withDpi(dpi, 0).withDpiUntil(until),
                capture);
            final DpiStats stats = run.result().dpi();
            assertEquals(0, stats.liveStatesAtEnd(), name + ": every DPI state is freed");
            assertEquals(0, stats.notInspected(), name + ": every flow could be inspected");

            final Map<Key, List<RecordedFlow>> ours = new HashMap<>();
            final Map<Key, List<RecordedFlow>> oursAnyVlan = new HashMap<>();
            for (final RecordedFlow r : run.records())
            {
                ours.computeIfAbsent(key(r), k -> new ArrayList<>()).add(r);
                oursAnyVlan.computeIfAbsent(withoutVlan(key(r)), k -> new ArrayList<>()).add(r);
            }
            for (final NdpiReader.Flow reference : reference(capture))
            {
                flows++;
                final List<Key> candidates = keys(reference);
                final Key key = candidates.stream().filter(ours::containsKey).findFirst().orElse(candidates.get(0));
                List<RecordedFlow> records = ours.getOrDefault(key, List.of());
                if (records.isEmpty())
                {
                    // QinQ: ndpiReader keys by the inner VLAN tag, Spillway by the outer one (IPFIX vlanId).
                    records = oursAnyVlan.getOrDefault(withoutVlan(key), List.of());
                }
                if (records.stream().anyMatch(r -> reference.appName().equals(r.applicationName())))
                {
                    agreeing++;
                    continue;
                }
                if (records.isEmpty() && TUNNELS.contains(name))
                {
                    tunnelled++;
                }
                disagreements.add(name + ": " + key.l4() + " " + key.endpoints() + " vlan " + key.vlan() +
                    ": ndpiReader " + reference.appName() + " (" + reference.confidence() + "), " +
                    reason(records, TUNNELS.contains(name)));
            }
        }

        final double agreement = 100.0 * agreeing / flows;
        System.out.printf(Locale.ROOT, "ndpiReader agreement, --dpi-until %s: %d of %d flows (%.2f%%); %d " +
            "disagreements, %d of them inner flows of tunnels%n  %s%n", until.optionValue(), agreeing, flows, agreement,
            disagreements.size(), tunnelled, String.join("\n  ", disagreements));
        assertTrue(flows > 2000, "the captures hold thousands of flows");
        assertTrue(agreement >= 99.0, String.format(Locale.ROOT, "agreement %.2f%% < 99%%:%n  %s", agreement,
            String.join("\n  ", disagreements)));
    }

    private static List<NdpiReader.Flow> reference(final Path capture) throws Exception
    {
        final List<NdpiReader.Flow> known = REFERENCE.get(capture);
        if (known != null)
        {
            return known;
        }
        final List<NdpiReader.Flow> flows = NdpiReader.flows(capture);
        REFERENCE.put(capture, flows);
        return flows;
    }

    private static String reason(final List<RecordedFlow> records, final boolean tunnelCapture)
    {
        if (records.isEmpty())
        {
            return tunnelCapture ?
                "no Spillway flow: ndpiReader decapsulates the tunnel, Spillway accounts the outer flow" :
                "no Spillway flow with this key";
        }
        final List<String> labels = records.stream().map(RecordedFlow::applicationName).distinct().toList();
        return records.size() > 1 ?
            "Spillway split it into " + records.size() + " records (timeouts or TCP close) labelled " + labels :
            "Spillway " + labels.get(0) + " (" + records.get(0).detectionName() + ")";
    }

    private static Key withoutVlan(final Key key)
    {
        return new Key(key.l4(), key.endpoints(), -1);
    }

    private static Key key(final RecordedFlow r)
    {
        final boolean ports = r.protocol() == 6 || r.protocol() == 17;
        return new Key(l4(r.protocol()), Conversation.of(r.protocol(), r.src(), ports ? r.srcPort() : 0, r.dst(),
            ports ? r.dstPort() : 0), r.vlanId());
    }

    /**
     * The keys an ndpiReader flow line may mean: ndpiReader 4.2 sometimes compresses two zero runs of an
     * IPv6 address ("5999::19::" for "5999:0:19:0:0"), so such an address stands for every valid reading.
     */
    private static List<Key> keys(final NdpiReader.Flow f)
    {
        final int protocol = switch (f.l4())
        {
            case "TCP" -> 6;
            case "UDP" -> 17;
            case "ICMP" -> 1;
            case "ICMPV6" -> 58;
            case "IGMP" -> 2;
            default -> Integer.parseInt(f.l4());
        };
        final int clientColon = f.client().lastIndexOf(':');
        final int serverColon = f.server().lastIndexOf(':');
        final int clientPort = Integer.parseInt(f.client().substring(clientColon + 1));
        final int serverPort = Integer.parseInt(f.server().substring(serverColon + 1));
        final List<Key> keys = new ArrayList<>();
        for (final String client : readings(f.client().substring(0, clientColon)))
        {
            for (final String server : readings(f.server().substring(0, serverColon)))
            {
                keys.add(new Key(l4(protocol), Conversation.of(protocol, client, clientPort, server, serverPort),
                    f.vlan()));
            }
        }
        return keys;
    }

    private static List<String> readings(final String printed)
    {
        final String address = printed.startsWith("[") ? printed.substring(1, printed.length() - 1) : printed;
        final int first = address.indexOf("::");
        final int second = first < 0 ? -1 : address.indexOf("::", first + 1);
        if (second < 0)
        {
            return List.of(address);
        }
        final String head = address.substring(0, first);
        final String middle = address.substring(first + 2, second);
        final String tail = address.substring(second + 2);
        final int known = groups(head) + groups(middle) + groups(tail);
        final List<String> readings = new ArrayList<>();
        for (int left = 1; left <= 8 - known - 1; left++)
        {
            readings.add(join(head, zeros(left), middle, zeros(8 - known - left), tail));
        }
        return readings;
    }

    private static int groups(final String part)
    {
        return part.isEmpty() ? 0 : part.split(":").length;
    }

    private static String zeros(final int count)
    {
        return String.join(":", java.util.Collections.nCopies(count, "0"));
    }

    private static String join(final String... parts)
    {
        return String.join(":", java.util.Arrays.stream(parts).filter(p -> !p.isEmpty()).toList());
    }

    private static String l4(final int protocol)
    {
        return switch (protocol)
        {
            case 6 -> "TCP";
            case 17 -> "UDP";
            case 1 -> "ICMP";
            case 58 -> "ICMPV6";
            case 2 -> "IGMP";
            default -> Integer.toString(protocol);
        };
    }
}
