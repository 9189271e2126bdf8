package io.spillway.probe.flow;

import io.spillway.exporter.FlowRecord;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** A flow record copied out of its flyweight, for assertions. */
public record RecordedFlow(
    int ipVersion, String src, String dst, int srcPort, int dstPort, int protocol, int vlanId, int flags,
    long fwdPackets, long fwdOctets, long fwdL2Octets, long revPackets, long revOctets, long revL2Octets,
    int fwdTcpFlags, int revTcpFlags, long start, long end, int endReason,
    int detection, String applicationName, String serverName, String categoryName, long hwPackets, long hwOctets)
{
    public static RecordedFlow of(final FlowRecord r)
    {
        final int length = r.ipVersion() == 6 ? 16 : 4;
        final byte[] src = new byte[length];
        final byte[] dst = new byte[length];
        r.buffer().getBytes(r.srcAddressOffset(), src);
        r.buffer().getBytes(r.dstAddressOffset(), dst);
        return new RecordedFlow(r.ipVersion(), text(src), text(dst), r.srcPort(), r.dstPort(), r.protocol(),
            r.vlanId(), r.flags(), r.fwdPackets(), r.fwdOctets(), r.fwdL2Octets(), r.revPackets(), r.revOctets(),
            r.revL2Octets(), r.fwdTcpFlags(), r.revTcpFlags(), r.flowStartMillis(), r.flowEndMillis(),
            r.endReason(), r.detection(), r.buffer().getStringWithoutLengthAscii(r.appNameOffset(), r.appNameLength()),
            r.buffer().getStringWithoutLengthAscii(r.serverNameOffset(), r.serverNameLength()),
            r.buffer().getStringWithoutLengthAscii(r.categoryNameOffset(), r.categoryNameLength()),
            r.hwPackets(), r.hwOctets());
    }

    /** "detected", "guessed", "unknown", or "none" when DPI did not run. */
    public String detectionName()
    {
        return switch (detection)
        {
            case FlowRecord.DETECTION_DETECTED -> "detected";
            case FlowRecord.DETECTION_GUESSED -> "guessed";
            case FlowRecord.DETECTION_UNKNOWN -> "unknown";
            default -> "none";
        };
    }

    /** The 5-tuple with endpoints in a canonical order, so both directions give the same key. */
    public String conversation()
    {
        final String a = src + ":" + srcPort;
        final String b = dst + ":" + dstPort;
        return protocol + " " + (a.compareTo(b) <= 0 ? a + " " + b : b + " " + a) + " vlan " + vlanId;
    }

    public long packets()
    {
        return fwdPackets + revPackets;
    }

    public long l2Octets()
    {
        return fwdL2Octets + revL2Octets;
    }

    private static String text(final byte[] address)
    {
        try
        {
            return InetAddress.getByAddress(address).getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(Arrays.toString(address), ex);
        }
    }
}
