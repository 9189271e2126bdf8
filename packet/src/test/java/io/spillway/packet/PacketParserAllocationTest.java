package io.spillway.packet;

import com.sun.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketParserAllocationTest
{
    private static final int WINDOWS = 5;

    @Test
    void parsingAllocatesNothing()
    {
        final ThreadMXBean threads = (ThreadMXBean)ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        final List<PacketBuilder.Frame> frames = List.of(
            PacketBuilder.ethernet().vlan(3).ipv4(1, 2).tcp(1, 2, PacketBuilder.TCP_SYN).payload(60).build(),
            PacketBuilder.ethernet().ipv6(1, 2, 3, 4).ipv6Extension(PacketBuilder.PROTOCOL_ROUTING, 24)
                .udp(1, 4789).build(),
            PacketBuilder.ethernet().mpls(5).ipv4(1, 2).ipv4Fragment(9, 0, true).udp(7, 8).payload(100).build(),
            PacketBuilder.ethernet().ipv4(1, 2).ipv4Fragment(9, 100, false).next(17).payload(100).build(),
            PacketBuilder.linuxSll().ipv4(1, 2).ipv4TotalLength(3).icmp(8, 0).build(),
            PacketBuilder.ethernet().next(PacketBuilder.ETHERTYPE_ARP).payload(28).build(),
            PacketBuilder.ppi(LinkType.IEEE802_11).wlanData(PacketBuilder.WLAN_TO_DS, true, true).ipv6(1, 2, 3, 4)
                .udp(5, 6).build(),
            PacketBuilder.radiotap(true, PacketBuilder.RADIOTAP_FCS, 1).wlanData(0, false, false).ipv4(1, 2)
                .tcp(3, 4, PacketBuilder.TCP_ACK).padding(4).build(),
            PacketBuilder.erf(PacketBuilder.ERF_TYPE_ETH, 2).ipv4(1, 2).udp(7, 8).padding(4).build());
        final PacketParser parser = new PacketParser();
        final ParsedPacket packet = new ParsedPacket();

        final int warmUpChecksum = parseAll(parser, packet, frames, 20_000);
        final long[] allocated = new long[WINDOWS];
        for (int window = 0; window < WINDOWS; window++)
        {
            final long before = threads.getCurrentThreadAllocatedBytes();
            final int checksum = parseAll(parser, packet, frames, 20_000);
            allocated[window] = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(warmUpChecksum, checksum);
        }

        // On-stack replacement of this test's loop can allocate a few bytes once; a parser that allocated would
        // allocate in every window.
        assertEquals(0L, Arrays.stream(allocated).min().orElseThrow(),
            "bytes allocated by 180,000 parses, per window: " + Arrays.toString(allocated));
    }

    private static int parseAll(
        final PacketParser parser, final ParsedPacket packet, final List<PacketBuilder.Frame> frames, final int rounds)
    {
        int checksum = 0;
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < frames.size(); i++)
            {
                final PacketBuilder.Frame frame = frames.get(i);
                checksum += frame.parse(parser, frame.length(), frame.length(), round, packet) + packet.dstPort;
            }
        }
        return checksum;
    }
}
