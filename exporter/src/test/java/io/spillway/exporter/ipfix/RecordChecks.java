package io.spillway.exporter.ipfix;

import io.spillway.exporter.FlowRecord;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Compares a decoded data record with the flow record it came from, field by field, using the IE numbers of the
 * registry (not the encoder's constants), so a mistake in either shows.
 */
final class RecordChecks
{
    private static final String R = "29305/";

    private RecordChecks()
    {
    }

    static void assertSameFlow(final FlowRecord expected, final IpfixTestDecoder.DataRecord actual, final long pen)
    {
        final String where = "record of template " + actual.templateId();
        final boolean ipv6 = 6 == expected.ipVersion();
        if (ipv6)
        {
            assertArrayEquals(address(expected, expected.srcAddressOffset()), actual.bytes("27"), where);
            assertArrayEquals(address(expected, expected.dstAddressOffset()), actual.bytes("28"), where);
            assertNull(actual.bytes("8"), where);
        }
        else
        {
            assertEquals(expected.srcIPv4() & 0xFFFF_FFFFL, actual.unsigned("8"), where);
            assertEquals(expected.dstIPv4() & 0xFFFF_FFFFL, actual.unsigned("12"), where);
            assertNull(actual.bytes("27"), where);
        }

        final boolean icmp = 1 == expected.protocol() || 58 == expected.protocol();
        assertEquals(expected.protocol(), actual.unsigned("4"), where);
        assertEquals(icmp ? 0 : expected.srcPort(), actual.unsigned("7"), where);
        assertEquals(icmp ? 0 : expected.dstPort(), actual.unsigned("11"), where);
        assertEquals(icmp ? expected.dstPort() : 0, actual.unsigned(ipv6 ? "139" : "32"), where);
        assertEquals(expected.fwdTcpFlags(), actual.unsigned("6"), where);
        assertEquals(expected.revTcpFlags(), actual.unsigned(R + "6"), where);
        assertEquals(expected.vlanId(), actual.unsigned("58"), where);
        assertEquals(expected.ingressInterface(), actual.unsigned("10"), where);
        assertEquals(expected.endReason(), actual.unsigned("136"), where);
        assertEquals(expected.flowStartMillis(), actual.unsigned("152"), where);
        assertEquals(expected.flowEndMillis(), actual.unsigned("153"), where);
        final boolean reverse = expected.revPackets() > 0;
        assertEquals(reverse ? expected.revFirstMillis() : 0, actual.unsigned(R + "152"), where);
        assertEquals(reverse ? expected.revLastMillis() : 0, actual.unsigned(R + "153"), where);
        assertEquals(expected.fwdPackets(), actual.unsigned("2"), where);
        assertEquals(expected.fwdOctets(), actual.unsigned("1"), where);
        assertEquals(expected.fwdL2Octets(), actual.unsigned("352"), where);
        assertEquals(expected.revPackets(), actual.unsigned(R + "2"), where);
        assertEquals(expected.revOctets(), actual.unsigned(R + "1"), where);
        assertEquals(expected.revL2Octets(), actual.unsigned(R + "352"), where);

        final boolean hardware = expected.hwPackets() != 0 || expected.hwOctets() != 0;
        assertEquals(hardware, null != actual.bytes(pen + "/6"), where);
        if (hardware)
        {
            assertEquals(expected.hwPackets(), actual.unsigned(pen + "/6"), where);
            assertEquals(expected.hwOctets(), actual.unsigned(pen + "/7"), where);
        }

        final boolean application = expected.detection() != 0 || expected.appNameLength() > 0 ||
            expected.serverNameLength() > 0;
        assertEquals(application, null != actual.bytes("95"), where);
        if (application)
        {
            final byte[] applicationId = actual.bytes("95");
            final int selector = 0 != expected.appProtocol() ? expected.appProtocol() : expected.masterProtocol();
            assertArrayEquals(new byte[]{ 20, 0, 0, (byte)0x8B, 0x30, (byte)(selector >> 8), (byte)selector },
                applicationId, where + ": applicationId " + Arrays.toString(applicationId));
            assertEquals(expected.masterProtocol(), actual.unsigned(pen + "/2"), where);
            assertEquals(expected.appProtocol(), actual.unsigned(pen + "/3"), where);
            assertEquals(expected.category(), actual.unsigned(pen + "/4"), where);
            assertEquals(expected.detection(), actual.unsigned(pen + "/5"), where);
            assertEquals(text(expected, expected.appNameOffset(), expected.appNameLength()), actual.text("96"), where);
            assertEquals(text(expected, expected.serverNameOffset(), expected.serverNameLength()),
                actual.text(pen + "/1"), where);
        }
        else
        {
            assertFalse(actual.values().containsKey(pen + "/1"), where);
        }
    }

    static byte[] address(final FlowRecord record, final int offset)
    {
        final byte[] bytes = new byte[16];
        record.buffer().getBytes(offset, bytes);
        return bytes;
    }

    private static String text(final FlowRecord record, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        record.buffer().getBytes(offset, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
