package io.spillway.testbed.generator;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each protocol opening is well formed and pads to exactly the length asked for. */
class OpeningWritersTest
{
    private static final byte[] NAME = "www.netflix.com".getBytes(StandardCharsets.US_ASCII);

    private final ByteWriter out = new ByteWriter(2 * GeneratorSpec.MAX_FRAME_SIZE);
    private final SplittableRandom random = new SplittableRandom(7);

    @Test
    void tlsRecordsPadToEveryLengthAndTheirLengthFieldsAddUp()
    {
        for (final boolean tls13 : new boolean[]{false, true})
        {
            final int natural = TlsClientHello.writeRecord(out.at(0), NAME, tls13, 0, random);
            for (int wanted = natural - 3; wanted <= natural + 600; wanted++)
            {
                final int length = TlsClientHello.writeRecord(out.at(0), NAME, tls13, wanted, random);
                assertEquals(Math.max(natural, wanted), length, "tls13 " + tls13 + ", wanted " + wanted);
                final ByteBuffer record = ByteBuffer.wrap(out.bytes, 0, length);
                assertEquals(TlsClientHello.CONTENT_TYPE_HANDSHAKE, record.get(0));
                assertEquals(length - 5, record.getShort(3) & 0xFFFF);
                assertEquals(TlsClientHello.CLIENT_HELLO, record.get(5));
                assertEquals(length - 9, record.getInt(5) & 0xFF_FFFF);
                assertEquals(length, endOfExtensions(record, 5), "wanted " + wanted);
                assertTrue(contains(out.bytes, length, NAME));
            }
        }
    }

    @Test
    void httpRequestsPadThroughThePathAndNameTheHost()
    {
        final int natural = HttpRequest.write(out.at(0), NAME, 0, random);
        assertEquals(HttpRequest.naturalLength(NAME.length), natural);
        for (int wanted = 0; wanted <= natural + 300; wanted += 7)
        {
            final int length = HttpRequest.write(out.at(0), NAME, wanted, random);
            final String request = new String(out.bytes, 0, length, StandardCharsets.US_ASCII);
            assertEquals(Math.max(natural, wanted), length);
            assertTrue(request.startsWith("GET /") && request.endsWith("\r\n\r\n"), request);
            assertTrue(request.contains(" HTTP/1.1\r\nHost: www.netflix.com\r\n"), request);
        }
    }

    @Test
    void dnsQueriesPadThroughEdnsAndSpellTheNameInLabels()
    {
        final int natural = DnsQuery.write(out.at(0), NAME, false, 0, random);
        assertEquals(DnsQuery.naturalLength(NAME.length), natural);
        for (int wanted = 0; wanted <= natural + 300; wanted += 5)
        {
            final int length = DnsQuery.write(out.at(0), NAME, true, wanted, random);
            assertEquals(Math.max(natural, wanted), length);
            final ByteBuffer query = ByteBuffer.wrap(out.bytes, 0, length);
            assertEquals(1, query.getShort(4));
            assertEquals(1, query.getShort(10));
            assertEquals("\u0003www\u0007netflix\u0003com\u0000",
                new String(out.bytes, 12, NAME.length + 2, StandardCharsets.US_ASCII));
            assertEquals(28, query.getShort(12 + NAME.length + 2));
            // The OPT record's data length covers the padding option to the end.
            final int opt = 12 + NAME.length + 2 + 4;
            assertEquals(41, query.getShort(opt + 1));
            assertEquals(length - opt - 11, query.getShort(opt + 9));
        }
    }

    @Test
    void quicInitialsDecryptWithJavaxCryptoToACryptoFrameHoldingTheHello() throws Exception
    {
        final QuicInitial quic = new QuicInitial();
        for (final int wanted : new int[]{0, 1199, 1200, 1201, 1476, 8000})
        {
            final int length = quic.write(out.at(3), NAME, wanted, random);
            assertEquals(Math.max(1200, wanted), length);
            final byte[] packet = Arrays.copyOfRange(out.bytes, 3, 3 + length);

            final byte[] destinationId = Arrays.copyOfRange(packet, 6, 14);
            final QuicInitialProtection keys = new QuicInitialProtection();
            keys.rekey(destinationId, 8);
            final Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.headerProtectionKey, "AES"));
            final int packetNumberOffset = QuicInitial.HEADER - 1;
            final byte[] mask = ecb.doFinal(packet, packetNumberOffset + 4, 16);
            packet[0] ^= (byte)(mask[0] & 0x0F);
            packet[packetNumberOffset] ^= mask[1];
            assertEquals((byte)0xC0, packet[0]);
            assertEquals(1, ByteBuffer.wrap(packet).getInt(1));
            assertEquals(0, packet[packetNumberOffset]);
            assertEquals(length - QuicInitial.HEADER + 1, ByteBuffer.wrap(packet).getShort(24) & 0x3FFF);

            final Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keys.key, "AES"), new GCMParameterSpec(128, keys.iv));
            gcm.updateAAD(packet, 0, QuicInitial.HEADER);
            final byte[] plain = gcm.doFinal(packet, QuicInitial.HEADER, length - QuicInitial.HEADER);
            assertEquals(0x06, plain[0]);
            assertEquals(0, plain[1]);
            final int helloLength = ByteBuffer.wrap(plain).getShort(2) & 0x3FFF;
            assertEquals(TlsClientHello.CLIENT_HELLO, plain[4]);
            assertEquals(helloLength - 4, ByteBuffer.wrap(plain).getInt(4) & 0xFF_FFFF);
            assertTrue(contains(plain, 4 + helloLength, NAME));
            for (int i = 4 + helloLength; i < plain.length; i++)
            {
                assertEquals(0, plain[i], "PADDING frames");
            }
        }
    }

    /** Walks a ClientHello from its handshake header and returns where its last extension ends. */
    private static int endOfExtensions(final ByteBuffer hello, final int start)
    {
        int at = start + 4 + 2 + 32;
        at += 1 + (hello.get(at) & 0xFF);
        at += 2 + (hello.getShort(at) & 0xFFFF);
        at += 1 + (hello.get(at) & 0xFF);
        final int end = at + 2 + (hello.getShort(at) & 0xFFFF);
        at += 2;
        while (at < end)
        {
            at += 4 + (hello.getShort(at + 2) & 0xFFFF);
        }
        assertEquals(end, at);
        return end;
    }

    private static boolean contains(final byte[] bytes, final int length, final byte[] part)
    {
        for (int i = 0; i + part.length <= length; i++)
        {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length))
            {
                return true;
            }
        }
        return false;
    }
}
