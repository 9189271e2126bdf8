package io.spillway.exporter;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Builds flow records for tests, each in its own buffer.
 */
public final class TestRecords
{
    public static final long START_MS = 1_700_000_000_000L;

    private TestRecords()
    {
    }

    /** A zeroed record in a fresh buffer, at a non-zero offset to catch offset mistakes. */
    public static FlowRecord empty()
    {
        final int offset = 64;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[offset + FlowRecord.FIXED_LENGTH]);

        return new FlowRecord().wrap(buffer, offset).clear();
    }

    /** 192.0.2.1:40000 -> 198.51.100.7:443 TCP on VLAN 42, both directions seen. */
    public static FlowRecord ipv4Tcp()
    {
        return empty()
            .ipVersion(4)
            .protocol(6)
            .srcIPv4(0xC0000201)
            .dstIPv4(0xC6336407)
            .srcPort(40000)
            .dstPort(443)
            .vlanId(42)
            .ingressInterface(3)
            .fwdPackets(10)
            .fwdOctets(1500)
            .fwdL2Octets(1640)
            .revPackets(8)
            .revOctets(9000)
            .revL2Octets(9112)
            .fwdTcpFlags(0x1B)
            .revTcpFlags(0x12)
            .fwdFirstMillis(START_MS)
            .fwdLastMillis(START_MS + 900)
            .revFirstMillis(START_MS + 20)
            .revLastMillis(START_MS + 950)
            .endReason(3);
    }

    /** [2001:db8::1]:5353 -> [2001:db8::2]:53 UDP, untagged, no reply. */
    public static FlowRecord ipv6UdpOneWay()
    {
        return empty()
            .ipVersion(6)
            .protocol(17)
            .srcIPv6(0x20010DB800000000L, 1)
            .dstIPv6(0x20010DB800000000L, 2)
            .srcPort(5353)
            .dstPort(53)
            .ingressInterface(1)
            .fwdPackets(1)
            .fwdOctets(80)
            .fwdL2Octets(94)
            .fwdFirstMillis(START_MS)
            .fwdLastMillis(START_MS)
            .endReason(1);
    }
}
