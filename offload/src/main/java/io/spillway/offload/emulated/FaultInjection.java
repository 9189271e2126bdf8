package io.spillway.offload.emulated;

/**
 * Faults the emulated device injects to test the host side, drawn from one seeded random sequence, so a run with
 * the same seed and the same calls sees the same faults. Rates are probabilities per accepted learn or per event.
 * Immutable; {@link #NONE} injects nothing.
 * <ul>
 *   <li>{@code learnFailureRate}: an accepted learn fails with LEARN_FAILED(DEVICE_ERROR).</li>
 *   <li>{@code tableFullRate}: an accepted learn fails with LEARN_FAILED(TABLE_FULL) although there is room.</li>
 *   <li>{@code eventDelayRate}, {@code maxEventDelayNs}: an event becomes deliverable only after a uniform random
 *   delay of device time up to the maximum; events behind it in the queue wait too (head-of-line, like a device
 *   queue).</li>
 *   <li>{@code eventReorderRate}: a new event is swapped with the undelivered event before it, so a flow's
 *   FLOW_EXPIRED can come before its LEARN_DONE.</li>
 *   <li>{@code eventDuplicateRate}: an event is queued twice, same flowId, kind and arguments. This breaks the
 *   exactly-once guarantee on purpose: the host must drop an event whose flowId (with its generation) is not in
 *   the state the event expects.</li>
 * </ul>
 */
public final class FaultInjection
{
    public static final FaultInjection NONE = new FaultInjection(0, 0, 0, 0, 0, 0, 0);

    private final long seed;
    private final double learnFailureRate;
    private final double tableFullRate;
    private final double eventDelayRate;
    private final long maxEventDelayNs;
    private final double eventReorderRate;
    private final double eventDuplicateRate;

    public FaultInjection(
        final long seed, final double learnFailureRate, final double tableFullRate, final double eventDelayRate,
        final long maxEventDelayNs, final double eventReorderRate, final double eventDuplicateRate)
    {
        checkRate("learnFailureRate", learnFailureRate);
        checkRate("tableFullRate", tableFullRate);
        checkRate("eventDelayRate", eventDelayRate);
        checkRate("eventReorderRate", eventReorderRate);
        checkRate("eventDuplicateRate", eventDuplicateRate);
        if (maxEventDelayNs < 0)
        {
            throw new IllegalArgumentException("maxEventDelayNs must not be negative: " + maxEventDelayNs);
        }
        this.seed = seed;
        this.learnFailureRate = learnFailureRate;
        this.tableFullRate = tableFullRate;
        this.eventDelayRate = eventDelayRate;
        this.maxEventDelayNs = maxEventDelayNs;
        this.eventReorderRate = eventReorderRate;
        this.eventDuplicateRate = eventDuplicateRate;
    }

    public long seed()
    {
        return seed;
    }

    public double learnFailureRate()
    {
        return learnFailureRate;
    }

    public double tableFullRate()
    {
        return tableFullRate;
    }

    public double eventDelayRate()
    {
        return eventDelayRate;
    }

    public long maxEventDelayNs()
    {
        return maxEventDelayNs;
    }

    public double eventReorderRate()
    {
        return eventReorderRate;
    }

    public double eventDuplicateRate()
    {
        return eventDuplicateRate;
    }

    @Override
    public String toString()
    {
        return "FaultInjection{seed " + seed + ", learn failures " + learnFailureRate + ", table full " +
            tableFullRate + ", delayed " + eventDelayRate + " up to " + maxEventDelayNs + " ns, reordered " +
            eventReorderRate + ", duplicated " + eventDuplicateRate + "}";
    }

    private static void checkRate(final String name, final double rate)
    {
        if (!(rate >= 0 && rate <= 1))
        {
            throw new IllegalArgumentException(name + " must be within [0, 1]: " + rate);
        }
    }
}
