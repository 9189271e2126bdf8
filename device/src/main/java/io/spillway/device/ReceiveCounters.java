package io.spillway.device;

import io.spillway.packet.MalformedKind;
import io.spillway.packet.ParseStatus;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * What one receive parser saw: packets and frame bytes read, by parse status and malformed kind, and the span of
 * their timestamps. The parser's thread counts in plain fields and publishes them to the counters after every batch
 * or poll ({@link #publish}): a packet then costs a few adds in one object rather than a store in each counter's own
 * cache line. Anyone reads them live, at most a batch behind.
 */
public final class ReceiveCounters
{
    public static final int TYPE_PACKETS = 1;
    public static final int TYPE_WIRE_BYTES = 2;
    public static final int TYPE_FIRST_TIMESTAMP = 3;
    public static final int TYPE_LAST_TIMESTAMP = 4;
    /** One type per {@link ParseStatus}, from this id. */
    public static final int TYPE_STATUS = 10;
    /** One type per {@link MalformedKind}, from this id. */
    public static final int TYPE_MALFORMED = 30;
    static final int STATUSES = ParseStatus.SNAPLEN_CUT + 1;

    final AtomicCounter packets;
    final AtomicCounter wireBytes;
    final AtomicCounter firstTimestampNs;
    final AtomicCounter lastTimestampNs;
    final AtomicCounter[] byStatus;
    final AtomicCounter[] malformedByKind;
    /** The thread's own counts, published by {@link #publish}. */
    private long packetsSeen;
    private long wireBytesSeen;
    private final long[] statusSeen = new long[STATUSES];
    private final long[] malformedSeen;
    private boolean malformedChanged;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;

    /** @param owner the receive queue whose packets this parser reads, or Counters.NO_OWNER for a dispatcher */
    public ReceiveCounters(final Counters counters, final int owner)
    {
        packets = counters.add(TYPE_PACKETS, owner, "packets read");
        wireBytes = counters.add(TYPE_WIRE_BYTES, owner, "frame bytes read");
        firstTimestampNs = counters.add(TYPE_FIRST_TIMESTAMP, owner, "time of the first packet, ns");
        lastTimestampNs = counters.add(TYPE_LAST_TIMESTAMP, owner, "time of the last packet, ns");
        // So that the earliest and latest over every parser are a min and a max, whether or not it saw packets.
        firstTimestampNs.setRelease(Long.MAX_VALUE);
        lastTimestampNs.setRelease(Long.MIN_VALUE);
        byStatus = counters.addAll(TYPE_STATUS, STATUSES, owner, status -> "packets " + ParseStatus.name(status));
        final MalformedKind[] kinds = MalformedKind.values();
        malformedSeen = new long[kinds.length];
        malformedByKind = counters.addAll(TYPE_MALFORMED, kinds.length, owner,
            kind -> "malformed: " + kinds[kind].description());
    }

    public long packets()
    {
        return packets.get();
    }

    public long wireBytes()
    {
        return wireBytes.get();
    }

    /** Packets with the given {@link ParseStatus}. */
    public long packets(final int parseStatus)
    {
        return byStatus[parseStatus].get();
    }

    /** Packets accounted to a flow (with ports or as a layer-3 flow). */
    public long accounted()
    {
        return packets(ParseStatus.FLOW) + packets(ParseStatus.L3_FLOW);
    }

    public long malformed(final MalformedKind kind)
    {
        return malformedByKind[kind.ordinal()].get();
    }

    /** Earliest packet time seen, ns; Long.MAX_VALUE before the first packet. */
    public long firstTimestampNs()
    {
        return firstTimestampNs.get();
    }

    /** Latest packet time seen, ns; Long.MIN_VALUE before the first packet. */
    public long lastTimestampNs()
    {
        return lastTimestampNs.get();
    }

    void onPacket(final int wireLength, final long timestampNs, final int status, final int malformed)
    {
        packetsSeen++;
        wireBytesSeen += wireLength;
        statusSeen[status]++;
        if (malformed != 0)
        {
            malformedSeen[malformed]++;
            malformedChanged = true;
        }
        if (timestampNs < first)
        {
            first = timestampNs;
        }
        if (timestampNs > last)
        {
            last = timestampNs;
        }
    }

    /** Makes what was counted since the last call visible to readers. On the parser's thread. */
    public void publish()
    {
        if (packetsSeen == packets.getPlain())
        {
            return;
        }
        packets.setRelease(packetsSeen);
        wireBytes.setRelease(wireBytesSeen);
        for (int status = 0; status < STATUSES; status++)
        {
            byStatus[status].setRelease(statusSeen[status]);
        }
        if (malformedChanged)
        {
            malformedChanged = false;
            for (int kind = 0; kind < malformedSeen.length; kind++)
            {
                malformedByKind[kind].setRelease(malformedSeen[kind]);
            }
        }
        firstTimestampNs.setRelease(first);
        lastTimestampNs.setRelease(last);
    }
}
