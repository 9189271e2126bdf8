package io.spillway.device;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Every figure of a run, in one place: Agrona counters in one {@link CountersManager}, each with a type id (what it
 * counts), an owner (the receive queue or port it belongs to, or {@link #NO_OWNER}) and a label. A counter is
 * written by one thread only, with plain or opaque stores on hot paths, and read by any thread while the run goes
 * on: the progress line, the end-of-run summary and a metrics endpoint all read these same values.
 * <p>
 * Type ids are grouped by who registers them: 1-99 the receive side ({@link ReceiveCounters}, and
 * {@link DeviceCounters} for what every device reports), 100-199 the probe's workers, 200-299 the offload agent
 * and the export, 1000 and up the device backends, a hundred each.
 */
public final class Counters
{
    public static final int NO_OWNER = -1;
    /** Enough for 256 queues with every counter the probe and a device keep per queue. */
    public static final int DEFAULT_CAPACITY = 16 * 1024;
    private static final AtomicCounter[] NONE = new AtomicCounter[0];

    private final CountersManager manager;
    /** The counters of each type id, so that a reader sums them without reading labels (no allocation). */
    private final Int2ObjectHashMap<AtomicCounter[]> byType = new Int2ObjectHashMap<>();

    public Counters()
    {
        this(DEFAULT_CAPACITY);
    }

    /** Room for a run of {@code queues} queues: every per-queue counter of the probe and of a device, and spare. */
    public static Counters forQueues(final int queues)
    {
        return new Counters(1024 + 160 * queues);
    }

    public Counters(final int capacity)
    {
        manager = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * CountersManager.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(capacity * CountersManager.COUNTER_LENGTH)));
    }

    /** A new counter at 0. Registration is not thread-safe: register before the threads start. */
    public AtomicCounter add(final int typeId, final int owner, final String label)
    {
        final AtomicCounter counter = manager.newCounter(owner == NO_OWNER ? label : label + " [" + owner + "]",
            typeId, key -> key.putInt(0, owner));
        final AtomicCounter[] before = byType.get(typeId);
        final AtomicCounter[] after = before == null ? new AtomicCounter[1] : Arrays.copyOf(before, before.length + 1);
        after[after.length - 1] = counter;
        byType.put(typeId, after);
        return counter;
    }

    /** Counters of {@code count} consecutive type ids from {@code firstTypeId}, labelled {@code label(i)}. */
    public AtomicCounter[] addAll(
        final int firstTypeId, final int count, final int owner, final java.util.function.IntFunction<String> label)
    {
        final AtomicCounter[] added = new AtomicCounter[count];
        for (int i = 0; i < count; i++)
        {
            added[i] = add(firstTypeId + i, owner, label.apply(i));
        }
        return added;
    }

    /** Reads every counter (label, type id, owner, value) from any thread. */
    public CountersReader reader()
    {
        return manager;
    }

    /** The sum of every counter of {@code typeId}, whatever its owner; 0 when there is none. */
    public long total(final int typeId)
    {
        long total = 0;
        for (final AtomicCounter counter : counters(typeId))
        {
            total += counter.get();
        }
        return total;
    }

    /** The smallest value of the counters of {@code typeId}, Long.MAX_VALUE when there is none. */
    public long min(final int typeId)
    {
        long min = Long.MAX_VALUE;
        for (final AtomicCounter counter : counters(typeId))
        {
            min = Math.min(min, counter.get());
        }
        return min;
    }

    /** The largest value of the counters of {@code typeId}, Long.MIN_VALUE when there is none. */
    public long max(final int typeId)
    {
        long max = Long.MIN_VALUE;
        for (final AtomicCounter counter : counters(typeId))
        {
            max = Math.max(max, counter.get());
        }
        return max;
    }

    private AtomicCounter[] counters(final int typeId)
    {
        final AtomicCounter[] counters = byType.get(typeId);
        return counters == null ? NONE : counters;
    }
}
