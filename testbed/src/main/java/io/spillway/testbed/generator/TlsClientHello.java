package io.spillway.testbed.generator;

import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A TLS ClientHello naming the server in its SNI extension, modelled on a current browser's: in a TLS record
 * for TCP (a TLS 1.2 or a TLS 1.3 hello), or as the bare handshake message that a QUIC Initial carries in its
 * CRYPTO frame (TLS 1.3 with ALPN h3 and the QUIC transport parameters). Client random, session id and key
 * share are random per flow.
 * <p>
 * Over TCP the record grows to any requested length through the padding extension (RFC 7685), which browsers
 * use for the same purpose; a gap below the extension's 4 bytes is closed by shortening the session id.
 */
final class TlsClientHello
{
    /** The hello's shape. */
    enum Flavour
    {
        TLS12(
            "0018c02bc02fcca9cca8c02cc030c013c014009c009d002f0035",
            "000a00080006001d00170018" + "000b00020100" + "000d001200100403080404010503080505010806" + "0601" +
                "0010000e000c02683208687474702f312e31" + "00170000" + "ff01000100" + "00230000"),
        TLS13(
            "001e130113021303c02bc02fcca9cca8c02cc030c013c014009c009d002f0035",
            "000a00080006001d00170018" + "000b00020100" + "000d001200100403080404010503080505010806" + "0601" +
                "0010000e000c02683208687474702f312e31" + "00170000" + "ff01000100" +
                "002b0005040304" + "0303" + "002d00020101"),
        QUIC(
            "0006130113021303",
            "000a00080006001d00170018" + "000d001200100403080404010503080505010806" + "0601" +
                "001000050003026833" + "002b0003020304" + "002d00020101");

        final byte[] cipherSuites;
        final byte[] fixedExtensions;

        Flavour(final String cipherSuites, final String fixedExtensions)
        {
            this.cipherSuites = HexFormat.of().parseHex(cipherSuites);
            this.fixedExtensions = HexFormat.of().parseHex(fixedExtensions);
        }
    }

    static final int CONTENT_TYPE_HANDSHAKE = 22;
    static final int CLIENT_HELLO = 1;

    private static final int RECORD_HEADER = 5;
    private static final int HANDSHAKE_HEADER = 4;
    private static final int RANDOM = 32;
    private static final int SESSION_ID = 32;
    /** From the record's start: record header, handshake header, version, random. */
    private static final int SESSION_ID_LENGTH_OFFSET = RECORD_HEADER + HANDSHAKE_HEADER + 2 + RANDOM;
    private static final int EXTENSION_SERVER_NAME = 0x0000;
    private static final int EXTENSION_PADDING = 0x0015;
    private static final int EXTENSION_KEY_SHARE = 0x0033;
    private static final int EXTENSION_QUIC_TRANSPORT_PARAMETERS = 0x0039;
    private static final int GROUP_X25519 = 0x001d;
    private static final int TLS_1_0 = 0x0301;
    private static final int TLS_1_2 = 0x0303;

    private TlsClientHello()
    {
    }

    /**
     * Writes a TLS record holding a ClientHello, padded to {@code minimumLength} if it is shorter; returns the
     * record's length.
     */
    static int writeRecord(final ByteWriter out, final byte[] serverName, final boolean tls13,
        final int minimumLength, final SplittableRandom random)
    {
        final int start = out.position;
        out.u8(CONTENT_TYPE_HANDSHAKE).u16(TLS_1_0).u16(0);
        int extensionsLengthAt = writeHandshake(out, serverName, tls13 ? Flavour.TLS13 : Flavour.TLS12, null, random);
        int gap = minimumLength - (out.position - start);
        if (gap > 0)
        {
            if (gap < 4)
            {
                final int shorten = 4 - gap;
                final int sessionIdEnd = start + SESSION_ID_LENGTH_OFFSET + 1 + SESSION_ID;
                System.arraycopy(out.bytes, sessionIdEnd, out.bytes, sessionIdEnd - shorten,
                    out.position - sessionIdEnd);
                out.position -= shorten;
                out.bytes[start + SESSION_ID_LENGTH_OFFSET] = (byte)(SESSION_ID - shorten);
                extensionsLengthAt -= shorten;
                gap = 4;
            }
            out.u16(EXTENSION_PADDING).u16(gap - 4).zeros(gap - 4);
            out.patchLength16(extensionsLengthAt);
        }
        out.patchLength24(start + RECORD_HEADER + 1);
        out.patchLength16(start + 3);
        return out.position - start;
    }

    /**
     * Writes the ClientHello handshake message.
     *
     * @param sourceConnectionId the QUIC packet's, echoed in the transport parameters; null over TCP.
     * @return where the extensions' length is, for padding to patch.
     */
    static int writeHandshake(final ByteWriter out, final byte[] serverName, final Flavour flavour,
        final byte[] sourceConnectionId, final SplittableRandom random)
    {
        final int start = out.position;
        out.u8(CLIENT_HELLO).u24(0).u16(TLS_1_2).random(random, RANDOM);
        if (flavour == Flavour.QUIC)
        {
            // QUIC forbids the legacy session id.
            out.u8(0);
        }
        else
        {
            out.u8(SESSION_ID).random(random, SESSION_ID);
        }
        out.put(flavour.cipherSuites).u8(1).u8(0);

        final int extensionsLengthAt = out.position;
        out.u16(0);
        out.u16(EXTENSION_SERVER_NAME).u16(serverName.length + 5).u16(serverName.length + 3).u8(0)
            .u16(serverName.length).put(serverName);
        out.put(flavour.fixedExtensions);
        if (flavour != Flavour.TLS12)
        {
            out.u16(EXTENSION_KEY_SHARE).u16(2 + 4 + 32).u16(4 + 32).u16(GROUP_X25519).u16(32).random(random, 32);
        }
        if (flavour == Flavour.QUIC)
        {
            out.u16(EXTENSION_QUIC_TRANSPORT_PARAMETERS);
            final int parametersAt = out.position;
            // max_idle_timeout 30 s, initial_max_data 10 MB (4-byte varints), initial_source_connection_id.
            out.u16(0).u8(0x01).u8(4).u32(0x8000_7530).u8(0x04).u8(4).u32(0x8098_9680)
                .u8(0x0f).u8(sourceConnectionId.length).put(sourceConnectionId);
            out.patchLength16(parametersAt);
        }
        out.patchLength16(extensionsLengthAt);
        out.patchLength24(start + 1);
        return extensionsLengthAt;
    }
}
