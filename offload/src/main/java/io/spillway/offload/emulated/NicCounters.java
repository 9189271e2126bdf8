package io.spillway.offload.emulated;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The emulated device's counters, readable from any thread (a metrics reporter) while the device runs. Each
 * counter has one writer at a time (the device lock, or the receive thread alone for the host counters), so
 * updates are plain read-then-release-store, not atomic read-modify-write.
 */
public final class NicCounters
{
    private static final NicCounter[] COUNTERS = NicCounter.values();

    private final AtomicLongArray values = new AtomicLongArray(COUNTERS.length);
    private final AtomicLongArray portPackets;
    private final AtomicLongArray portBytes;

    NicCounters(final int ports)
    {
        portPackets = new AtomicLongArray(ports);
        portBytes = new AtomicLongArray(ports);
    }

    public long get(final NicCounter counter)
    {
        return values.get(counter.ordinal());
    }

    /** Packets the device transmitted on {@code port} for FORWARD flows. */
    public long forwardedPackets(final int port)
    {
        return portPackets.get(port);
    }

    public long forwardedBytes(final int port)
    {
        return portBytes.get(port);
    }

    @Override
    public String toString()
    {
        final StringBuilder text = new StringBuilder("NicCounters{");
        for (final NicCounter counter : COUNTERS)
        {
            text.append(counter.ordinal() == 0 ? "" : ", ").append(counter).append('=').append(get(counter));
        }
        return text.append('}').toString();
    }

    void increment(final NicCounter counter)
    {
        add(counter, 1);
    }

    void add(final NicCounter counter, final long amount)
    {
        final int index = counter.ordinal();
        values.setRelease(index, values.getPlain(index) + amount);
    }

    void set(final NicCounter counter, final long value)
    {
        values.setRelease(counter.ordinal(), value);
    }

    void forwarded(final int port, final int frameLength)
    {
        portPackets.setRelease(port, portPackets.getPlain(port) + 1);
        portBytes.setRelease(port, portBytes.getPlain(port) + frameLength);
    }
}
