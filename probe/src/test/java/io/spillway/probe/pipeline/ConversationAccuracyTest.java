package io.spillway.probe.pipeline;

import io.spillway.capture.reference.Conversation;
import io.spillway.capture.reference.TestCaptures;
import io.spillway.capture.reference.Tshark;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-conversation packets and bytes equal tshark's on real captures, with two queues and timeouts
 * that split long flows (records of one 5-tuple are summed). Captures with tunnels (GRE, IP-in-IP,
 * 6in4, VXLAN, Teredo, GTP-U: dtls, zoom and syslog carry some) or IP fragments are not in this
 * list: tshark counts the inner or reassembled conversations there, Spillway the outer flow (see
 * docs/architecture.md); TunnelAndFragmentTest covers them.
 */
class ConversationAccuracyTest
{
    @ParameterizedTest
    @ValueSource(strings = {
        "1kxun.pcap", "443-chrome.pcap", "443-curl.pcap", "bittorrent.pcap", "chrome.pcap", "dlt_ppp.pcap",
        "dns_doh.pcap", "dropbox.pcap", "facebook.pcap", "ftp.pcap", "git.pcap", "google_ssl.pcap",
        "gquic.pcap", "http-lines-split.pcap", "http.pcapng", "http_ipv6.pcap", "imap.pcap", "instagram.pcap",
        "kafka.pcapng", "mysql.pcapng", "netflix.pcap", "nintendo.pcap", "ookla.pcap", "pgsql.pcap", "quic.pcap",
        "quic-29.pcap", "rdp.pcap", "reddit.pcap", "rtp.pcapng", "signal.pcap", "sip.pcap", "smtp.pcap",
        "snmp.pcap", "spotify_tcp.pcap", "ssh.pcap", "steam.pcapng", "stun.pcap", "teams.pcap",
        "telegram.pcap", "tftp.pcap", "tls-appdata.pcap", "tor.pcap", "viber.pcap", "webex.pcap", "whatsapp.pcap",
        "wireguard.pcap", "youtube_quic.pcap"})
    void packetsAndBytesPerConversationMatchTshark(final String name)
    {
        final Path capture = TestCaptures.file(name);
        final ProbeConfig config = ProbeConfig.defaults(2)
            .withTimeouts(new io.spillway.probe.flow.FlowTimeouts(15_000, 60_000, 2_000, 1_000));
        final ProbeRuns.Run run = ProbeRuns.run(config, capture);
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
            if (reference == null || mine == null)
            {
                differences.add(c + ": " + (reference == null ? "not in tshark's table" : "no Spillway record"));
                continue;
            }
            if (reference.frames() != mine[0])
            {
                differences.add(c + ": tshark " + reference.frames() + " packets, Spillway " + mine[0]);
            }
            if (bytes == null || bytes[1] != mine[1])
            {
                differences.add(c + ": tshark " + (bytes == null ? "?" : bytes[1]) + " bytes, Spillway " + mine[1]);
            }
            if (reference.tableBytes() >= 0 && bytes != null && reference.tableBytes() != bytes[1])
            {
                differences.add(c + ": tshark's own table and packet sums disagree");
            }
        }
        assertTrue(differences.isEmpty(), name + ":\n  " + String.join("\n  ", differences));
        assertEquals(0, run.result().liveFlowsAtEnd());
        assertEquals(run.result().capture().accounted(), run.recordPackets(), "every accounted packet is in a record");
    }
}
