package io.spillway.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What must hold for every parse result, whatever the input. */
final class PacketInvariants
{
    private PacketInvariants()
    {
    }

    static boolean makesUnaccountable(final MalformedKind kind)
    {
        return kind.ordinal() >= MalformedKind.TRUNCATED_LINK_HEADER.ordinal() &&
            kind.ordinal() <= MalformedKind.BAD_IP_TOTAL_LENGTH.ordinal();
    }

    static void assertConsistent(
        final int status, final ParsedPacket packet, final int capturedLength, final int wireLength)
    {
        final MalformedKind kind = MalformedKind.of(packet.malformed);
        final String context = "status " + status + ", malformed " + kind;
        assertTrue(status >= ParseStatus.FLOW && status <= ParseStatus.SNAPLEN_CUT, context);

        if (ParseStatus.MALFORMED == status)
        {
            assertTrue(makesUnaccountable(kind), context);
        }
        else if (ParseStatus.FLOW == status || ParseStatus.L3_FLOW == status)
        {
            assertTrue(MalformedKind.NONE == kind || !makesUnaccountable(kind), context);
            assertTrue(4 == packet.ipVersion || 6 == packet.ipVersion, context);
            assertTrue(packet.ipLength >= (4 == packet.ipVersion ? 20 : 40), context);
            assertTrue(packet.l3Offset + packet.ipLength <= Math.max(wireLength, capturedLength), context);
        }
        else
        {
            assertEquals(MalformedKind.NONE, kind, context);
        }

        if (ParseStatus.L3_FLOW == status)
        {
            assertEquals(0, packet.srcPort, context);
            assertEquals(0, packet.dstPort, context);
        }
        if (4 == packet.ipVersion)
        {
            assertEquals(0L, packet.srcHi, context);
            assertEquals(0L, packet.dstHi, context);
            assertEquals(0L, packet.srcLo >>> 32, context);
            assertEquals(0L, packet.dstLo >>> 32, context);
        }
        if (ParsedPacket.LATER_FRAGMENT == packet.fragment)
        {
            assertEquals(-1, packet.l4Offset, context);
        }
        if (packet.payloadOffset >= 0)
        {
            assertTrue(packet.payloadLength >= 0, context);
            assertTrue(packet.payloadLength == 0 || packet.payloadOffset + packet.payloadLength <= capturedLength,
                context);
        }
        else
        {
            assertEquals(0, packet.payloadLength, context);
        }
        assertTrue(packet.srcPort >= 0 && packet.srcPort <= 0xFFFF, context);
        assertTrue(packet.dstPort >= 0 && packet.dstPort <= 0xFFFF, context);
        assertTrue(packet.vlanId >= 0 && packet.vlanId <= 0xFFF, context);
    }
}
