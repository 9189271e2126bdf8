package io.spillway.offload.emulated;

import io.spillway.offload.OffloadFlowKey;

/**
 * The device's own symmetric key hash: both directions of a flow get the same 64-bit value, so one table entry
 * matches both. Independent of the host's RSS hash, as on a real card.
 */
final class KeyHash
{
    private static final long C1 = 0x9E3779B97F4A7C15L;
    private static final long C2 = 0xC2B2AE3D27D4EB4FL;
    private static final long C3 = 0x165667B19E3779F9L;

    private KeyHash()
    {
    }

    static long of(final OffloadFlowKey key)
    {
        // Addition is commutative: swapping source and destination gives the same sum.
        final long endpoints = endpoint(key.srcHi(), key.srcLo(), key.srcPort()) +
            endpoint(key.dstHi(), key.dstLo(), key.dstPort());
        final long rest = (long)key.protocol() << 40 | (long)key.vlanId() << 8 | key.ipVersion();
        return mix(endpoints ^ rest * C3);
    }

    /** Stafford's variant 13 of the MurmurHash3 64-bit finalizer. */
    static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long endpoint(final long hi, final long lo, final int port)
    {
        return mix(hi * C1 ^ Long.rotateLeft(lo * C2, 29) ^ port);
    }
}
