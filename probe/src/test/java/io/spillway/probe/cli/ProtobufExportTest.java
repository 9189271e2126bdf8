package io.spillway.probe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.capture.reference.TestCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Protobuf file export of real captures, end to end: the probe command line with DPI on writes
 * {@code --export protobuf:FILE} and JSON lines in one run; Debian's protoc, which knows nothing of Spillway's
 * encoder, decodes every message of the file with the schema, and each record equals its JSON line; a TCP listener
 * receives the same bytes as the file.
 */
class ProtobufExportTest
{
    /** IPv4 and IPv6; TCP, UDP, ICMP, ICMPv6, SCTP, IPv6-in-IPv4; VLAN tags; DPI names and server names. */
    private static final List<String> CAPTURES = List.of("1kxun.pcap", "http_ipv6.pcap", "quic.pcap", "ssh.pcap",
        "dns_doh.pcap", "viber.pcap", "nintendo.pcap", "zoom.pcap", "sctp.cap", "6in4tunnel.pcap");
    private static final Path PROTO_ROOT =
        Path.of(System.getProperty("user.dir")).resolveSibling("exporter/src/main/proto");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The proto field, then the JSON field of the same content (docs/protobuf.md). */
    private static final Map<String, String> JSON_NAMES = jsonNames(
        "ip_version", "ipVersion",
        "protocol_identifier", "protocolIdentifier",
        "source_ipv4_address", "sourceIPv4Address",
        "destination_ipv4_address", "destinationIPv4Address",
        "source_ipv6_address", "sourceIPv6Address",
        "destination_ipv6_address", "destinationIPv6Address",
        "source_transport_port", "sourceTransportPort",
        "destination_transport_port", "destinationTransportPort",
        "flow_start_milliseconds", "flowStartMilliseconds",
        "flow_end_milliseconds", "flowEndMilliseconds",
        "packet_delta_count", "packetDeltaCount",
        "octet_delta_count", "octetDeltaCount",
        "reverse_packet_delta_count", "reversePacketDeltaCount",
        "reverse_octet_delta_count", "reverseOctetDeltaCount",
        "flow_end_reason", "flowEndReason",
        "layer2_octet_delta_count", "layer2OctetDeltaCount",
        "reverse_layer2_octet_delta_count", "reverseLayer2OctetDeltaCount",
        "reverse_flow_start_milliseconds", "reverseFlowStartMilliseconds",
        "reverse_flow_end_milliseconds", "reverseFlowEndMilliseconds",
        "tcp_control_bits", "tcpControlBits",
        "reverse_tcp_control_bits", "reverseTcpControlBits",
        "icmp_type_code_ipv4", "icmpTypeCodeIPv4",
        "icmp_type_code_ipv6", "icmpTypeCodeIPv6",
        "vlan_id", "vlanId",
        "ingress_interface", "ingressInterface",
        "hardware_packet_delta_count", "hardwarePacketDeltaCount",
        "hardware_layer2_octet_delta_count", "hardwareLayer2OctetDeltaCount",
        "application_name", "applicationName",
        "application_category_name", "applicationCategoryName",
        "server_name", "serverName",
        "ndpi_detection", "ndpiDetection",
        "ndpi_master_protocol", "ndpiMasterProtocol",
        "ndpi_app_protocol", "ndpiAppProtocol");
    private static final List<String> END_REASONS = List.of("FLOW_END_REASON_UNSPECIFIED",
        "FLOW_END_REASON_IDLE_TIMEOUT", "FLOW_END_REASON_ACTIVE_TIMEOUT", "FLOW_END_REASON_END_OF_FLOW",
        "FLOW_END_REASON_FORCED_END", "FLOW_END_REASON_LACK_OF_RESOURCES");

    @TempDir
    Path dir;

    @Test
    void protocDecodesEveryRecordAsTheJsonLineOfTheSameRun() throws Exception
    {
        final Path json = dir.resolve("flows.jsonl");
        final Path protobuf = dir.resolve("flows.pb");
        final List<String> args = new ArrayList<>(List.of("--queues", "2"));
        for (final String capture : CAPTURES)
        {
            args.add("-r");
            args.add(TestCaptures.file(capture).toString());
        }
        final CommandRun run;
        final byte[] overTcp;
        try (ServerSocket collector = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> readAll(collector));
            args.addAll(List.of("--export", "json:" + json, "--export", "protobuf:" + protobuf,
                "--export", "protobuf:tcp://127.0.0.1:" + collector.getLocalPort()));
            run = CommandRun.of(args.toArray(new String[0]));
            assertEquals(ProbeCommand.EXIT_OK, run.exit(), run.stderr());
            overTcp = received.get(30, TimeUnit.SECONDS);
        }
        assertArrayEquals(Files.readAllBytes(protobuf), overTcp, "the TCP collector got the file's bytes");

        final List<JsonNode> lines = new ArrayList<>();
        for (final String line : Files.readAllLines(json, StandardCharsets.US_ASCII))
        {
            lines.add(JSON.readTree(line));
        }
        final List<Map<String, String>> decoded = protocDecode(Files.readAllBytes(protobuf));
        assertTrue(lines.size() > 100, "records: " + lines.size());
        assertTrue(lines.stream().anyMatch((line) -> line.has("serverName")), "DPI found server names");
        assertTrue(lines.stream().anyMatch((line) -> line.has("sourceIPv6Address")), "IPv6 flows");
        assertEquals(lines.size(), decoded.size(), "records in the file");

        // Both exporters get every record in the same order.
        for (int i = 0; i < lines.size(); i++)
        {
            assertEquals(comparable(lines.get(i)), comparable(decoded.get(i)), "record " + i);
        }
    }

    @Test
    void anUnreachableCollectorIsAUsageErrorNamingIt() throws Exception
    {
        final int port;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = unused.getLocalPort();
        }

        final CommandRun run = CommandRun.of("-r", TestCaptures.file("ssh.pcap").toString(),
            "--export", "protobuf:tcp://127.0.0.1:" + port);
        assertEquals(ProbeCommand.EXIT_USAGE, run.exit(), run.stderr());
        assertTrue(run.stderr().contains("cannot connect to Protobuf collector 127.0.0.1:" + port), run.stderr());
    }

    private static byte[] readAll(final ServerSocket server)
    {
        try (Socket socket = server.accept())
        {
            return socket.getInputStream().readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Splits the length-delimited stream and gives protoc all messages at once as the repeated field 1 of a wrapper
     * message (field 1's tag, then the same length and bytes), which is the one-message-per-call decode done once.
     */
    private List<Map<String, String>> protocDecode(final byte[] stream) throws Exception
    {
        final ByteArrayOutputStream wrapped = new ByteArrayOutputStream();
        int i = 0;
        while (i < stream.length)
        {
            int length = 0;
            int shift = 0;
            final int start = i;
            int b;
            do
            {
                b = stream[i++] & 0xFF;
                length |= (b & 0x7F) << shift;
                shift += 7;
            }
            while (b >= 0x80);
            wrapped.write(0x0A);
            wrapped.write(stream, start, i - start + length);
            i += length;
        }
        assertEquals(stream.length, i, "the stream ends with a whole message");

        Files.writeString(dir.resolve("wrapper.proto"), """
            syntax = "proto3";
            import "spillway/flow/v1/flow.proto";
            message Records { repeated spillway.flow.v1.FlowRecord record = 1; }
            """);
        final Path input = dir.resolve("records.bin");
        final Path output = dir.resolve("records.txt");
        Files.write(input, wrapped.toByteArray());
        final Process protoc = new ProcessBuilder("protoc", "--proto_path=" + PROTO_ROOT, "--proto_path=" + dir,
            "--decode=Records", "wrapper.proto")
            .redirectInput(input.toFile()).redirectOutput(output.toFile()).redirectErrorStream(false)
            .start();
        assertTrue(protoc.waitFor(60, TimeUnit.SECONDS), "protoc finished");
        final String errors = new String(protoc.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, protoc.exitValue(), errors);

        final List<Map<String, String>> records = new ArrayList<>();
        Map<String, String> record = null;
        for (final String line : Files.readAllLines(output, StandardCharsets.UTF_8))
        {
            final String text = line.strip();
            if (text.equals("record {"))
            {
                record = new LinkedHashMap<>();
            }
            else if (text.equals("}"))
            {
                records.add(record);
                record = null;
            }
            else
            {
                final int colon = text.indexOf(": ");
                assertTrue(null != record && colon > 0, "protoc output: " + line);
                record.put(text.substring(0, colon), text.substring(colon + 2));
            }
        }
        return records;
    }

    /** A JSON line as field → text, without the fields proto3 leaves off the wire (0 and ""). */
    private static Map<String, String> comparable(final JsonNode line) throws Exception
    {
        final Map<String, String> fields = new LinkedHashMap<>();
        final Iterator<Map.Entry<String, JsonNode>> it = line.fields();
        while (it.hasNext())
        {
            final Map.Entry<String, JsonNode> field = it.next();
            final JsonNode value = field.getValue();
            final String text = value.isTextual() && field.getKey().endsWith("IPv6Address") ?
                ipv6Hex(value.asText()) : value.asText();
            if (!text.equals("0") && !text.isEmpty())
            {
                fields.put(field.getKey(), text);
            }
        }
        return new java.util.TreeMap<>(fields);
    }

    /** A protoc record as the same field → text as its JSON line. */
    private static Map<String, String> comparable(final Map<String, String> decoded)
    {
        final Map<String, String> fields = new java.util.TreeMap<>();
        for (final Map.Entry<String, String> field : decoded.entrySet())
        {
            final String name = field.getKey();
            final String value = field.getValue();
            if (name.equals("ndpi_category"))
            {
                continue;   // the id of the category name; the JSON lines carry the name only
            }

            final String jsonName = JSON_NAMES.get(name);
            assertTrue(null != jsonName, "an unexpected field: " + name);
            final String text = switch (name)
            {
                case "source_ipv4_address", "destination_ipv4_address" -> ipv4Text(unescape(value));
                case "source_ipv6_address", "destination_ipv6_address" -> hex(unescape(value));
                case "application_name", "application_category_name", "server_name" ->
                    new String(unescape(value), StandardCharsets.UTF_8);
                case "flow_end_reason" -> String.valueOf(END_REASONS.indexOf(value));
                case "ndpi_detection" -> value.substring("NDPI_DETECTION_".length()).toLowerCase(java.util.Locale.ROOT);
                default -> value;
            };
            fields.put(jsonName, text);
        }
        return fields;
    }

    /** The bytes of a protoc text-format string: C escapes, octal {@code \NNN} and hex {@code \xHH}. */
    private static byte[] unescape(final String quoted)
    {
        assertTrue(quoted.startsWith("\"") && quoted.endsWith("\""), quoted);
        final String text = quoted.substring(1, quoted.length() - 1);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c != '\\')
            {
                bytes.write(c);
                continue;
            }

            final char e = text.charAt(++i);
            if (e >= '0' && e <= '7')
            {
                int value = 0;
                int digits = 0;
                while (digits < 3 && i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '7')
                {
                    value = value * 8 + (text.charAt(i++) - '0');
                    digits++;
                }
                i--;
                bytes.write(value);
            }
            else if (e == 'x')
            {
                bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            }
            else
            {
                bytes.write(switch (e)
                {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> e;   // \" \' \\
                });
            }
        }
        return bytes.toByteArray();
    }

    private static String ipv4Text(final byte[] address)
    {
        assertEquals(4, address.length);
        return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "." + (address[3] & 0xFF);
    }

    /** The 16 bytes of an IPv6 text address as hex, so RFC 5952 text and raw bytes compare. */
    private static String ipv6Hex(final String text) throws Exception
    {
        final InetAddress address = InetAddress.getByName(text);
        if (address instanceof Inet4Address)
        {
            // Java turns ::ffff:a.b.c.d into the IPv4 address.
            final byte[] mapped = new byte[16];
            mapped[10] = (byte)0xFF;
            mapped[11] = (byte)0xFF;
            System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
            return hex(mapped);
        }
        return hex(address.getAddress());
    }

    private static String hex(final byte[] bytes)
    {
        assertEquals(16, bytes.length);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    private static Map<String, String> jsonNames(final String... pairs)
    {
        final Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2)
        {
            names.put(pairs[i], pairs[i + 1]);
        }
        return names;
    }
}
