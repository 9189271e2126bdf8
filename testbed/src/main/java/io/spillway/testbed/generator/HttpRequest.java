package io.spillway.testbed.generator;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * An HTTP/1.1 GET naming the server in its Host header, as a browser sends it. It grows to any requested
 * length through the request path, which nDPI and tshark read as just a longer URL.
 */
final class HttpRequest
{
    private static final byte[] METHOD = ascii("GET /");
    private static final byte[] HOST = ascii(" HTTP/1.1\r\nHost: ");
    private static final byte[] REST = ascii("\r\n" +
        "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n" +
        "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n" +
        "Accept-Language: en-US,en;q=0.5\r\n" +
        "Connection: keep-alive\r\n" +
        "\r\n");

    private HttpRequest()
    {
    }

    /** Bytes of the request for a server name of {@code nameLength} bytes and the path "/". */
    static int naturalLength(final int nameLength)
    {
        return METHOD.length + HOST.length + nameLength + REST.length;
    }

    /** Writes the request, padded to {@code minimumLength} if it is shorter; returns its length. */
    static int write(final ByteWriter out, final byte[] serverName, final int minimumLength,
        final SplittableRandom random)
    {
        final int start = out.position;
        out.put(METHOD)
            .randomText(random, Math.max(0, minimumLength - naturalLength(serverName.length)))
            .put(HOST).put(serverName).put(REST);
        return out.position - start;
    }

    private static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
