package io.spillway.offload;

/**
 * A flow key as the device matches it: IP version, addresses, ports, protocol and VLAN. A mutable holder,
 * reused by the caller so that nothing is allocated per learn or per packet.
 * <p>
 * Addresses are big-endian longs as the probe keeps them: an IPv6 address is {@code hi} (bytes 0..7) and
 * {@code lo} (bytes 8..15); an IPv4 address is zero-extended in {@code lo} with {@code hi} = 0.
 * <p>
 * The device matches a key in both directions: a packet from {@code dst} to {@code src} belongs to the same
 * flow and is counted in the reverse direction. A hardware key has no "ports unknown" bit: the probe should not
 * offload its layer-3-only flows (fragments without ports), whose key would collide with a real port-0 flow.
 */
public final class OffloadFlowKey
{
    private int ipVersion;
    private long srcHi;
    private long srcLo;
    private long dstHi;
    private long dstLo;
    private int srcPort;
    private int dstPort;
    private int protocol;
    private int vlanId;

    /** Sets an IPv4 key; addresses are the 32 address bits in the low half of a long. */
    public OffloadFlowKey ipv4(
        final long srcAddress, final int srcPort, final long dstAddress, final int dstPort,
        final int protocol, final int vlanId)
    {
        return set(4, 0, srcAddress, srcPort, 0, dstAddress, dstPort, protocol, vlanId);
    }

    /** Sets an IPv6 key. */
    public OffloadFlowKey ipv6(
        final long srcHi, final long srcLo, final int srcPort, final long dstHi, final long dstLo, final int dstPort,
        final int protocol, final int vlanId)
    {
        return set(6, srcHi, srcLo, srcPort, dstHi, dstLo, dstPort, protocol, vlanId);
    }

    /** Sets every field; {@link #isValid()} tells whether the result is a key a device accepts. */
    public OffloadFlowKey set(
        final int ipVersion, final long srcHi, final long srcLo, final int srcPort,
        final long dstHi, final long dstLo, final int dstPort, final int protocol, final int vlanId)
    {
        this.ipVersion = ipVersion;
        this.srcHi = srcHi;
        this.srcLo = srcLo;
        this.srcPort = srcPort;
        this.dstHi = dstHi;
        this.dstLo = dstLo;
        this.dstPort = dstPort;
        this.protocol = protocol;
        this.vlanId = vlanId;
        return this;
    }

    public OffloadFlowKey copyFrom(final OffloadFlowKey other)
    {
        return set(other.ipVersion, other.srcHi, other.srcLo, other.srcPort,
            other.dstHi, other.dstLo, other.dstPort, other.protocol, other.vlanId);
    }

    /** Sets this key to the other direction of {@code other}: source and destination swapped. */
    public OffloadFlowKey reverseOf(final OffloadFlowKey other)
    {
        return set(other.ipVersion, other.dstHi, other.dstLo, other.dstPort,
            other.srcHi, other.srcLo, other.srcPort, other.protocol, other.vlanId);
    }

    /**
     * True for IP version 4 or 6, IPv4 addresses within 32 bits with a zero high half, ports within 16 bits,
     * protocol within 8 bits and VLAN id within 12 bits (0: untagged).
     */
    public boolean isValid()
    {
        final boolean addresses = ipVersion == 6 ||
            (ipVersion == 4 && srcHi == 0 && dstHi == 0 && (srcLo >>> 32) == 0 && (dstLo >>> 32) == 0);
        return addresses && (srcPort >>> 16) == 0 && (dstPort >>> 16) == 0 && (protocol >>> 8) == 0 &&
            (vlanId >>> 12) == 0;
    }

    public int ipVersion()
    {
        return ipVersion;
    }

    public long srcHi()
    {
        return srcHi;
    }

    public long srcLo()
    {
        return srcLo;
    }

    public long dstHi()
    {
        return dstHi;
    }

    public long dstLo()
    {
        return dstLo;
    }

    public int srcPort()
    {
        return srcPort;
    }

    public int dstPort()
    {
        return dstPort;
    }

    public int protocol()
    {
        return protocol;
    }

    public int vlanId()
    {
        return vlanId;
    }

    @Override
    public String toString()
    {
        return "OffloadFlowKey{v" + ipVersion + " " + Long.toHexString(srcHi) + ":" + Long.toHexString(srcLo) +
            "." + srcPort + " -> " + Long.toHexString(dstHi) + ":" + Long.toHexString(dstLo) + "." + dstPort +
            " proto " + protocol + " vlan " + vlanId + "}";
    }
}
