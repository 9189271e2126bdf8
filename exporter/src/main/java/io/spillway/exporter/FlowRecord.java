package io.spillway.exporter;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Flyweight over one exported biflow record in a buffer: the schema every exporter reads.
 * <p>
 * Workers write records straight into their export ring with {@link #wrap}, the setters and
 * {@link #length()}; the export agent reads them with the getters. Nothing is allocated.
 * Direction follows RFC 5103: "forward" is the direction of the flow's first packet (the
 * initiator), "reverse" the other one. Counters are deltas since the flow's previous record.
 * <p>
 * Layout (little endian): a fixed part of {@link #FIXED_LENGTH} bytes, then the application name,
 * the server name and the category name as ASCII bytes (lengths in the fixed part). Application fields are zero when
 * DPI is off; hardware fields are zero when the flow was never offloaded.
 */
public final class FlowRecord
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    public static final int IP_VERSION_OFFSET = 0;          // byte: 4 or 6
    public static final int PROTOCOL_OFFSET = 1;            // byte: protocolIdentifier
    public static final int END_REASON_OFFSET = 2;          // byte: flowEndReason
    public static final int FLAGS_OFFSET = 3;               // byte: see FLAG_*
    public static final int SRC_PORT_OFFSET = 4;            // u16
    public static final int DST_PORT_OFFSET = 6;            // u16
    public static final int VLAN_OFFSET = 8;                // u16: vlanId, 0 when untagged
    public static final int INGRESS_OFFSET = 10;            // u16: ingressInterface
    public static final int FWD_TCP_FLAGS_OFFSET = 12;      // byte
    public static final int REV_TCP_FLAGS_OFFSET = 13;      // byte
    public static final int QUEUE_OFFSET = 14;              // u16: worker queue that owned the flow
    public static final int SRC_ADDRESS_OFFSET = 16;        // 16 bytes, network order; IPv4 in the first 4
    public static final int DST_ADDRESS_OFFSET = 32;        // 16 bytes
    public static final int FWD_PACKETS_OFFSET = 48;        // u64
    public static final int FWD_OCTETS_OFFSET = 56;         // u64: IP header + payload
    public static final int FWD_L2_OCTETS_OFFSET = 64;      // u64: whole frames as captured on the wire
    public static final int REV_PACKETS_OFFSET = 72;
    public static final int REV_OCTETS_OFFSET = 80;
    public static final int REV_L2_OCTETS_OFFSET = 88;
    public static final int FWD_FIRST_MS_OFFSET = 96;       // epoch milliseconds, 0 when no packet
    public static final int FWD_LAST_MS_OFFSET = 104;
    public static final int REV_FIRST_MS_OFFSET = 112;
    public static final int REV_LAST_MS_OFFSET = 120;
    public static final int HW_PACKETS_OFFSET = 128;        // u64: of the packets, those an offload device counted
    public static final int HW_OCTETS_OFFSET = 136;         // u64: of the frame octets, those the device counted
    public static final int MASTER_PROTOCOL_OFFSET = 144;   // u16: nDPI master protocol id (e.g. TLS)
    public static final int APP_PROTOCOL_OFFSET = 146;      // u16: nDPI application protocol id (e.g. YouTube)
    public static final int CATEGORY_OFFSET = 148;          // u16: nDPI category id
    public static final int DETECTION_OFFSET = 150;         // byte: DETECTION_*
    public static final int APP_NAME_LENGTH_OFFSET = 151;   // byte: length of the application name
    public static final int SERVER_NAME_LENGTH_OFFSET = 152; // byte: length of the server name
    public static final int CATEGORY_NAME_LENGTH_OFFSET = 153; // byte: length of the category name
    public static final int FIXED_LENGTH = 160;
    public static final int MAX_APP_NAME_LENGTH = 64;
    public static final int MAX_SERVER_NAME_LENGTH = 255;
    public static final int MAX_CATEGORY_NAME_LENGTH = 64;
    /** Largest encoded record: size buffers and ring messages with it. */
    public static final int MAX_LENGTH =
        FIXED_LENGTH + MAX_APP_NAME_LENGTH + MAX_SERVER_NAME_LENGTH + MAX_CATEGORY_NAME_LENGTH;

    /** No DPI verdict (DPI off, or the flow ended before any classification attempt). */
    public static final int DETECTION_NONE = 0;
    /** nDPI recognised the protocol by dissection. */
    public static final int DETECTION_DETECTED = 1;
    /** nDPI gave up and guessed (by port or by IP): a best guess, not a detection. */
    public static final int DETECTION_GUESSED = 2;
    /** nDPI inspected the flow and found nothing, not even a guess. */
    public static final int DETECTION_UNKNOWN = 3;

    /** Flag: the probe observed this flow as a layer-3 flow only (no ports: fragments, broken L4). */
    public static final int FLAG_L3_ONLY = 0x01;

    private MutableDirectBuffer buffer;
    private int offset;

    public FlowRecord wrap(final MutableDirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    /** Read-only wrap for exporters: the setters must not be used on such a record. */
    public FlowRecord wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = (MutableDirectBuffer)buffer;
        this.offset = offset;
        return this;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public int offset()
    {
        return offset;
    }

    /** Encoded length of the record: the fixed part and the names. */
    public int length()
    {
        return FIXED_LENGTH + appNameLength() + serverNameLength() + categoryNameLength();
    }

    /** Zeroes the fixed part so a record can be filled field by field. */
    public FlowRecord clear()
    {
        buffer.setMemory(offset, FIXED_LENGTH, (byte)0);
        return this;
    }

    public int ipVersion()
    {
        return buffer.getByte(offset + IP_VERSION_OFFSET);
    }

    public FlowRecord ipVersion(final int version)
    {
        buffer.putByte(offset + IP_VERSION_OFFSET, (byte)version);
        return this;
    }

    public int protocol()
    {
        return buffer.getByte(offset + PROTOCOL_OFFSET) & 0xFF;
    }

    public FlowRecord protocol(final int protocol)
    {
        buffer.putByte(offset + PROTOCOL_OFFSET, (byte)protocol);
        return this;
    }

    public int endReason()
    {
        return buffer.getByte(offset + END_REASON_OFFSET) & 0xFF;
    }

    public FlowRecord endReason(final int reason)
    {
        buffer.putByte(offset + END_REASON_OFFSET, (byte)reason);
        return this;
    }

    public int flags()
    {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    public FlowRecord flags(final int flags)
    {
        buffer.putByte(offset + FLAGS_OFFSET, (byte)flags);
        return this;
    }

    public int srcPort()
    {
        return buffer.getShort(offset + SRC_PORT_OFFSET, ORDER) & 0xFFFF;
    }

    public FlowRecord srcPort(final int port)
    {
        buffer.putShort(offset + SRC_PORT_OFFSET, (short)port, ORDER);
        return this;
    }

    public int dstPort()
    {
        return buffer.getShort(offset + DST_PORT_OFFSET, ORDER) & 0xFFFF;
    }

    public FlowRecord dstPort(final int port)
    {
        buffer.putShort(offset + DST_PORT_OFFSET, (short)port, ORDER);
        return this;
    }

    public int vlanId()
    {
        return buffer.getShort(offset + VLAN_OFFSET, ORDER) & 0xFFFF;
    }

    public FlowRecord vlanId(final int vlanId)
    {
        buffer.putShort(offset + VLAN_OFFSET, (short)vlanId, ORDER);
        return this;
    }

    public int ingressInterface()
    {
        return buffer.getShort(offset + INGRESS_OFFSET, ORDER) & 0xFFFF;
    }

    public FlowRecord ingressInterface(final int ifIndex)
    {
        buffer.putShort(offset + INGRESS_OFFSET, (short)ifIndex, ORDER);
        return this;
    }

    public int fwdTcpFlags()
    {
        return buffer.getByte(offset + FWD_TCP_FLAGS_OFFSET) & 0xFF;
    }

    public FlowRecord fwdTcpFlags(final int flags)
    {
        buffer.putByte(offset + FWD_TCP_FLAGS_OFFSET, (byte)flags);
        return this;
    }

    public int revTcpFlags()
    {
        return buffer.getByte(offset + REV_TCP_FLAGS_OFFSET) & 0xFF;
    }

    public FlowRecord revTcpFlags(final int flags)
    {
        buffer.putByte(offset + REV_TCP_FLAGS_OFFSET, (byte)flags);
        return this;
    }

    public int queue()
    {
        return buffer.getShort(offset + QUEUE_OFFSET, ORDER) & 0xFFFF;
    }

    public FlowRecord queue(final int queue)
    {
        buffer.putShort(offset + QUEUE_OFFSET, (short)queue, ORDER);
        return this;
    }

    /** Offset in {@link #buffer()} of the 16-byte source address (network byte order). */
    public int srcAddressOffset()
    {
        return offset + SRC_ADDRESS_OFFSET;
    }

    /** Offset in {@link #buffer()} of the 16-byte destination address (network byte order). */
    public int dstAddressOffset()
    {
        return offset + DST_ADDRESS_OFFSET;
    }

    /** IPv4 source address as an int in host order (only meaningful when ipVersion is 4). */
    public int srcIPv4()
    {
        return buffer.getInt(offset + SRC_ADDRESS_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public int dstIPv4()
    {
        return buffer.getInt(offset + DST_ADDRESS_OFFSET, ByteOrder.BIG_ENDIAN);
    }

    public FlowRecord srcIPv4(final int address)
    {
        buffer.putInt(offset + SRC_ADDRESS_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public FlowRecord dstIPv4(final int address)
    {
        buffer.putInt(offset + DST_ADDRESS_OFFSET, address, ByteOrder.BIG_ENDIAN);
        return this;
    }

    /** IPv6 address halves as big-endian longs: hi = bytes 0..7, lo = bytes 8..15. */
    public FlowRecord srcIPv6(final long hi, final long lo)
    {
        buffer.putLong(offset + SRC_ADDRESS_OFFSET, hi, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + SRC_ADDRESS_OFFSET + 8, lo, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public FlowRecord dstIPv6(final long hi, final long lo)
    {
        buffer.putLong(offset + DST_ADDRESS_OFFSET, hi, ByteOrder.BIG_ENDIAN);
        buffer.putLong(offset + DST_ADDRESS_OFFSET + 8, lo, ByteOrder.BIG_ENDIAN);
        return this;
    }

    public long fwdPackets()
    {
        return buffer.getLong(offset + FWD_PACKETS_OFFSET, ORDER);
    }

    public FlowRecord fwdPackets(final long value)
    {
        buffer.putLong(offset + FWD_PACKETS_OFFSET, value, ORDER);
        return this;
    }

    public long fwdOctets()
    {
        return buffer.getLong(offset + FWD_OCTETS_OFFSET, ORDER);
    }

    public FlowRecord fwdOctets(final long value)
    {
        buffer.putLong(offset + FWD_OCTETS_OFFSET, value, ORDER);
        return this;
    }

    public long fwdL2Octets()
    {
        return buffer.getLong(offset + FWD_L2_OCTETS_OFFSET, ORDER);
    }

    public FlowRecord fwdL2Octets(final long value)
    {
        buffer.putLong(offset + FWD_L2_OCTETS_OFFSET, value, ORDER);
        return this;
    }

    public long revPackets()
    {
        return buffer.getLong(offset + REV_PACKETS_OFFSET, ORDER);
    }

    public FlowRecord revPackets(final long value)
    {
        buffer.putLong(offset + REV_PACKETS_OFFSET, value, ORDER);
        return this;
    }

    public long revOctets()
    {
        return buffer.getLong(offset + REV_OCTETS_OFFSET, ORDER);
    }

    public FlowRecord revOctets(final long value)
    {
        buffer.putLong(offset + REV_OCTETS_OFFSET, value, ORDER);
        return this;
    }

    public long revL2Octets()
    {
        return buffer.getLong(offset + REV_L2_OCTETS_OFFSET, ORDER);
    }

    public FlowRecord revL2Octets(final long value)
    {
        buffer.putLong(offset + REV_L2_OCTETS_OFFSET, value, ORDER);
        return this;
    }

    public long fwdFirstMillis()
    {
        return buffer.getLong(offset + FWD_FIRST_MS_OFFSET, ORDER);
    }

    public FlowRecord fwdFirstMillis(final long value)
    {
        buffer.putLong(offset + FWD_FIRST_MS_OFFSET, value, ORDER);
        return this;
    }

    public long fwdLastMillis()
    {
        return buffer.getLong(offset + FWD_LAST_MS_OFFSET, ORDER);
    }

    public FlowRecord fwdLastMillis(final long value)
    {
        buffer.putLong(offset + FWD_LAST_MS_OFFSET, value, ORDER);
        return this;
    }

    public long revFirstMillis()
    {
        return buffer.getLong(offset + REV_FIRST_MS_OFFSET, ORDER);
    }

    public FlowRecord revFirstMillis(final long value)
    {
        buffer.putLong(offset + REV_FIRST_MS_OFFSET, value, ORDER);
        return this;
    }

    public long revLastMillis()
    {
        return buffer.getLong(offset + REV_LAST_MS_OFFSET, ORDER);
    }

    public FlowRecord revLastMillis(final long value)
    {
        buffer.putLong(offset + REV_LAST_MS_OFFSET, value, ORDER);
        return this;
    }

    /** Of the record's packets (both directions), those an offload device counted; 0 when never offloaded. */
    public long hwPackets()
    {
        return buffer.getLong(offset + HW_PACKETS_OFFSET, ORDER);
    }

    public FlowRecord hwPackets(final long value)
    {
        buffer.putLong(offset + HW_PACKETS_OFFSET, value, ORDER);
        return this;
    }

    /**
     * Of the record's layer-2 (frame) octets, both directions, those an offload device counted. Frame octets because
     * they are what a device counts exactly; the record's IP octets include an estimate of the device's share.
     */
    public long hwOctets()
    {
        return buffer.getLong(offset + HW_OCTETS_OFFSET, ORDER);
    }

    public FlowRecord hwOctets(final long value)
    {
        buffer.putLong(offset + HW_OCTETS_OFFSET, value, ORDER);
        return this;
    }

    public int masterProtocol()
    {
        return buffer.getShort(offset + MASTER_PROTOCOL_OFFSET, ORDER) & 0xFFFF;
    }

    public FlowRecord masterProtocol(final int id)
    {
        buffer.putShort(offset + MASTER_PROTOCOL_OFFSET, (short)id, ORDER);
        return this;
    }

    public int appProtocol()
    {
        return buffer.getShort(offset + APP_PROTOCOL_OFFSET, ORDER) & 0xFFFF;
    }

    public FlowRecord appProtocol(final int id)
    {
        buffer.putShort(offset + APP_PROTOCOL_OFFSET, (short)id, ORDER);
        return this;
    }

    public int category()
    {
        return buffer.getShort(offset + CATEGORY_OFFSET, ORDER) & 0xFFFF;
    }

    public FlowRecord category(final int id)
    {
        buffer.putShort(offset + CATEGORY_OFFSET, (short)id, ORDER);
        return this;
    }

    public int detection()
    {
        return buffer.getByte(offset + DETECTION_OFFSET) & 0xFF;
    }

    public FlowRecord detection(final int detection)
    {
        buffer.putByte(offset + DETECTION_OFFSET, (byte)detection);
        return this;
    }

    public int appNameLength()
    {
        return buffer.getByte(offset + APP_NAME_LENGTH_OFFSET) & 0xFF;
    }

    /** Offset in {@link #buffer()} of the application name's ASCII bytes, e.g. "TLS.YouTube". */
    public int appNameOffset()
    {
        return offset + FIXED_LENGTH;
    }

    public int serverNameLength()
    {
        return buffer.getByte(offset + SERVER_NAME_LENGTH_OFFSET) & 0xFF;
    }

    /** Offset in {@link #buffer()} of the server name's ASCII bytes (TLS SNI, HTTP Host, DNS query). */
    public int serverNameOffset()
    {
        return offset + FIXED_LENGTH + appNameLength();
    }

    public int categoryNameLength()
    {
        return buffer.getByte(offset + CATEGORY_NAME_LENGTH_OFFSET) & 0xFF;
    }

    /** Offset in {@link #buffer()} of the nDPI category name's ASCII bytes, e.g. "Media". */
    public int categoryNameOffset()
    {
        return offset + FIXED_LENGTH + appNameLength() + serverNameLength();
    }

    /** Sets the category name; call it after {@link #names}, since it follows the other two. */
    public FlowRecord categoryName(final DirectBuffer source, final int index, final int length)
    {
        final int category = Math.min(length, MAX_CATEGORY_NAME_LENGTH);
        buffer.putByte(offset + CATEGORY_NAME_LENGTH_OFFSET, (byte)category);
        if (category > 0)
        {
            buffer.putBytes(categoryNameOffset(), source, index, category);
        }
        return this;
    }

    /**
     * Sets both names from {@code length} bytes at {@code source[index]} each, truncated to their
     * maximum. Write the names last: they sit after the fixed part.
     */
    public FlowRecord names(
        final DirectBuffer appName, final int appNameIndex, final int appNameLength,
        final DirectBuffer serverName, final int serverNameIndex, final int serverNameLength)
    {
        final int app = Math.min(appNameLength, MAX_APP_NAME_LENGTH);
        final int server = Math.min(serverNameLength, MAX_SERVER_NAME_LENGTH);
        buffer.putByte(offset + APP_NAME_LENGTH_OFFSET, (byte)app);
        buffer.putByte(offset + SERVER_NAME_LENGTH_OFFSET, (byte)server);
        if (app > 0)
        {
            buffer.putBytes(offset + FIXED_LENGTH, appName, appNameIndex, app);
        }
        if (server > 0)
        {
            buffer.putBytes(offset + FIXED_LENGTH + app, serverName, serverNameIndex, server);
        }
        return this;
    }

    /** flowStartMilliseconds of the biflow: the first packet in either direction. */
    public long flowStartMillis()
    {
        final long fwd = fwdPackets() > 0 ? fwdFirstMillis() : Long.MAX_VALUE;
        final long rev = revPackets() > 0 ? revFirstMillis() : Long.MAX_VALUE;
        final long start = Math.min(fwd, rev);
        return start == Long.MAX_VALUE ? 0 : start;
    }

    /** flowEndMilliseconds of the biflow: the last packet in either direction. */
    public long flowEndMillis()
    {
        return Math.max(fwdPackets() > 0 ? fwdLastMillis() : 0, revPackets() > 0 ? revLastMillis() : 0);
    }
}
