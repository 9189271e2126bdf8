package io.spillway.probe.live;

import io.spillway.capture.live.NetNs;
import io.spillway.capture.reference.Conversation;
import io.spillway.capture.reference.ExternalTool;
import io.spillway.probe.cli.ProbeCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real clients and servers in two namespaces joined by a veth: curl fetches a file from {@code python3 -m
 * http.server}, and {@code openssl s_client} talks TLS to {@code openssl s_server} with a server name. The probe and
 * dumpcap capture the client's end of the veth at the same time, and the probe's records of the two connections
 * equal what tshark reads from dumpcap's file: per direction packets, IP octets, layer-2 octets and the OR of the TCP
 * flags; nDPI names HTTP and TLS, the latter with the server name the client sent. The kernel's own TCP, with its
 * segmentation offload (frames of up to 64 KiB on a veth), ARP and timing, makes the traffic, not a capture file.
 */
@Tag("live")
class LiveClientsTest
{
    private static final String CLIENT_LINK = "cli0";
    private static final String SERVER_LINK = "srv0";
    private static final String CLIENT = "198.18.0.1";
    private static final String SERVER = "198.18.0.2";
    private static final int HTTP_PORT = 8080;
    private static final int TLS_PORT = 4433;
    private static final String SERVER_NAME = "some.example";
    private static final String GREETING = "hello over TLS from the live test";
    private static final int BODY_BYTES = 200 * 1024;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    /** The TCP close time (2 s) after the last packet, a sweep period, and room for a loaded machine. */
    private static final Duration RECORD_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    /** One direction of a connection as tshark counts it from dumpcap's capture. */
    private record Direction(long packets, long octets, long l2Octets, int tcpFlags)
    {
        Direction plus(final Direction other)
        {
            return new Direction(packets + other.packets, octets + other.octets, l2Octets + other.l2Octets,
                tcpFlags | other.tcpFlags);
        }
    }

    @AfterEach
    void nothingLeftBehind()
    {
        LiveChecks.assertNothingLeftBehind();
    }

    @Test
    void recordsOfRealConnectionsEqualWhatTsharkReadsFromDumpcapsCapture() throws IOException
    {
        final Path www = Files.createDirectories(directory.resolve("www"));
        final byte[] body = new byte[BODY_BYTES];
        new Random(7).nextBytes(body);
        Files.write(www.resolve("body.bin"), body);
        final Path key = directory.resolve("key.pem");
        final Path certificate = directory.resolve("cert.pem");
        assertEquals(0, Child.run("openssl-req", directory, List.of("openssl", "req", "-x509", "-newkey", "ec",
            "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out",
            certificate.toString(), "-days", "1", "-subj", "/CN=" + SERVER_NAME), START_TIMEOUT), "a certificate");
        final Path greeting = Files.writeString(directory.resolve("greeting.txt"), GREETING + "\n");
        final Path capture = directory.resolve("client.pcapng");
        final Path records = directory.resolve("flows.jsonl");

        try (NetNs client = NetNs.create(); NetNs server = NetNs.create())
        {
            client.veth(CLIENT_LINK, server, SERVER_LINK);
            client.ip("address", "add", CLIENT + "/24", "dev", CLIENT_LINK);
            server.ip("address", "add", SERVER + "/24", "dev", SERVER_LINK);
            try (Child http = Child.start("http-server", directory, server.inside(List.of("python3", "-m",
                     "http.server", Integer.toString(HTTP_PORT), "--bind", SERVER, "--directory", www.toString())));
                 // Its input stays open: s_server quits, dropping the connection, at the end of its input.
                 Child tls = Child.startWithOpenInput("s_server", directory, server.inside(List.of("openssl",
                     "s_server", "-accept", SERVER + ":" + TLS_PORT, "-cert", certificate.toString(), "-key",
                     key.toString(), "-naccept", "1")));
                 Child dumpcap = Child.start("dumpcap", directory, client.inside(List.of("dumpcap", "-i",
                     CLIENT_LINK, "-w", capture.toString()))))
            {
                Await.until("both servers listening", START_TIMEOUT, () ->
                {
                    final String listening = server.exec("ss", "-Hltn");
                    return listening.contains(SERVER + ":" + HTTP_PORT) && listening.contains(SERVER + ":" + TLS_PORT);
                }, () -> server.exec("ss", "-Hltn") + http.stderr() + tls.stderr());
                // dumpcap says so once its capture is open; the probe starts after it, so it sees nothing dumpcap
                // does not.
                dumpcap.awaitStderr("Capturing on '" + CLIENT_LINK + "'", START_TIMEOUT);
                try (ProbeProcess probe = ProbeProcess.start(client, directory, "-i", CLIENT_LINK, "--queues", "2",
                    "--idle-timeout", "60", "--active-timeout", "120", "--export", "json:" + records).awaitCapturing())
                {
                    exchange(client, directory, greeting, tls);
                    // After its last packet a closed TCP connection is exported once quiet for 2 s: with both
                    // records written, the probe has counted every packet of both connections.
                    Await.until("the records of both connections", RECORD_TIMEOUT,
                        () -> JsonFlow.read(records).stream().filter(f -> f.protocol() == 6).count() >= 2,
                        () -> JsonFlow.read(records).toString());
                    probe.signal("TERM");
                    assertEquals(ProbeCommand.EXIT_OK, probe.awaitExit(CLIENT_TIMEOUT), probe.stderr());
                }
                dumpcap.signal("TERM");
                assertEquals(0, dumpcap.awaitExit(CLIENT_TIMEOUT), dumpcap.stderr());
            }
        }

        final Map<Conversation, JsonFlow> ours = connections(JsonFlow.read(records));
        final Map<Conversation, Direction[]> tshark = tsharkConnections(capture);
        assertEquals(tshark.keySet(), ours.keySet(), "the connections");
        assertEquals(2, ours.size(), "curl's and s_client's connections: " + ours.keySet());
        for (final Map.Entry<Conversation, Direction[]> reference : tshark.entrySet())
        {
            final JsonFlow flow = ours.get(reference.getKey());
            assertTrue(flow.from(CLIENT), "the client opened the connection: " + flow);
            assertEquals(reference.getValue()[0], new Direction(flow.packets(), flow.octets(), flow.l2Octets(),
                flow.tcpFlags()), reference.getKey() + ", client to server: tshark (left) and Spillway");
            assertEquals(reference.getValue()[1], new Direction(flow.revPackets(), flow.revOctets(),
                flow.revL2Octets(), flow.revTcpFlags()), reference.getKey() + ", server to client");
            assertEquals("detected", flow.detection(), flow.toString());
            if (flow.dstPort() == HTTP_PORT)
            {
                assertEquals("HTTP", flow.application(), flow.toString());
                assertTrue(reference.getValue()[1].octets() > BODY_BYTES, "the file came over it: " + flow);
            }
            else
            {
                assertEquals(TLS_PORT, flow.dstPort(), flow.toString());
                assertTrue(flow.application().equals("TLS") || flow.application().startsWith("TLS."),
                    flow.toString());
                assertEquals(SERVER_NAME, flow.serverName(), flow.toString());
            }
        }
    }

    /** curl fetches the file, then s_client sends the greeting over TLS and closes at the end of its input. */
    private static void exchange(final NetNs client, final Path directory, final Path greeting, final Child tls)
        throws IOException
    {
        final Path fetched = directory.resolve("fetched.bin");
        assertEquals(0, Child.run("curl", directory, client.inside(List.of("curl", "-sS", "-o", fetched.toString(),
            "http://" + SERVER + ":" + HTTP_PORT + "/body.bin")), CLIENT_TIMEOUT), "curl fetched the file");
        assertEquals(BODY_BYTES, Files.size(fetched));
        try (Child tlsClient = Child.start("s_client", directory, client.inside(List.of("openssl", "s_client",
            "-connect", SERVER + ":" + TLS_PORT, "-servername", SERVER_NAME)), greeting.toFile()))
        {
            assertEquals(0, tlsClient.awaitExit(CLIENT_TIMEOUT), tlsClient.stderr());
        }
        Await.until("s_server to get the greeting and end (-naccept 1)", CLIENT_TIMEOUT,
            () -> tls.stdout().contains(GREETING) && !tls.isAlive(), tls::stdout);
    }

    /** The TCP records of each connection, summed, as one JsonFlow (the forward fields are the initiator's). */
    private static Map<Conversation, JsonFlow> connections(final List<JsonFlow> records)
    {
        final Map<Conversation, JsonFlow> connections = new TreeMap<>(java.util.Comparator.comparing(
            Conversation::toString));
        for (final JsonFlow r : records)
        {
            if (r.protocol() == 6)
            {
                connections.merge(r.conversation(), r, (a, b) -> new JsonFlow(a.ipVersion(), a.src(), a.dst(),
                    a.srcPort(), a.dstPort(), a.protocol(), a.vlanId(), a.ingressInterface(), a.packets() + b.packets(),
                    a.octets() + b.octets(), a.l2Octets() + b.l2Octets(), a.revPackets() + b.revPackets(),
                    a.revOctets() + b.revOctets(), a.revL2Octets() + b.revL2Octets(), a.tcpFlags() | b.tcpFlags(),
                    a.revTcpFlags() | b.revTcpFlags(), b.endReason(), a.application(), a.serverName(),
                    a.detection()));
            }
        }
        return connections;
    }

    /** Per TCP connection in dumpcap's file: the client's direction, then the server's. */
    private static Map<Conversation, Direction[]> tsharkConnections(final Path capture)
    {
        final Map<Conversation, Direction[]> connections = new TreeMap<>(java.util.Comparator.comparing(
            Conversation::toString));
        for (final String line : ExternalTool.lines(List.of("tshark", "-n", "-r", capture.toString(), "-Y", "tcp",
            "-T", "fields", "-E", "separator=|", "-e", "frame.len", "-e", "ip.src", "-e", "ip.dst", "-e", "ip.len",
            "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags")))
        {
            final String[] f = line.split("\\|", -1);
            final Conversation key = Conversation.of(6, f[1], Integer.parseInt(f[4]), f[2], Integer.parseInt(f[5]));
            final Direction[] directions = connections.computeIfAbsent(key, k -> new Direction[] {
                new Direction(0, 0, 0, 0), new Direction(0, 0, 0, 0)});
            final int side = f[1].equals(CLIENT) ? 0 : 1;
            directions[side] = directions[side].plus(new Direction(1, Long.parseLong(f[3]), Long.parseLong(f[0]),
                Integer.decode(f[6])));
        }
        return connections;
    }
}
