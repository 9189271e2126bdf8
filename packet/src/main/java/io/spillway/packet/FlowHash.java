package io.spillway.packet;

/**
 * The symmetric flow hash: both directions of a flow get the same 64-bit value, so they land on
 * the same queue (high 32 bits pick the queue) and the same flow index position (low 32 bits).
 * Software stand-in for a NIC's symmetric RSS.
 */
public final class FlowHash
{
    private static final long C1 = 0x9E3779B97F4A7C15L;
    private static final long C2 = 0xC2B2AE3D27D4EB4FL;
    private static final long C3 = 0x165667B19E3779F9L;

    private FlowHash()
    {
    }

    /**
     * @param keyFlags protocol-independent key bits (IP version, layer-3-only), see {@link FlowKey}
     */
    public static long of(
        final long srcHi, final long srcLo, final int srcPort,
        final long dstHi, final long dstLo, final int dstPort,
        final int protocol, final int vlanId, final int keyFlags)
    {
        // Addition is commutative: swapping the endpoints gives the same sum.
        final long endpoints = endpoint(srcHi, srcLo, srcPort) + endpoint(dstHi, dstLo, dstPort);
        return mix(endpoints ^ ((long)protocol << 32 | (long)vlanId << 8 | keyFlags) * C3);
    }

    /** Which of {@code queues} queues owns a flow: uses the high half, independent of the index position. */
    public static int queue(final long hash, final int queues)
    {
        return (int)(((hash >>> 32) * queues) >>> 32);
    }

    private static long endpoint(final long hi, final long lo, final int port)
    {
        return mix(hi * C1 ^ Long.rotateLeft(lo * C2, 29) ^ port);
    }

    /** Stafford's variant 13 of the MurmurHash3 64-bit finalizer. */
    public static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
