package io.spillway.probe.flow;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The IPv6 side table: the addresses of an IPv6 flow, 32 bytes per slot. They do not fit in the 64-byte entry, which
 * keeps their fingerprint ({@link EntryKey#ipv6}); a lookup reads them here only when the fingerprint matches.
 */
final class Ipv6Addresses
{
    static final int LENGTH = 32;

    static final int SRC_HI = 0;   // long: source address, high 64 bits
    static final int SRC_LO = 8;
    static final int DST_HI = 16;
    static final int DST_LO = 24;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private final MemorySegment segment;

    Ipv6Addresses(final MemorySegment segment)
    {
        this.segment = segment;
    }

    void set(final int slot, final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        segment.set(LONG, at(slot, SRC_HI), srcHi);
        segment.set(LONG, at(slot, SRC_LO), srcLo);
        segment.set(LONG, at(slot, DST_HI), dstHi);
        segment.set(LONG, at(slot, DST_LO), dstLo);
    }

    boolean matches(final int slot, final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        return srcHi(slot) == srcHi && srcLo(slot) == srcLo && dstHi(slot) == dstHi && dstLo(slot) == dstLo;
    }

    long srcHi(final int slot)
    {
        return segment.get(LONG, at(slot, SRC_HI));
    }

    long srcLo(final int slot)
    {
        return segment.get(LONG, at(slot, SRC_LO));
    }

    long dstHi(final int slot)
    {
        return segment.get(LONG, at(slot, DST_HI));
    }

    long dstLo(final int slot)
    {
        return segment.get(LONG, at(slot, DST_LO));
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
