package io.spillway.testbed.generator;

import java.util.SplittableRandom;

/**
 * A client's first QUIC version 1 Initial packet (RFC 9000 section 17.2.2), protected as RFC 9001 requires:
 * a CRYPTO frame with a TLS 1.3 ClientHello naming the server, then PADDING frames up to the datagram size,
 * at least the 1200 bytes a client must send and more when a larger frame is requested.
 * <p>
 * Connection IDs (8 bytes each) are random per flow; the keys derive from the destination one, so each flow's
 * Initial is keyed anew ({@link QuicInitialProtection}, which allocates nothing). Every Initial has packet
 * number 0, like a client's first.
 */
final class QuicInitial
{
    static final int MIN_DATAGRAM = 1200;

    private static final int VERSION_1 = 1;
    private static final int CONNECTION_ID = 8;
    private static final int PACKET_NUMBER_LENGTH = 1;
    private static final int LONG_HEADER_INITIAL = 0xC0;
    private static final int FRAME_CRYPTO = 0x06;
    private static final int VARINT_2_BYTES = 0x4000;
    /** First byte, version, both connection IDs with their lengths, token length, length, packet number. */
    static final int HEADER = 1 + 4 + 1 + CONNECTION_ID + 1 + CONNECTION_ID + 1 + 2 + PACKET_NUMBER_LENGTH;

    private final QuicInitialProtection protection = new QuicInitialProtection();
    private final byte[] destinationConnectionId = new byte[CONNECTION_ID];
    private final byte[] sourceConnectionId = new byte[CONNECTION_ID];

    /** The datagram length for a requested payload of {@code minimumLength} bytes. */
    static int datagramLength(final int minimumLength)
    {
        return Math.max(MIN_DATAGRAM, minimumLength);
    }

    /** Writes the protected Initial, padded to {@code minimumLength} if it is shorter; returns its length. */
    int write(final ByteWriter out, final byte[] serverName, final int minimumLength, final SplittableRandom random)
    {
        final int start = out.position;
        final int datagram = datagramLength(minimumLength);
        final int payloadLength = datagram - HEADER - QuicInitialProtection.TAG_LENGTH;
        fill(destinationConnectionId, random.nextLong());
        fill(sourceConnectionId, random.nextLong());
        protection.rekey(destinationConnectionId, CONNECTION_ID);

        out.u8(LONG_HEADER_INITIAL | (PACKET_NUMBER_LENGTH - 1)).u32(VERSION_1)
            .u8(CONNECTION_ID).put(destinationConnectionId)
            .u8(CONNECTION_ID).put(sourceConnectionId)
            .u8(0)
            .u16(VARINT_2_BYTES | (PACKET_NUMBER_LENGTH + payloadLength + QuicInitialProtection.TAG_LENGTH))
            .u8(0);
        final int payloadOffset = out.position;

        out.u8(FRAME_CRYPTO).u8(0);
        final int cryptoLengthAt = out.position;
        out.u16(0);
        TlsClientHello.writeHandshake(out, serverName, TlsClientHello.Flavour.QUIC, sourceConnectionId, random);
        final int helloLength = out.position - cryptoLengthAt - 2;
        out.bytes[cryptoLengthAt] = (byte)((VARINT_2_BYTES | helloLength) >>> 8);
        out.bytes[cryptoLengthAt + 1] = (byte)helloLength;
        // PADDING frames are zero bytes.
        out.zeros(payloadOffset + payloadLength - out.position);

        protection.protect(out.bytes, start, payloadOffset, payloadLength, PACKET_NUMBER_LENGTH, 0);
        out.position = payloadOffset + payloadLength + QuicInitialProtection.TAG_LENGTH;
        return out.position - start;
    }

    private static void fill(final byte[] id, final long bits)
    {
        for (int i = 0; i < id.length; i++)
        {
            id[i] = (byte)(bits >>> (Byte.SIZE * i));
        }
    }
}
