package io.spillway.probe.flow;

import org.agrona.concurrent.status.AtomicCounter;
import io.spillway.exporter.FlowEndReason;
import io.spillway.exporter.FlowRecord;
import io.spillway.packet.FlowKey;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Builds a flow's record from its entry, with an offload device's counts merged when it has them, and hands it to
 * the listener (which fills the fields it owns) and then to the handler. One record, reused.
 */
final class RecordBuilder
{
    private final int queue;
    private final FlowEntries entries;
    private final Ipv6Addresses ipv6Addresses;
    private final ExpiredFlowHandler handler;
    private final FlowListener listener;
    private final FlowRecord record = new FlowRecord();
    private final UnsafeBuffer recordBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(FlowRecord.MAX_LENGTH));
    private final AtomicCounter[] recordsByReason;

    /**
     * @param queue    the worker queue written into every record
     * @param listener told of each record before the handler; null for none
     */
    RecordBuilder(
        final int queue, final FlowEntries entries, final Ipv6Addresses ipv6Addresses,
        final ExpiredFlowHandler handler, final FlowListener listener, final AtomicCounter[] recordsByReason)
    {
        this.recordsByReason = recordsByReason;
        this.queue = queue;
        this.entries = entries;
        this.ipv6Addresses = ipv6Addresses;
        this.handler = handler;
        this.listener = listener;
    }

    /** Exports the flow's last record, with the device's counters (null: none) merged, when it has packets. */
    void exportLast(final int slot, final int reason, final HardwareCounts hardware, final long nowMs)
    {
        if (entries.hasPackets(slot) || (hardware != null && hardware.packets() > 0))
        {
            export(slot, reason, true, hardware, nowMs);
        }
        else if (listener != null)
        {
            // No record left to export (an active timeout just took the last packets): the listener
            // still learns that the flow ends, on a record that goes nowhere.
            record.wrap(recordBuffer, 0).clear();
            listener.onRecord(slot, record, true);
        }
    }

    /**
     * Exports the flow's record so far, reason active timeout, with the device's counters (null: none) merged; the
     * flow goes on and counts into a new record.
     */
    void exportActive(final int slot, final HardwareCounts hardware, final long nowMs)
    {
        export(slot, FlowEndReason.ACTIVE_TIMEOUT, false, hardware, nowMs);
        entries.resetCounters(slot);
    }

    /** Records exported with the given flowEndReason. */
    long records(final int endReason)
    {
        return recordsByReason[endReason].get();
    }

    long records()
    {
        long total = 0;
        for (final AtomicCounter count : recordsByReason)
        {
            total += count.get();
        }
        return total;
    }

    private void export(
        final int slot, final int reason, final boolean ending, final HardwareCounts hardware, final long nowMs)
    {
        fill(slot, reason, nowMs);
        if (hardware != null)
        {
            addHardware(slot, hardware, nowMs);
        }
        if (listener != null)
        {
            listener.onRecord(slot, record, ending);
        }
        recordsByReason[reason].incrementOpaque();
        handler.onExpired(record);
    }

    /** The record as the host counted it. */
    private void fill(final int slot, final int reason, final long nowMs)
    {
        final long key = entries.key(slot);
        final int keyFlags = EntryKey.flags(key);
        final long fwdPackets = Integer.toUnsignedLong(entries.packets(slot, false));
        final long revPackets = Integer.toUnsignedLong(entries.packets(slot, true));
        record.wrap(recordBuffer, 0).clear();
        record.protocol(EntryKey.protocol(key))
            .endReason(reason)
            .flags((keyFlags & FlowKey.L3_ONLY) != 0 ? FlowRecord.FLAG_L3_ONLY : 0)
            .srcPort(EntryKey.srcPort(key))
            .dstPort(EntryKey.dstPort(key))
            .vlanId(EntryKey.vlan(key))
            .ingressInterface(keyFlags >>> FlowKey.INTERFACE_SHIFT)
            .queue(queue)
            .fwdTcpFlags(entries.tcpFlags(slot, false))
            .revTcpFlags(entries.tcpFlags(slot, true))
            .fwdPackets(fwdPackets)
            .fwdOctets(Integer.toUnsignedLong(entries.octets(slot, false)))
            .fwdL2Octets(Integer.toUnsignedLong(entries.l2Octets(slot, false)))
            .revPackets(revPackets)
            .revOctets(Integer.toUnsignedLong(entries.octets(slot, true)))
            .revL2Octets(Integer.toUnsignedLong(entries.l2Octets(slot, true)));
        if (fwdPackets > 0)
        {
            record.fwdFirstMillis(epochMillis(entries.firstMs(slot, false), nowMs))
                .fwdLastMillis(epochMillis(entries.lastMs(slot, false), nowMs));
        }
        if (revPackets > 0)
        {
            record.revFirstMillis(epochMillis(entries.firstMs(slot, true), nowMs))
                .revLastMillis(epochMillis(entries.lastMs(slot, true), nowMs));
        }
        if (EntryKey.isIpv6(key))
        {
            record.ipVersion(6)
                .srcIPv6(ipv6Addresses.srcHi(slot), ipv6Addresses.srcLo(slot))
                .dstIPv6(ipv6Addresses.dstHi(slot), ipv6Addresses.dstLo(slot));
        }
        else
        {
            final long addresses = entries.addresses(slot);
            record.ipVersion(4).srcIPv4((int)EntryKey.ipv4Src(addresses)).dstIPv4((int)EntryKey.ipv4Dst(addresses));
        }
    }

    /**
     * Adds the device's counters to the host's: per direction packets, frame octets and TCP flags add up; IP octets
     * of the device's share are estimated ({@link HardwareCounts#ipOctets}) from the layer-2 overhead the host
     * measured in that direction, else the other; a direction's last time is the later of the host's and the
     * device's last-seen (the device reports one for both directions), and a direction only the device saw starts
     * when the flow was handed to it (its packets came later).
     */
    private void addHardware(final int slot, final HardwareCounts hardware, final long nowMs)
    {
        final long fwdPackets = record.fwdPackets();
        final long fwdOctets = record.fwdOctets();
        final long fwdL2Octets = record.fwdL2Octets();
        final long revPackets = record.revPackets();
        final long revOctets = record.revOctets();
        final long revL2Octets = record.revL2Octets();
        final long handedOverMs = epochMillis(entries.offloadRequestedMs(slot), nowMs);
        record.hwPackets(hardware.packets()).hwOctets(hardware.bytes())
            .fwdTcpFlags(record.fwdTcpFlags() | hardware.fwdTcpFlags)
            .revTcpFlags(record.revTcpFlags() | hardware.revTcpFlags);
        if (hardware.fwdPackets > 0)
        {
            final long first = fwdPackets > 0 ? record.fwdFirstMillis() : handedOverMs;
            final long last = fwdPackets > 0 ? record.fwdLastMillis() : first;
            record.fwdPackets(fwdPackets + hardware.fwdPackets)
                .fwdL2Octets(fwdL2Octets + hardware.fwdBytes)
                .fwdOctets(fwdOctets + HardwareCounts.ipOctets(hardware.fwdPackets, hardware.fwdBytes,
                    fwdPackets > 0 ? fwdPackets : revPackets,
                    fwdPackets > 0 ? fwdL2Octets - fwdOctets : revL2Octets - revOctets))
                .fwdFirstMillis(first)
                .fwdLastMillis(Math.max(last, hardware.lastSeenMs));
        }
        if (hardware.revPackets > 0)
        {
            final long first = revPackets > 0 ? record.revFirstMillis() : handedOverMs;
            final long last = revPackets > 0 ? record.revLastMillis() : first;
            record.revPackets(revPackets + hardware.revPackets)
                .revL2Octets(revL2Octets + hardware.revBytes)
                .revOctets(revOctets + HardwareCounts.ipOctets(hardware.revPackets, hardware.revBytes,
                    revPackets > 0 ? revPackets : fwdPackets,
                    revPackets > 0 ? revL2Octets - revOctets : fwdL2Octets - fwdOctets))
                .revFirstMillis(first)
                .revLastMillis(Math.max(last, hardware.lastSeenMs));
        }
    }

    /** Rebuilds epoch milliseconds from the low 32 bits kept in the entry, relative to now. */
    private static long epochMillis(final int lowBits, final long nowMs)
    {
        return nowMs - ((int)nowMs - lowBits);
    }
}
