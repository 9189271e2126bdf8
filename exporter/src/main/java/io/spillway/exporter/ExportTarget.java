package io.spillway.exporter;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where and how flow records are exported: the parsed value of the probe's {@code --export} option.
 * <p>
 * Accepted forms (scheme and transport names are case-insensitive):
 * <pre>
 *   json:-                   JSON lines on standard output
 *   json:PATH                JSON lines to a file
 *   ipfix:udp://HOST:PORT    IPFIX over UDP
 *   ipfix:tcp://HOST:PORT    IPFIX over TCP
 *   ipfix:file:PATH          IPFIX file (RFC 5655)
 *   protobuf:PATH            length-delimited Protobuf messages to a file
 *   protobuf:tcp://HOST:PORT length-delimited Protobuf messages over TCP
 *   kafka://BROKER[,BROKER]/TOPIC  records to a Kafka topic; BROKER is HOST[:PORT], PORT 9092 by default
 * </pre>
 * HOST is a name or an IPv4 literal, or an IPv6 literal in brackets ({@code [2001:db8::1]}); PORT is 1..65535.
 * Parsing checks syntax only: names are not resolved and files are not touched.
 *
 * @param format    the record encoding.
 * @param transport how the encoded records leave the probe.
 * @param host      collector host for {@link Transport#UDP} and {@link Transport#TCP} (brackets removed), else null.
 * @param port      collector port for {@link Transport#UDP} and {@link Transport#TCP}, else 0.
 * @param path      the file for {@link Transport#FILE}, else null.
 * @param topic     the topic for {@link Transport#KAFKA}, else null; {@code host} then holds the bootstrap brokers
 *                  as Kafka's {@code bootstrap.servers} takes them ({@code HOST:PORT[,HOST:PORT]}), port is 0.
 */
public record ExportTarget(Format format, Transport transport, String host, int port, Path path, String topic)
{
    /** The accepted forms, for messages. */
    public static final String ACCEPTED_FORMS =
        "json:- (standard output), json:PATH, ipfix:udp://HOST:PORT, ipfix:tcp://HOST:PORT, ipfix:file:PATH, " +
        "protobuf:PATH, protobuf:tcp://HOST:PORT, kafka://BROKER[,BROKER]/TOPIC";

    /** The port a Kafka broker listens on when the spec names none. */
    public static final int DEFAULT_KAFKA_PORT = 9092;
    private static final String KAFKA_PREFIX = "//";
    /** Kafka's own limit (Topic.MAX_NAME_LENGTH) and legal characters. */
    private static final int MAX_TOPIC_LENGTH = 249;

    private static final String STDOUT_PATH = "-";
    private static final String FILE_PREFIX = "file:";
    private static final String UDP_PREFIX = "udp://";
    private static final String TCP_PREFIX = "tcp://";
    private static final int MAX_PORT = 65535;

    /** How records are encoded. */
    public enum Format
    {
        JSON("json"),
        IPFIX("ipfix"),
        PROTOBUF("protobuf"),
        /** Records to a Kafka topic; the value encoding (Protobuf or JSON) is a Kafka option, not the scheme. */
        KAFKA("kafka");

        private final String scheme;

        Format(final String scheme)
        {
            this.scheme = scheme;
        }

        /** The prefix naming this format in an export spec, e.g. "json". */
        public String scheme()
        {
            return scheme;
        }
    }

    /** How encoded records leave the probe. */
    public enum Transport
    {
        STDOUT,
        FILE,
        UDP,
        TCP,
        KAFKA
    }

    /** A target without a topic: every format but Kafka. */
    public ExportTarget(final Format format, final Transport transport, final String host, final int port,
        final Path path)
    {
        this(format, transport, host, port, path, null);
    }

    /**
     * Checks that the parts fit together, so a target built in code is as sound as a parsed one.
     *
     * @throws IllegalArgumentException when the format lacks the transport or a part is missing or extra.
     */
    public ExportTarget
    {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(transport, "transport");
        final boolean network = Transport.UDP == transport || Transport.TCP == transport;
        final boolean supported = switch (format)
        {
            case JSON -> !network && Transport.KAFKA != transport;
            case IPFIX -> Transport.STDOUT != transport && Transport.KAFKA != transport;
            case PROTOBUF -> Transport.FILE == transport || Transport.TCP == transport;
            case KAFKA -> Transport.KAFKA == transport;
        };
        if (!supported)
        {
            throw new IllegalArgumentException(format + " export has no " + transport + " transport");
        }

        final boolean kafka = Transport.KAFKA == transport;
        if (kafka != (null != topic && !topic.isEmpty()))
        {
            throw new IllegalArgumentException("a KAFKA target, and only one, has a topic: " + transport + " topic=" +
                topic);
        }

        final boolean hostAndPortFit = network || kafka ?
            null != host && !host.isEmpty() && (kafka ? 0 == port : port >= 1 && port <= MAX_PORT) :
            null == host && 0 == port;
        if (!hostAndPortFit || (Transport.FILE == transport) != (null != path))
        {
            throw new IllegalArgumentException("inconsistent " + transport + " target: host=" + host + " port=" + port +
                " path=" + path);
        }
    }

    /** JSON lines on standard output. */
    public static ExportTarget jsonStdout()
    {
        return new ExportTarget(Format.JSON, Transport.STDOUT, null, 0, null);
    }

    /** JSON lines to {@code path}. */
    public static ExportTarget jsonFile(final Path path)
    {
        return new ExportTarget(Format.JSON, Transport.FILE, null, 0, path);
    }

    /**
     * Parses an export spec.
     *
     * @throws IllegalArgumentException naming the bad value and listing {@link #ACCEPTED_FORMS}.
     */
    public static ExportTarget parse(final String spec)
    {
        if (null == spec || spec.isBlank())
        {
            throw invalid(spec, "it is empty");
        }

        final int colon = spec.indexOf(':');
        if (colon < 0)
        {
            throw invalid(spec, "it has no scheme");
        }

        final String scheme = spec.substring(0, colon);
        final String rest = spec.substring(colon + 1);
        if (Format.JSON.scheme().equalsIgnoreCase(scheme))
        {
            if (STDOUT_PATH.equals(rest))
            {
                return jsonStdout();
            }

            return jsonFile(parsePath(spec, rest));
        }

        if (Format.IPFIX.scheme().equalsIgnoreCase(scheme))
        {
            return parseIpfix(spec, rest);
        }

        if (Format.PROTOBUF.scheme().equalsIgnoreCase(scheme))
        {
            if (startsWithIgnoreCase(rest, TCP_PREFIX))
            {
                return parseNetwork(spec, Format.PROTOBUF, Transport.TCP, rest.substring(TCP_PREFIX.length()));
            }

            return new ExportTarget(Format.PROTOBUF, Transport.FILE, null, 0, parsePath(spec, rest));
        }

        if (Format.KAFKA.scheme().equalsIgnoreCase(scheme))
        {
            return parseKafka(spec, rest);
        }

        throw invalid(spec, "unknown scheme '" + scheme + "'");
    }

    /** The bootstrap brokers of a Kafka target, each HOST:PORT (IPv6 in brackets). */
    public List<String> brokers()
    {
        return Transport.KAFKA == transport ? List.of(host.split(",")) : List.of();
    }

    /** The canonical spec of this target, which {@link #parse} turns back into an equal target. */
    @Override
    public String toString()
    {
        final String location = switch (transport)
        {
            case STDOUT -> STDOUT_PATH;
            case FILE -> Format.IPFIX == format ? FILE_PREFIX + path : path.toString();
            case UDP -> UDP_PREFIX + hostText() + ":" + port;
            case TCP -> TCP_PREFIX + hostText() + ":" + port;
            case KAFKA -> KAFKA_PREFIX + host + "/" + topic;
        };

        return format.scheme() + ":" + location;
    }

    private String hostText()
    {
        return host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    }

    private static ExportTarget parseIpfix(final String spec, final String rest)
    {
        if (startsWithIgnoreCase(rest, FILE_PREFIX))
        {
            return new ExportTarget(
                Format.IPFIX, Transport.FILE, null, 0, parsePath(spec, rest.substring(FILE_PREFIX.length())));
        }

        final Transport transport;
        final String transportPrefix;
        if (startsWithIgnoreCase(rest, UDP_PREFIX))
        {
            transport = Transport.UDP;
            transportPrefix = UDP_PREFIX;
        }
        else if (startsWithIgnoreCase(rest, TCP_PREFIX))
        {
            transport = Transport.TCP;
            transportPrefix = TCP_PREFIX;
        }
        else
        {
            throw invalid(spec, "IPFIX needs udp://HOST:PORT, tcp://HOST:PORT or file:PATH after 'ipfix:'");
        }

        return parseNetwork(spec, Format.IPFIX, transport, rest.substring(transportPrefix.length()));
    }

    /** {@code //BROKER[,BROKER]/TOPIC}: each broker as a network host with an optional port. */
    private static ExportTarget parseKafka(final String spec, final String rest)
    {
        if (!rest.startsWith(KAFKA_PREFIX))
        {
            throw invalid(spec, "Kafka needs kafka://BROKER[,BROKER]/TOPIC");
        }

        final String location = rest.substring(KAFKA_PREFIX.length());
        final int slash = location.indexOf('/');
        if (slash < 0)
        {
            throw invalid(spec, "it has no /TOPIC after the brokers");
        }

        final String topic = location.substring(slash + 1);
        if (topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH || ".".equals(topic) || "..".equals(topic) ||
            !isTopicText(topic))
        {
            throw invalid(spec, "'" + topic + "' is not a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -)");
        }

        final StringBuilder brokers = new StringBuilder();
        for (final String broker : location.substring(0, slash).split(",", -1))
        {
            if (!broker.startsWith("[") && broker.indexOf(':') != broker.lastIndexOf(':'))
            {
                throw invalid(spec, "an IPv6 broker must be in brackets, e.g. kafka://[2001:db8::1]:9092/flows");
            }
            final String hostAndPort = hasPort(broker) ? broker : broker + ":" + DEFAULT_KAFKA_PORT;
            final ExportTarget parsed = parseNetwork(spec, Format.PROTOBUF, Transport.TCP, hostAndPort);
            brokers.append(brokers.isEmpty() ? "" : ",").append(parsed.hostText()).append(':').append(parsed.port());
        }

        return new ExportTarget(Format.KAFKA, Transport.KAFKA, brokers.toString(), 0, null, topic);
    }

    /** HOST:PORT or [IPV6]:PORT, as opposed to a bare HOST or [IPV6]. */
    private static boolean hasPort(final String broker)
    {
        final int close = broker.lastIndexOf(']');
        return broker.indexOf(':', close + 1) >= 0 && !(close < 0 && broker.startsWith("["));
    }

    private static boolean isTopicText(final String topic)
    {
        for (int i = 0; i < topic.length(); i++)
        {
            final char c = topic.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                c == '_' || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static ExportTarget parseNetwork(
        final String spec, final Format format, final Transport transport, final String hostAndPort)
    {
        if (hostAndPort.isEmpty())
        {
            throw invalid(spec, "it has no host");
        }

        final String host;
        final String portText;
        if (hostAndPort.startsWith("["))
        {
            final int close = hostAndPort.indexOf(']');
            if (close < 0)
            {
                throw invalid(spec, "the IPv6 host has no closing ']'");
            }

            host = hostAndPort.substring(1, close);
            if (host.indexOf(':') < 0 || !isHostText(host, true))
            {
                throw invalid(spec, "'" + host + "' in brackets is not an IPv6 address");
            }

            final String afterHost = hostAndPort.substring(close + 1);
            if (!afterHost.startsWith(":"))
            {
                throw invalid(spec, "it has no port after the host");
            }
            portText = afterHost.substring(1);
        }
        else
        {
            final int colon = hostAndPort.lastIndexOf(':');
            if (colon < 0)
            {
                throw invalid(spec, "it has no port after the host");
            }

            host = hostAndPort.substring(0, colon);
            portText = hostAndPort.substring(colon + 1);
            if (host.indexOf(':') >= 0)
            {
                throw invalid(spec, "an IPv6 host must be in brackets, e.g. " +
                    (Format.IPFIX == format ? "ipfix:udp://[2001:db8::1]:4739" : "protobuf:tcp://[2001:db8::1]:9000"));
            }
            if (!isHostText(host, false))
            {
                throw invalid(spec, "'" + host + "' is not a host name or address");
            }
        }

        if (host.isEmpty())
        {
            throw invalid(spec, "it has no host");
        }

        return new ExportTarget(format, transport, host, parsePort(spec, portText), null);
    }

    private static int parsePort(final String spec, final String text)
    {
        if (text.isEmpty())
        {
            throw invalid(spec, "it has no port after the host");
        }

        int port = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < '0' || c > '9' || port > MAX_PORT)
            {
                throw invalid(spec, "port '" + text + "' is not a number from 1 to 65535");
            }
            port = port * 10 + (c - '0');
        }

        if (port < 1 || port > MAX_PORT)
        {
            throw invalid(spec, "port '" + text + "' is not a number from 1 to 65535");
        }

        return port;
    }

    private static Path parsePath(final String spec, final String text)
    {
        if (text.isBlank())
        {
            throw invalid(spec, "it has no path");
        }

        try
        {
            return Path.of(text);
        }
        catch (final InvalidPathException ex)
        {
            throw invalid(spec, "'" + text + "' is not a valid path: " + ex.getReason());
        }
    }

    /** Letters, digits, '.', '-', '_'; inside brackets also ':' and a '%' zone suffix. Empty text passes here. */
    private static boolean isHostText(final String host, final boolean bracketed)
    {
        for (int i = 0; i < host.length(); i++)
        {
            final char c = host.charAt(i);
            final boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-' || c == '_';
            final boolean ipv6Only = bracketed && (c == ':' || c == '%');
            if (!plain && !ipv6Only)
            {
                return false;
            }
        }

        return true;
    }

    private static boolean startsWithIgnoreCase(final String text, final String prefix)
    {
        return text.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    private static IllegalArgumentException invalid(final String spec, final String reason)
    {
        return new IllegalArgumentException(
            "invalid export target '" + spec + "': " + reason + "; accepted forms: " + ACCEPTED_FORMS);
    }
}
