package io.spillway.probe.flow;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The flow table's entries, one 64-byte entry (one cache line) per slot, native byte order. Every field's offset is
 * named here and nowhere else, so the layout is checked in one place ({@code FlowEntriesTest}).
 * <p>
 * A flyweight over the whole segment whose accessors take the slot, rather than one that is wrapped at a slot: a
 * wrapped flyweight keeps its position in a field, which the hot path would load again after every store to the
 * segment. Per direction fields are read and written by {@code reverse}: forward is the initiator (RFC 5103).
 */
final class FlowEntries
{
    static final int LENGTH = 64;

    static final int ADDRESSES = 0;        // long: see EntryKey
    static final int KEY = 8;              // long: see EntryKey
    static final int FWD_PACKETS = 16;     // int, unsigned
    static final int REV_PACKETS = 20;
    static final int FWD_OCTETS = 24;      // int, unsigned: IP bytes
    static final int REV_OCTETS = 28;
    static final int FWD_L2_OCTETS = 32;   // int, unsigned: frame bytes
    static final int REV_L2_OCTETS = 36;
    static final int FWD_FIRST_MS = 40;    // int: low 32 bits of epoch milliseconds
    static final int FWD_LAST_MS = 44;
    static final int REV_FIRST_MS = 48;
    static final int REV_LAST_MS = 52;
    static final int FWD_TCP_FLAGS = 56;   // byte
    static final int REV_TCP_FLAGS = 57;   // byte
    static final int STATE = 58;           // byte: STATE_* bits
    static final int GENERATION = 59;      // byte: bumped when the entry is freed or renewed
    static final int OFFLOAD_REQUESTED_MS = 60; // int: when the flow was handed to the device

    static final int STATE_LIVE = 0x01;
    static final int STATE_FIN_FWD = 0x02;
    static final int STATE_FIN_REV = 0x04;
    static final int STATE_RST = 0x08;
    /** Two bits: the flow's {@link OffloadOwnership} state. */
    static final int STATE_OFFLOAD = 0x30;
    /** OFFLOADED and being taken back from the device for its active timeout. */
    static final int STATE_RENEWING = 0x40;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final MemorySegment segment;

    FlowEntries(final MemorySegment segment)
    {
        this.segment = segment;
    }

    /** A new flow's entry: its key, zero counters and TCP flags, live, not decided for offload. */
    void init(final int slot, final long addresses, final long key, final int timeMs)
    {
        segment.set(LONG, at(slot, ADDRESSES), addresses);
        segment.set(LONG, at(slot, KEY), key);
        segment.set(LONG, at(slot, FWD_PACKETS), 0L);
        segment.set(LONG, at(slot, FWD_OCTETS), 0L);
        segment.set(LONG, at(slot, FWD_L2_OCTETS), 0L);
        // Every time starts at the first packet, so "last seen" is defined before a reverse packet.
        segment.set(INT, at(slot, FWD_FIRST_MS), timeMs);
        segment.set(INT, at(slot, FWD_LAST_MS), timeMs);
        segment.set(INT, at(slot, REV_FIRST_MS), timeMs);
        segment.set(INT, at(slot, REV_LAST_MS), timeMs);
        segment.set(BYTE, at(slot, FWD_TCP_FLAGS), (byte)0);
        segment.set(BYTE, at(slot, REV_TCP_FLAGS), (byte)0);
        segment.set(BYTE, at(slot, STATE), (byte)STATE_LIVE);
        segment.set(INT, at(slot, OFFLOAD_REQUESTED_MS), 0);
    }

    /** Starts the flow's next record: zero counters and TCP flags. */
    void resetCounters(final int slot)
    {
        // Times stay: they still tell when the flow was last seen; the zero counters say the
        // new record has no packet yet.
        segment.set(LONG, at(slot, FWD_PACKETS), 0L);
        segment.set(LONG, at(slot, FWD_OCTETS), 0L);
        segment.set(LONG, at(slot, FWD_L2_OCTETS), 0L);
        segment.set(BYTE, at(slot, FWD_TCP_FLAGS), (byte)0);
        segment.set(BYTE, at(slot, REV_TCP_FLAGS), (byte)0);
    }

    long addresses(final int slot)
    {
        return segment.get(LONG, at(slot, ADDRESSES));
    }

    long key(final int slot)
    {
        return segment.get(LONG, at(slot, KEY));
    }

    int packets(final int slot, final boolean reverse)
    {
        return segment.get(INT, at(slot, reverse ? REV_PACKETS : FWD_PACKETS));
    }

    void packets(final int slot, final boolean reverse, final int packets)
    {
        segment.set(INT, at(slot, reverse ? REV_PACKETS : FWD_PACKETS), packets);
    }

    int octets(final int slot, final boolean reverse)
    {
        return segment.get(INT, at(slot, reverse ? REV_OCTETS : FWD_OCTETS));
    }

    void octets(final int slot, final boolean reverse, final int octets)
    {
        segment.set(INT, at(slot, reverse ? REV_OCTETS : FWD_OCTETS), octets);
    }

    int l2Octets(final int slot, final boolean reverse)
    {
        return segment.get(INT, at(slot, reverse ? REV_L2_OCTETS : FWD_L2_OCTETS));
    }

    void l2Octets(final int slot, final boolean reverse, final int l2Octets)
    {
        segment.set(INT, at(slot, reverse ? REV_L2_OCTETS : FWD_L2_OCTETS), l2Octets);
    }

    int firstMs(final int slot, final boolean reverse)
    {
        return segment.get(INT, at(slot, reverse ? REV_FIRST_MS : FWD_FIRST_MS));
    }

    void firstMs(final int slot, final boolean reverse, final int timeMs)
    {
        segment.set(INT, at(slot, reverse ? REV_FIRST_MS : FWD_FIRST_MS), timeMs);
    }

    int lastMs(final int slot, final boolean reverse)
    {
        return segment.get(INT, at(slot, reverse ? REV_LAST_MS : FWD_LAST_MS));
    }

    void lastMs(final int slot, final boolean reverse, final int timeMs)
    {
        segment.set(INT, at(slot, reverse ? REV_LAST_MS : FWD_LAST_MS), timeMs);
    }

    int tcpFlags(final int slot, final boolean reverse)
    {
        return segment.get(BYTE, at(slot, reverse ? REV_TCP_FLAGS : FWD_TCP_FLAGS)) & 0xFF;
    }

    void tcpFlags(final int slot, final boolean reverse, final int tcpFlags)
    {
        segment.set(BYTE, at(slot, reverse ? REV_TCP_FLAGS : FWD_TCP_FLAGS), (byte)tcpFlags);
    }

    int state(final int slot)
    {
        return segment.get(BYTE, at(slot, STATE)) & 0xFF;
    }

    void state(final int slot, final int state)
    {
        segment.set(BYTE, at(slot, STATE), (byte)state);
    }

    int generation(final int slot)
    {
        return segment.get(BYTE, at(slot, GENERATION)) & 0xFF;
    }

    /** A new generation: a {@link FlowId} naming the slot's earlier flow no longer matches. */
    void nextGeneration(final int slot)
    {
        segment.set(BYTE, at(slot, GENERATION), (byte)(segment.get(BYTE, at(slot, GENERATION)) + 1));
    }

    int offloadRequestedMs(final int slot)
    {
        return segment.get(INT, at(slot, OFFLOAD_REQUESTED_MS));
    }

    void offloadRequestedMs(final int slot, final int timeMs)
    {
        segment.set(INT, at(slot, OFFLOAD_REQUESTED_MS), timeMs);
    }

    boolean hasPackets(final int slot)
    {
        // Both directions' packet counters in one read.
        return segment.get(LONG, at(slot, FWD_PACKETS)) != 0;
    }

    /** The later of the two directions' last times. */
    int lastSeenMs(final int slot)
    {
        final int fwd = lastMs(slot, false);
        final int rev = lastMs(slot, true);
        return rev - fwd > 0 ? rev : fwd;
    }

    /** The earlier first time of the directions with packets in the current record. */
    int recordStartMs(final int slot)
    {
        final boolean fwd = packets(slot, false) != 0;
        final boolean rev = packets(slot, true) != 0;
        final int fwdFirst = firstMs(slot, false);
        final int revFirst = firstMs(slot, true);
        if (fwd && rev)
        {
            return revFirst - fwdFirst < 0 ? revFirst : fwdFirst;
        }
        return fwd ? fwdFirst : revFirst;
    }

    /** FIN seen in both directions, or RST. */
    static boolean isClosed(final int state)
    {
        return (state & STATE_RST) != 0 || (state & (STATE_FIN_FWD | STATE_FIN_REV)) == (STATE_FIN_FWD | STATE_FIN_REV);
    }

    long bytes()
    {
        return segment.byteSize();
    }

    private static long at(final int slot, final int field)
    {
        return (long)slot * LENGTH + field;
    }
}
