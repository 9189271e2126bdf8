package io.spillway.probe.flow;

/**
 * What an offload device counted for one flow, per direction of the host's flow (forward = its initiator), to
 * merge into the flow's last record. Bytes are frame bytes, as devices count them. A mutable holder, reused.
 */
public final class HardwareCounts
{
    long fwdPackets;
    long fwdBytes;
    long revPackets;
    long revBytes;
    int fwdTcpFlags;
    int revTcpFlags;
    long lastSeenMs;

    /**
     * @param lastSeenMs epoch milliseconds of the last packet of the flow the device matched; 0 when it matched none
     */
    public HardwareCounts set(
        final long fwdPackets, final long fwdBytes, final long revPackets, final long revBytes,
        final int fwdTcpFlags, final int revTcpFlags, final long lastSeenMs)
    {
        this.fwdPackets = fwdPackets;
        this.fwdBytes = fwdBytes;
        this.revPackets = revPackets;
        this.revBytes = revBytes;
        this.fwdTcpFlags = fwdTcpFlags;
        this.revTcpFlags = revTcpFlags;
        this.lastSeenMs = lastSeenMs;
        return this;
    }

    public long packets()
    {
        return fwdPackets + revPackets;
    }

    public long bytes()
    {
        return fwdBytes + revBytes;
    }

    /**
     * IP octets of packets a device counted as frame bytes: the frame bytes less the layer-2 overhead per packet the
     * host measured on the same flow ({@code hostPackets} packets with {@code hostOverhead} bytes beyond their IP
     * packets in all), rounded. Exact when the flow's frames all have the same link header and no padding. With no
     * host packet to measure (only after a counter overflow split), the frame bytes themselves.
     */
    static long ipOctets(final long packets, final long frameBytes, final long hostPackets, final long hostOverhead)
    {
        if (hostPackets == 0)
        {
            return frameBytes;
        }
        return Math.max(0, frameBytes - (packets * hostOverhead + hostPackets / 2) / hostPackets);
    }
}
