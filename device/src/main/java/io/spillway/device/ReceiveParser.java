package io.spillway.device;

import io.spillway.packet.FlowHash;
import io.spillway.packet.PacketBatch;
import io.spillway.packet.PacketDescriptor;
import io.spillway.packet.PacketParser;
import io.spillway.packet.ParseStatus;
import io.spillway.packet.ParsedPacket;
import org.agrona.MutableDirectBuffer;

/**
 * The receive side's one parse of a packet: the frame decoded ({@link PacketParser}), counted by what it is
 * ({@link ReceiveCounters}), and, when it belongs to a flow, its key flags and symmetric hash computed, ready to be
 * written as a {@link PacketDescriptor}. A single-stream dispatcher runs one for every packet it spreads over the
 * queues; a worker whose queue delivers raw frames runs its own. One thread; nothing allocated per packet.
 */
public final class ReceiveParser
{
    private final PacketParser parser = new PacketParser();
    private final ParsedPacket packet = new ParsedPacket();
    private final ReceiveCounters counters;
    private int keyFlags;
    private long hash;

    public ReceiveParser(final ReceiveCounters counters)
    {
        this.counters = counters;
    }

    /**
     * Parses and counts one frame; its counts are visible once {@link #publish} ran.
     *
     * @param interfaceId the input port or capture interface, recorded in the flow key's interface bits
     * @return whether the packet is accounted to a flow; then {@link #packet()}, {@link #hash()} and
     * {@link #keyFlags()} describe it until the next call
     */
    public boolean parse(
        final long address, final int capturedLength, final int wireLength, final long timestampNs,
        final int linkType, final int interfaceId)
    {
        final int status = parser.parse(address, capturedLength, wireLength, linkType, timestampNs, packet);
        counters.onPacket(wireLength, timestampNs, status, packet.malformed);
        if (status != ParseStatus.FLOW && status != ParseStatus.L3_FLOW)
        {
            return false;
        }
        keyFlags = PacketDescriptor.keyFlags(packet, status == ParseStatus.L3_FLOW, interfaceId);
        hash = PacketDescriptor.hash(packet, keyFlags);
        return true;
    }

    /**
     * Writes the packet last parsed as a descriptor at {@code offset}. Its flow counts the frame's layer-2 octets
     * ({@link #layer2Length()}).
     */
    public void write(
        final MutableDirectBuffer buffer, final int offset, final long address, final int capturedLength,
        final long timestampNs, final long flowId)
    {
        PacketDescriptor.write(buffer, offset, packet, hash, keyFlags, address, capturedLength, packet.layer2Length,
            timestampNs, flowId);
    }

    /** The layer-2 octets the packet last parsed counts to its flow: its wire length, but for ERF the ERF wlen. */
    public int layer2Length()
    {
        return packet.layer2Length;
    }

    /**
     * Parses a raw batch in place: every frame is parsed and counted, the ones accounted to a flow are written back
     * as complete descriptors, packed at the front, and the batch says it is parsed.
     */
    public void parseInPlace(final PacketBatch batch)
    {
        final MutableDirectBuffer buffer = batch.buffer();
        final int linkType = batch.linkType();
        final int port = batch.port();
        int kept = 0;
        for (int i = 0, count = batch.count(); i < count; i++)
        {
            final int at = batch.descriptorOffset(i);
            final long address = buffer.getLong(at + PacketDescriptor.PACKET_ADDRESS);
            final int captured = buffer.getInt(at + PacketDescriptor.CAPTURED_LENGTH);
            final int wire = buffer.getInt(at + PacketDescriptor.WIRE_LENGTH);
            final long timestampNs = buffer.getLong(at + PacketDescriptor.TIMESTAMP_NS);
            final long flowId = buffer.getLong(at + PacketDescriptor.FLOW_ID);
            if (parse(address, captured, wire, timestampNs, linkType, port))
            {
                write(buffer, batch.descriptorOffset(kept++), address, captured, timestampNs, flowId);
            }
        }
        batch.parsedInPlace(kept);
        counters.publish();
    }

    /** Publishes the counts of the packets parsed one by one ({@link #parse}): after each poll, and at the end. */
    public void publish()
    {
        counters.publish();
    }

    /** The packet last parsed. */
    public ParsedPacket packet()
    {
        return packet;
    }

    /** The symmetric flow hash of the packet last parsed: {@link FlowHash#queue} picks its queue. */
    public long hash()
    {
        return hash;
    }

    public int keyFlags()
    {
        return keyFlags;
    }

    public ReceiveCounters counters()
    {
        return counters;
    }
}
