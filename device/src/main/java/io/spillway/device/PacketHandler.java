package io.spillway.device;
import io.spillway.packet.LinkType;

/**
 * Receives packets from a {@link PacketSource}. The bytes at {@code address} stay valid until the
 * source is closed (capture files are memory-mapped for the whole run), so a consumer may keep
 * the address of a packet it has not finished with.
 */
@FunctionalInterface
public interface PacketHandler
{
    /**
     * @param address         native address of the first byte of the link-layer frame
     * @param capturedLength  bytes available at {@code address}
     * @param wireLength      length of the frame on the wire (at least capturedLength)
     * @param timestampNanos  capture time, nanoseconds since the Unix epoch
     * @param linkType        LINKTYPE_* value of the interface (see {@link LinkType})
     * @param interfaceId     interface index within the capture file: 0 for pcap; for pcapng the number of
     *                        Interface Description Blocks before this packet's one in the file, counting across
     *                        sections (pcapng restarts ids in each section, Spillway does not)
     */
    void onPacket(long address, int capturedLength, int wireLength, long timestampNanos, int linkType, int interfaceId);
}
