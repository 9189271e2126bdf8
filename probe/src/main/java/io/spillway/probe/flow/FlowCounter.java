package io.spillway.probe.flow;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Counts a packet into its flow's entry: the direction's packets, IP and layer-2 octets, first and last time and
 * TCP flags, and the flow's TCP close bits. Counters are 32-bit: a record about to overflow one is exported first
 * (reason active timeout) and counting continues in a new record, so nothing is lost and nothing wraps.
 */
final class FlowCounter
{
    static final int TCP_FIN = 0x01;
    static final int TCP_RST = 0x04;

    private final FlowEntries entries;
    private final RecordBuilder records;
    private final AtomicCounter overflowSplits;

    FlowCounter(final FlowEntries entries, final RecordBuilder records, final AtomicCounter overflowSplits)
    {
        this.overflowSplits = overflowSplits;
        this.entries = entries;
        this.records = records;
    }

    /**
     * @param timeMs   the packet's time, low 32 bits of epoch milliseconds
     * @param tcpFlags the packet's TCP flags, 0 when it is no TCP packet
     * @param nowMs    the cache's clock, for a record exported on overflow
     */
    void count(
        final int slot, final boolean reverse, final int timeMs, final int ipLength, final int wireLength,
        final int tcpFlags, final long nowMs)
    {
        int packets = entries.packets(slot, reverse);
        int octets = entries.octets(slot, reverse);
        int l2Octets = entries.l2Octets(slot, reverse);
        if (packets == -1 || Integer.compareUnsigned(octets, ~ipLength) > 0 ||
            Integer.compareUnsigned(l2Octets, ~wireLength) > 0)
        {
            records.exportActive(slot, null, nowMs);
            overflowSplits.incrementOpaque();
            packets = 0;
            octets = 0;
            l2Octets = 0;
        }

        if (packets == 0)
        {
            entries.firstMs(slot, reverse, timeMs);
            entries.lastMs(slot, reverse, timeMs);
        }
        else
        {
            // Packet times may go backwards slightly (merged interfaces): keep first <= last.
            if (timeMs - entries.firstMs(slot, reverse) < 0)
            {
                entries.firstMs(slot, reverse, timeMs);
            }
            if (timeMs - entries.lastMs(slot, reverse) > 0)
            {
                entries.lastMs(slot, reverse, timeMs);
            }
        }
        entries.packets(slot, reverse, packets + 1);
        entries.octets(slot, reverse, octets + ipLength);
        entries.l2Octets(slot, reverse, l2Octets + wireLength);

        if (tcpFlags != 0)
        {
            entries.tcpFlags(slot, reverse, entries.tcpFlags(slot, reverse) | tcpFlags);
            if ((tcpFlags & (TCP_FIN | TCP_RST)) != 0)
            {
                final int closing = ((tcpFlags & TCP_RST) != 0 ? FlowEntries.STATE_RST : 0) |
                    ((tcpFlags & TCP_FIN) != 0 ? (reverse ? FlowEntries.STATE_FIN_REV : FlowEntries.STATE_FIN_FWD) : 0);
                entries.state(slot, entries.state(slot) | closing);
            }
        }
    }

    long overflowSplits()
    {
        return overflowSplits.get();
    }
}
