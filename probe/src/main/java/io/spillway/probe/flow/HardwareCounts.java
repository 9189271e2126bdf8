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
}
