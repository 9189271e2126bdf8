package io.spillway.device;

/**
 * Type ids of the figures every device reports, so that any reader (the summary, the progress line, a metrics
 * endpoint) finds them in {@link Counters} whatever the backend: a device registers its counters of these kinds with
 * these ids (several counters may share one id; readers take the total), and its own others in its range.
 */
public final class DeviceCounters
{
    /** Packets the device delivered to the workers' queues. */
    public static final int TYPE_TO_HOST = 90;
    /** Packets lost at the device before a worker saw them (a full ring, the kernel's drops). */
    public static final int TYPE_DROPS = 91;
    /** Frame bytes of those, where the device knows them. */
    public static final int TYPE_DROP_BYTES = 92;
    /** Packets the device's flow table handled without the host (counted, dropped or forwarded in hardware). */
    public static final int TYPE_HW_PACKETS = 93;
    /** Frame bytes of those. */
    public static final int TYPE_HW_BYTES = 94;
    /** Times the device's receive side waited for room in a full queue (a replay that must lose nothing). */
    public static final int TYPE_QUEUE_FULL_WAITS = 95;
    /** CPU time of the device's own threads (a single stream's dispatcher), ns, known once they ended. */
    public static final int TYPE_THREAD_CPU_NANOS = 96;

    private DeviceCounters()
    {
    }

    /** The device's figures now, read from {@code counters}; {@code summary} is the device's own line. */
    public static DeviceStats stats(final Counters counters, final String summary)
    {
        return new DeviceStats(counters.total(TYPE_TO_HOST), counters.total(TYPE_DROPS),
            counters.total(TYPE_DROP_BYTES), counters.total(TYPE_HW_PACKETS), counters.total(TYPE_HW_BYTES), summary);
    }
}
