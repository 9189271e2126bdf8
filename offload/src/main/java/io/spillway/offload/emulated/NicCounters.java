package io.spillway.offload.emulated;

import io.spillway.device.Counters;
import io.spillway.device.DeviceCounters;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The emulated device's counters, Agrona counters in the run's {@link Counters} (or in a registry of their own),
 * readable from any thread while the device runs. Each has one writer at a time (the device lock, or the receive
 * thread alone for the host counters), so updates are plain read-then-release-store, not atomic read-modify-write.
 * The figures every device reports carry {@link DeviceCounters}' type ids; the others {@value #TYPE_BASE} plus the
 * {@link NicCounter}'s ordinal.
 */
public final class NicCounters
{
    public static final int TYPE_BASE = 1200;
    public static final int TYPE_FORWARDED_PACKETS = 1190;
    public static final int TYPE_FORWARDED_BYTES = 1191;
    private static final NicCounter[] COUNTERS = NicCounter.values();

    private final AtomicCounter[] values = new AtomicCounter[COUNTERS.length];
    private final AtomicCounter[] portPackets;
    private final AtomicCounter[] portBytes;

    NicCounters(final int ports, final Counters registry)
    {
        for (final NicCounter counter : COUNTERS)
        {
            values[counter.ordinal()] = registry.add(typeId(counter), Counters.NO_OWNER,
                "emulated NIC: " + counter.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
        portPackets = new AtomicCounter[ports];
        portBytes = new AtomicCounter[ports];
        for (int port = 0; port < ports; port++)
        {
            portPackets[port] = registry.add(TYPE_FORWARDED_PACKETS, port, "emulated NIC: packets forwarded");
            portBytes[port] = registry.add(TYPE_FORWARDED_BYTES, port, "emulated NIC: bytes forwarded");
        }
    }

    public long get(final NicCounter counter)
    {
        return values[counter.ordinal()].get();
    }

    /** Packets the device transmitted on {@code port} for FORWARD flows. */
    public long forwardedPackets(final int port)
    {
        return portPackets[port].get();
    }

    public long forwardedBytes(final int port)
    {
        return portBytes[port].get();
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
        final AtomicCounter value = values[counter.ordinal()];
        value.setRelease(value.getPlain() + amount);
    }

    void set(final NicCounter counter, final long value)
    {
        values[counter.ordinal()].setRelease(value);
    }

    void forwarded(final int port, final int frameLength)
    {
        portPackets[port].setRelease(portPackets[port].getPlain() + 1);
        portBytes[port].setRelease(portBytes[port].getPlain() + frameLength);
    }

    private static int typeId(final NicCounter counter)
    {
        return switch (counter)
        {
            case HOST_PACKETS -> DeviceCounters.TYPE_TO_HOST;
            case HOST_RING_DROPS -> DeviceCounters.TYPE_DROPS;
            case HOST_RING_DROP_BYTES -> DeviceCounters.TYPE_DROP_BYTES;
            case HW_COUNTED_PACKETS, HW_DROPPED_PACKETS, HW_FORWARDED_PACKETS -> DeviceCounters.TYPE_HW_PACKETS;
            case HW_COUNTED_BYTES, HW_DROPPED_BYTES, HW_FORWARDED_BYTES -> DeviceCounters.TYPE_HW_BYTES;
            default -> TYPE_BASE + counter.ordinal();
        };
    }
}
