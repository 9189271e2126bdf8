package io.spillway.testbed.generator;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Writes the payload of a flow's first packet for {@link PayloadKind#REALISTIC} (of every packet for DNS): the
 * opening the flow's {@link FlowIdentity} chose, for its server name, built in a reused array and copied into
 * the frame.
 * <p>
 * An opening is as long as it needs to be, and grows to the requested payload length through padding that
 * its protocol provides (see each writer), so a frame is the drawn size unless the opening needs more.
 */
final class Openings
{
    private final byte[][] serverNames = ServerNames.ascii();
    private final ByteWriter out = new ByteWriter(2 * GeneratorSpec.MAX_FRAME_SIZE);
    private final QuicInitial quic;
    private final SplittableRandom random;

    Openings(final SplittableRandom random)
    {
        quic = new QuicInitial();
        this.random = random;
    }

    static int serverNameCount()
    {
        return ServerNames.all().size();
    }

    /**
     * Writes the opening of {@code flow} at {@code frame[payloadOffset]}.
     *
     * @param minimumLength the payload length the drawn frame size leaves after the headers.
     * @return the payload's length.
     */
    int write(final FlowIdentity flow, final ByteBuffer frame, final int payloadOffset, final int minimumLength)
    {
        final byte[] name = serverNames[flow.serverName];
        out.at(0);
        final int length = switch (flow.opening)
        {
            case HTTP -> HttpRequest.write(out, name, minimumLength, random);
            case TLS -> TlsClientHello.writeRecord(out, name, flow.variant, minimumLength, random);
            case DNS -> DnsQuery.write(out, name, flow.variant, minimumLength, random);
            case QUIC -> quic.write(out, name, minimumLength, random);
        };
        frame.put(payloadOffset, out.bytes, 0, length);
        return length;
    }
}
