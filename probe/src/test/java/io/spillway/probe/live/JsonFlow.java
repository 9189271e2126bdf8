package io.spillway.probe.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spillway.capture.reference.Conversation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON line of {@code --export json:PATH}, read with an independent parser under the names docs/json.md gives.
 * Plain counters are the forward direction (the flow's first packet), {@code rev*} the other.
 */
record JsonFlow(
    int ipVersion, String src, String dst, int srcPort, int dstPort, int protocol, int vlanId, int ingressInterface,
    long packets, long octets, long l2Octets, long revPackets, long revOctets, long revL2Octets, int tcpFlags,
    int revTcpFlags, int endReason, String application, String serverName, String detection)
{
    static final int IDLE_TIMEOUT = 1;
    static final int END_OF_FLOW = 3;
    static final int FORCED_END = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The records of a JSON lines file; a last line still being written (no newline yet) is left out. */
    static List<JsonFlow> read(final Path file)
    {
        final String text;
        try
        {
            text = Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final List<JsonFlow> flows = new ArrayList<>();
        final String complete = text.substring(0, text.lastIndexOf('\n') + 1);
        for (final String line : complete.split("\n"))
        {
            if (!line.isBlank())
            {
                flows.add(parse(line));
            }
        }
        return flows;
    }

    static JsonFlow parse(final String line)
    {
        try
        {
            final JsonNode r = JSON.readTree(line);
            final boolean v6 = r.path("ipVersion").asInt() == 6;
            return new JsonFlow(r.path("ipVersion").asInt(),
                r.path(v6 ? "sourceIPv6Address" : "sourceIPv4Address").asText(),
                r.path(v6 ? "destinationIPv6Address" : "destinationIPv4Address").asText(),
                r.path("sourceTransportPort").asInt(), r.path("destinationTransportPort").asInt(),
                r.path("protocolIdentifier").asInt(), r.path("vlanId").asInt(), r.path("ingressInterface").asInt(-1),
                r.path("packetDeltaCount").asLong(), r.path("octetDeltaCount").asLong(),
                r.path("layer2OctetDeltaCount").asLong(), r.path("reversePacketDeltaCount").asLong(),
                r.path("reverseOctetDeltaCount").asLong(), r.path("reverseLayer2OctetDeltaCount").asLong(),
                r.path("tcpControlBits").asInt(), r.path("reverseTcpControlBits").asInt(),
                r.path("flowEndReason").asInt(), r.path("applicationName").asText(null),
                r.path("serverName").asText(null), r.path("ndpiDetection").asText(null));
        }
        catch (final IOException ex)
        {
            throw new AssertionError("not a JSON record: " + line, ex);
        }
    }

    /** The connection as tshark keys it: protocol and the two endpoints, unordered. */
    Conversation conversation()
    {
        return Conversation.of(protocol, src, srcPort, dst, dstPort);
    }

    long totalPackets()
    {
        return packets + revPackets;
    }

    /** Whether the flow's forward direction starts at {@code address} (the initiator). */
    boolean from(final String address)
    {
        return src.equals(address);
    }

    /** Whether the flow's responder is {@code address}. */
    boolean to(final String address)
    {
        return dst.equals(address);
    }
}
