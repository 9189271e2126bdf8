package io.spillway.packet;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Remembers the ports of first fragments so that later fragments of the same IP packet can be accounted to their
 * full 5-tuple, without reassembly.
 * <p>
 * The rule: a FIRST_FRAGMENT whose ports were read is stored under (IP version, source, destination, protocol,
 * fragment identification) with its capture time. A LATER_FRAGMENT looks its key up: when an entry exists and is
 * at most {@value #MAX_AGE_SECONDS} s older than the later fragment, the later fragment takes the entry's ports
 * (and transport protocol) and is accounted to that flow; otherwise (first fragment not seen, seen too long ago,
 * arriving after the later ones, or overwritten) it is accounted to its layer-3 flow with ports 0. An entry is
 * kept until overwritten, so every later fragment of the packet finds it.
 * <p>
 * The table is direct-mapped over a power-of-two number of slots: a new first fragment overwrites whatever its
 * slot held, so a burst of more concurrent fragmented packets than slots degrades to layer-3 accounting, never to
 * a wrong 5-tuple (the whole key is compared). For IPv6 the protocol in the key is the fragment header's next
 * header, the same in every fragment of a packet. Slots live in one primitive array, one cache line each; nothing
 * is allocated after construction. Not thread safe: one table per parser, one parser per thread.
 */
public final class FragmentTable
{
    public static final int DEFAULT_CAPACITY = 4096;
    public static final int MAX_CAPACITY = 1 << 24;
    public static final int MAX_AGE_SECONDS = 30;
    public static final long MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(MAX_AGE_SECONDS);

    private static final int SLOT_LONGS = 8;
    private static final int SRC_HI = 0;
    private static final int SRC_LO = 1;
    private static final int DST_HI = 2;
    private static final int DST_LO = 3;
    private static final int KEY = 4;
    private static final int VALUE = 5;
    private static final int TIME = 6;

    private final long[] slots;
    private final int mask;

    public FragmentTable()
    {
        this(DEFAULT_CAPACITY);
    }

    /**
     * @param capacity number of slots, a power of two up to {@link #MAX_CAPACITY}
     */
    public FragmentTable(final int capacity)
    {
        if (capacity < 1 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two in [1, " + MAX_CAPACITY + "]: " +
                capacity);
        }
        slots = new long[capacity * SLOT_LONGS];
        mask = capacity - 1;
    }

    public int capacity()
    {
        return mask + 1;
    }

    /**
     * Stores the ports and protocol of a first fragment.
     *
     * @param packet         a parsed first fragment whose ports were read
     * @param keyProtocol    the packet's IPv4 protocol, or its IPv6 fragment header's next header
     * @param timestampNanos the first fragment's capture time
     */
    public void putFirstFragment(final ParsedPacket packet, final int keyProtocol, final long timestampNanos)
    {
        final long key = key(packet, keyProtocol);
        final int base = slot(packet, key);
        slots[base + SRC_HI] = packet.srcHi;
        slots[base + SRC_LO] = packet.srcLo;
        slots[base + DST_HI] = packet.dstHi;
        slots[base + DST_LO] = packet.dstLo;
        slots[base + KEY] = key;
        slots[base + VALUE] = ((long)packet.protocol << 32) | ((long)packet.srcPort << 16) | packet.dstPort;
        slots[base + TIME] = timestampNanos;
    }

    /**
     * Fills the ports and protocol of a later fragment from its first fragment, when stored and recent enough.
     *
     * @param packet         a parsed later fragment; its srcPort, dstPort and protocol are set when found
     * @param keyProtocol    the packet's IPv4 protocol, or its IPv6 fragment header's next header
     * @param timestampNanos the later fragment's capture time
     * @return true when the first fragment was found and the packet's ports were filled
     */
    public boolean fillLaterFragment(final ParsedPacket packet, final int keyProtocol, final long timestampNanos)
    {
        final long key = key(packet, keyProtocol);
        final int base = slot(packet, key);
        if (slots[base + KEY] != key ||
            slots[base + SRC_HI] != packet.srcHi ||
            slots[base + SRC_LO] != packet.srcLo ||
            slots[base + DST_HI] != packet.dstHi ||
            slots[base + DST_LO] != packet.dstLo ||
            timestampNanos - slots[base + TIME] > MAX_AGE_NANOS)
        {
            return false;
        }

        final long value = slots[base + VALUE];
        packet.protocol = (int)(value >>> 32);
        packet.srcPort = (int)(value >>> 16) & 0xFFFF;
        packet.dstPort = (int)value & 0xFFFF;
        return true;
    }

    /** Forgets every entry. */
    public void clear()
    {
        Arrays.fill(slots, 0L);
    }

    // The IP version is never 0 in a stored key, so an empty slot never matches.
    private static long key(final ParsedPacket packet, final int keyProtocol)
    {
        return ((long)packet.fragmentId << 32) | ((keyProtocol & 0xFFL) << 8) | packet.ipVersion;
    }

    private int slot(final ParsedPacket packet, final long key)
    {
        long hash = key * 0x9E3779B97F4A7C15L;
        hash ^= packet.srcHi * 0xC2B2AE3D27D4EB4FL;
        hash ^= packet.srcLo * 0x165667B19E3779F9L;
        hash ^= packet.dstHi * 0xD6E8FEB86659FD93L;
        hash ^= packet.dstLo * 0xFF51AFD7ED558CCDL;
        hash ^= hash >>> 29;
        hash *= 0xC4CEB9FE1A85EC53L;
        hash ^= hash >>> 32;

        return ((int)hash & mask) * SLOT_LONGS;
    }
}
