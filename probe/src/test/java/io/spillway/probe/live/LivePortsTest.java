package io.spillway.probe.live;

import io.spillway.capture.live.FrameInjector;
import io.spillway.capture.live.NetNs;
import io.spillway.probe.cli.ProbeCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Several {@code -i} are several ports: each record says by {@code ingressInterface} which port its flow came in on
 * (its place among the {@code -i} options). Flows are keyed without the port, so the two directions of a biflow that
 * arrive on two ports, as a network tap delivers them, are one record, with the port of the flow's first packet; the
 * kernel's fanout hash is symmetric and the same in both ports' groups, so both directions reach one worker. Which of
 * the two directions comes first is not fixed: each port has its own ring, and a worker takes a ring's block when the
 * kernel hands it over (full, or after its timeout), so packets a few milliseconds apart on two ports may be counted
 * in either order.
 */
@Tag("live")
class LivePortsTest
{
    private static final int PORT0_FLOWS = 10;
    private static final int PORT1_FIRST = 100;
    private static final int PORT1_FLOWS = 5;
    private static final Duration EXPIRY_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path directory;

    @AfterEach
    void nothingLeftBehind()
    {
        LiveChecks.assertNothingLeftBehind();
    }

    @Test
    void recordsCarryThePortTheirFlowCameInOn()
    {
        final Path records = directory.resolve("flows.jsonl");
        try (NetNs ns = NetNs.withVeth("cap0", "peer0"))
        {
            ns.veth("cap1", "peer1");
            try (ProbeProcess probe = ProbeProcess.start(ns, directory, "-i", "cap0", "-i", "cap1", "--queues", "2",
                     "--no-dpi", "--idle-timeout", "1", "--active-timeout", "3600", "--export", "json:" + records)
                     .awaitCapturing();
                 FrameInjector port0 = FrameInjector.open(ns, "peer0");
                 FrameInjector port1 = FrameInjector.open(ns, "peer1"))
            {
                LiveTraffic.sendUdp(port0, 0, PORT0_FLOWS, 3);
                LiveTraffic.sendUdp(port1, PORT1_FIRST, PORT1_FLOWS, 2);
                // The server answers client 0 on the other port, as a tap's second output would carry it.
                port1.send(LiveTraffic.udpReply(0, 1));
                port1.send(LiveTraffic.udpReply(0, 2));
                final int expected = PORT0_FLOWS + PORT1_FLOWS;
                Await.until(expected + " records (idle timeout 1 s)", EXPIRY_TIMEOUT,
                    () -> JsonFlow.read(records).size() >= expected, () -> JsonFlow.read(records).toString());
                probe.signal("TERM");
                assertEquals(ProbeCommand.EXIT_OK, probe.awaitExit(Duration.ofSeconds(30)), probe.stderr());

                final List<JsonFlow> flows = JsonFlow.read(records);
                assertEquals(expected, flows.size(), flows.toString());
                final String tappedClient = LiveTraffic.clientAddress(0);
                final List<JsonFlow> tappedFlows = flows.stream()
                    .filter(f -> f.from(tappedClient) || f.to(tappedClient)).toList();
                final List<JsonFlow> others = flows.stream().filter(f -> !tappedFlows.contains(f)).toList();
                final Map<String, Long> port0Sent = new TreeMap<>(LiveSignalTest.sentFlows(0, PORT0_FLOWS, 3));
                port0Sent.remove(tappedClient);
                assertEquals(port0Sent,
                    LiveSignalTest.packetsByClient(others.stream().filter(f -> f.ingressInterface() == 0).toList()),
                    "ingressInterface 0: the flows of -i cap0");
                assertEquals(LiveSignalTest.sentFlows(PORT1_FIRST, PORT1_FLOWS, 2),
                    LiveSignalTest.packetsByClient(others.stream().filter(f -> f.ingressInterface() == 1).toList()),
                    "ingressInterface 1: the flows of -i cap1");
                assertEquals(1, tappedFlows.size(), "client 0's requests (port 0) and answers (port 1) are one " +
                    "record: " + tappedFlows);
                final JsonFlow tapped = tappedFlows.getFirst();
                assertEquals(List.of(2L, 3L), List.of(tapped.packets(), tapped.revPackets()).stream().sorted().toList(),
                    "3 requests and 2 answers, in one record whichever came first: " + tapped);
            }
        }
    }
}
