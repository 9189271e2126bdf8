package io.spillway.probe.pipeline;

import io.spillway.packet.LinkType;
import io.spillway.capture.file.PcapWriter;
import io.spillway.packet.PacketBuilder;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Captures built for the offload tests, written with the probe's PcapWriter. */
public final class SyntheticTraffic
{
    public static final long START_NS = 1_700_000_000_000_000_000L;
    static final int CLIENT = 0x0A000001;
    static final int SERVER = 0x0A000002;

    private record Packet(long timeNs, byte[] frame)
    {
    }

    private SyntheticTraffic()
    {
    }

    /**
     * One UDP flow from CLIENT port 1000 to SERVER port 2000: {@code packets} packets {@code gapNs} apart, every
     * tenth one a reply, 128-byte payloads.
     */
    public static Path highRateFlow(final Path file, final int packets, final long gapNs)
    {
        final byte[] request = PacketBuilder.ethernet().ipv4(CLIENT, SERVER).udp(1000, 2000).payload(128).build()
            .bytes();
        final byte[] reply = PacketBuilder.ethernet().ipv4(SERVER, CLIENT).udp(2000, 1000).payload(128).build()
            .bytes();
        try (PcapWriter writer = new PcapWriter(file, LinkType.ETHERNET, 65_535))
        {
            for (int i = 0; i < packets; i++)
            {
                writer.write(START_NS + i * gapNs, i % 10 == 9 ? reply : request);
            }
        }
        return file;
    }

    /**
     * {@code flows} flows starting 1 ms apart, {@code packetsPerFlow} packets each, 2 ms apart, all interleaved:
     * TCP connections (handshake, data both ways, then FIN both ways, every fifth one a RST instead) and UDP
     * exchanges (a third of the packets replies). Every seventh flow pauses 3 s halfway, longer than a 2 s idle
     * timeout, so it is expired and comes back as a new flow.
     */
    public static Path manyFlows(final Path file, final int flows, final int packetsPerFlow)
    {
        final List<Packet> packets = new ArrayList<>();
        for (int flow = 0; flow < flows; flow++)
        {
            final int client = CLIENT + (flow % 250) * 256;
            final int clientPort = 10_000 + flow;
            final boolean tcp = flow % 2 == 0;
            final long start = START_NS + TimeUnit.MILLISECONDS.toNanos(flow);
            for (int k = 0; k < packetsPerFlow; k++)
            {
                final long pause = flow % 7 == 0 && k >= packetsPerFlow / 2 ? TimeUnit.SECONDS.toNanos(3) : 0;
                final long time = start + TimeUnit.MILLISECONDS.toNanos(2L * k) + pause;
                final byte[] frame = tcp ? tcpPacket(flow, k, packetsPerFlow, client, clientPort) :
                    udpPacket(k, client, clientPort);
                packets.add(new Packet(time, frame));
            }
        }
        packets.sort(Comparator.comparingLong(Packet::timeNs));
        try (PcapWriter writer = new PcapWriter(file, LinkType.ETHERNET, 65_535))
        {
            for (final Packet packet : packets)
            {
                writer.write(packet.timeNs(), packet.frame());
            }
        }
        return file;
    }

    private static byte[] udpPacket(final int k, final int client, final int clientPort)
    {
        final boolean reply = k % 3 == 2;
        return (reply ? PacketBuilder.ethernet().ipv4(SERVER, client).udp(53, clientPort) :
            PacketBuilder.ethernet().ipv4(client, SERVER).udp(clientPort, 53)).payload(40 + k).build().bytes();
    }

    private static byte[] tcpPacket(
        final int flow, final int k, final int packets, final int client, final int clientPort)
    {
        final boolean reset = flow % 5 == 0;
        final boolean reply;
        final int flags;
        int payload = 0;
        if (k == 0)
        {
            reply = false;
            flags = PacketBuilder.TCP_SYN;
        }
        else if (k == 1)
        {
            reply = true;
            flags = PacketBuilder.TCP_SYN | PacketBuilder.TCP_ACK;
        }
        else if (k == packets - 2)
        {
            reply = false;
            flags = reset ? PacketBuilder.TCP_RST : PacketBuilder.TCP_FIN | PacketBuilder.TCP_ACK;
        }
        else if (k == packets - 1)
        {
            reply = true;
            flags = reset ? PacketBuilder.TCP_ACK : PacketBuilder.TCP_FIN | PacketBuilder.TCP_ACK;
        }
        else
        {
            reply = k % 2 == 1;
            flags = PacketBuilder.TCP_ACK | PacketBuilder.TCP_PSH;
            payload = reply ? 1200 : 100 + k;
        }
        return (reply ? PacketBuilder.ethernet().ipv4(SERVER, client).tcp(443, clientPort, flags) :
            PacketBuilder.ethernet().ipv4(client, SERVER).tcp(clientPort, 443, flags)).payload(payload).build()
            .bytes();
    }
}
