package io.spillway.testbed.generator;

/**
 * Capture-time offsets of evenly paced packets: packet i is at floor(i * 1e9 / packetsPerSecond) ns. Kept as
 * whole nanoseconds plus a remainder, so the offsets never drift and no packet costs a division.
 */
final class PacketClock
{
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long packetsPerSecond;
    private final long stepNanos;
    private final long stepRemainder;
    private long offsetNanos;
    private long remainder;

    PacketClock(final long packetsPerSecond)
    {
        this.packetsPerSecond = packetsPerSecond;
        stepNanos = NANOS_PER_SECOND / packetsPerSecond;
        stepRemainder = NANOS_PER_SECOND % packetsPerSecond;
    }

    /** Offset of packet {@code index}, computed directly; {@code packetsPerSecond} at most 1e9 keeps it exact. */
    static long offsetNanos(final long index, final long packetsPerSecond)
    {
        return (index / packetsPerSecond) * NANOS_PER_SECOND + (index % packetsPerSecond) * NANOS_PER_SECOND /
            packetsPerSecond;
    }

    /** Offset of the current packet. */
    long offsetNanos()
    {
        return offsetNanos;
    }

    /** Moves to the next packet. */
    void advance()
    {
        offsetNanos += stepNanos;
        remainder += stepRemainder;
        if (remainder >= packetsPerSecond)
        {
            remainder -= packetsPerSecond;
            offsetNanos++;
        }
    }
}
