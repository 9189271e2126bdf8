package io.spillway.testbed.generator;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-keyed primitives against javax.crypto and RFC 9001's test vectors. */
class QuicInitialProtectionTest
{
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void aesMatchesJavaxCryptoOnRandomKeysAndBlocks() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(1);
        final int[] roundKeys = new int[Aes128.ROUND_KEY_WORDS];
        for (int trial = 0; trial < 200; trial++)
        {
            final byte[] key = new byte[16];
            final byte[] block = new byte[16];
            random.nextBytes(key);
            random.nextBytes(block);
            final Cipher reference = Cipher.getInstance("AES/ECB/NoPadding");
            reference.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));

            Aes128.expandKey(key, 0, roundKeys);
            final byte[] encrypted = new byte[16];
            Aes128.encryptBlock(roundKeys, block, 0, encrypted, 0);
            assertArrayEquals(reference.doFinal(block), encrypted, "trial " + trial);
        }
    }

    @Test
    void aesMatchesTheFips197Example()
    {
        final int[] roundKeys = new int[Aes128.ROUND_KEY_WORDS];
        Aes128.expandKey(HEX.parseHex("000102030405060708090a0b0c0d0e0f"), 0, roundKeys);
        final byte[] block = HEX.parseHex("00112233445566778899aabbccddeeff");
        Aes128.encryptBlock(roundKeys, block, 0, block, 0);

        assertEquals("69c4e0d86a7b0430d8cdb78070b4c55a", HEX.formatHex(block));
    }

    @Test
    void hmacMatchesJavaxCrypto() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(2);
        final HmacSha256 hmac = new HmacSha256();
        for (int trial = 0; trial < 50; trial++)
        {
            final byte[] key = new byte[1 + random.nextInt(64)];
            final byte[] data = new byte[random.nextInt(300)];
            random.nextBytes(key);
            random.nextBytes(data);
            final Mac reference = Mac.getInstance("HmacSHA256");
            reference.init(new SecretKeySpec(key, "HmacSHA256"));

            final byte[] out = new byte[40];
            hmac.mac(key, key.length, data, data.length, out, 8);
            assertArrayEquals(reference.doFinal(data), Arrays.copyOfRange(out, 8, 40));
        }
    }

    @Test
    void initialKeysMatchRfc9001AppendixA1()
    {
        final QuicInitialProtection protection = new QuicInitialProtection();
        protection.rekey(HEX.parseHex("8394c8f03e515708"), 8);

        assertEquals("1f369613dd76d5467730efcbe3b1a22d", HEX.formatHex(protection.key));
        assertEquals("fa044b2f42a3fd3b46fb255c", HEX.formatHex(protection.iv));
        assertEquals("9f50449e04a0e810283a1e9933adedd2", HEX.formatHex(protection.headerProtectionKey));
    }

    @Test
    void sealedPayloadAndTagMatchJavaxCryptoAesGcmAndTheHeaderUnmasks() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(3);
        final QuicInitialProtection protection = new QuicInitialProtection();
        for (int trial = 0; trial < 40; trial++)
        {
            final byte[] destinationId = new byte[8];
            random.nextBytes(destinationId);
            protection.rekey(destinationId, 8);
            final int start = random.nextInt(5);
            final int headerLength = 20 + random.nextInt(10);
            final int payloadLength = 20 + random.nextInt(1500);
            final int packetNumberLength = 1 + random.nextInt(4);
            final long packetNumber = random.nextLong(1L << (8 * packetNumberLength));
            final byte[] packet = new byte[start + headerLength + payloadLength + 16];
            random.nextBytes(packet);
            final byte[] plain = packet.clone();
            final int payloadOffset = start + headerLength;

            protection.protect(packet, start, payloadOffset, payloadLength, packetNumberLength, packetNumber);

            final byte[] nonce = protection.iv.clone();
            for (int i = 0; i < 8; i++)
            {
                nonce[11 - i] ^= (byte)(packetNumber >>> (8 * i));
            }
            final Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(protection.key, "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(plain, start, headerLength);
            final byte[] sealed = gcm.doFinal(plain, payloadOffset, payloadLength);
            assertArrayEquals(sealed, Arrays.copyOfRange(packet, payloadOffset, packet.length), "trial " + trial);

            // Header protection: AES-ECB of the sample 4 bytes past the packet number's start.
            final Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(protection.headerProtectionKey, "AES"));
            final int packetNumberOffset = payloadOffset - packetNumberLength;
            final byte[] mask = ecb.doFinal(packet, packetNumberOffset + 4, 16);
            assertEquals(plain[start], (byte)(packet[start] ^ (mask[0] & 0x0F)));
            for (int i = 0; i < packetNumberLength; i++)
            {
                assertEquals(plain[packetNumberOffset + i], (byte)(packet[packetNumberOffset + i] ^ mask[1 + i]));
            }
            assertArrayEquals(Arrays.copyOfRange(plain, start + 1, packetNumberOffset),
                Arrays.copyOfRange(packet, start + 1, packetNumberOffset));
        }
    }
}
