package io.spillway.offload.emulated;

/**
 * The device's learning rate: a token bucket filled in device time at a rate that depends on the table fill.
 * <p>
 * Up to {@link #DEGRADATION_FILL} (90%) the rate is the nominal one; above it falls with the square of the room
 * left: {@code rate(fill) = nominal * ((1 - fill) / 0.1)^2}, so a quarter of nominal at 95%, 1% at 99% and 0 when
 * full. This is the shape of a cuckoo table's insertion cost, which grows steeply in the last 10%: the NT200A02
 * documentation only says "degrades dramatically above 90%", the exact curve is this model's choice.
 * <p>
 * The bucket holds at most {@code burst} learns (tokens not used do not pile up beyond that), and starts full.
 * Tokens are kept in units of 1e-9 learns so that integer arithmetic is exact for any rate. Not thread-safe.
 */
final class LearnRateLimiter
{
    static final double DEGRADATION_FILL = 0.9;
    private static final long UNITS_PER_LEARN = 1_000_000_000L;
    private static final long MAX_ACCRUAL_NS = 1_000_000_000L;

    private final long nominalRate;
    private final long maxUnits;
    private long units;
    private long lastNs;
    private boolean started;

    LearnRateLimiter(final long nominalRate, final long burst)
    {
        if (nominalRate <= 0 || burst <= 0)
        {
            throw new IllegalArgumentException(
                "learning rate and burst must be positive: " + nominalRate + ", " + burst);
        }
        this.nominalRate = nominalRate;
        maxUnits = Math.multiplyExact(burst, UNITS_PER_LEARN);
        units = maxUnits;
    }

    /** Learns per second of device time at a table fill (0 to 1). */
    static long rate(final long nominalRate, final double fill)
    {
        if (fill <= DEGRADATION_FILL)
        {
            return nominalRate;
        }
        final double room = Math.max(0.0, (1.0 - fill) / (1.0 - DEGRADATION_FILL));
        return (long)(nominalRate * room * room);
    }

    /** Adds the tokens earned since the last call, at the rate of the current fill. */
    void advance(final long nowNs, final double fill)
    {
        if (!started || nowNs <= lastNs)
        {
            started = true;
            lastNs = Math.max(lastNs, nowNs);
            return;
        }
        final long elapsed = Math.min(nowNs - lastNs, MAX_ACCRUAL_NS);
        lastNs = nowNs;
        units = Math.min(maxUnits, units + elapsed * rate(nominalRate, fill));
    }

    /** Takes one learn's token if there is one. */
    boolean tryAcquire()
    {
        if (units < UNITS_PER_LEARN)
        {
            return false;
        }
        units -= UNITS_PER_LEARN;
        return true;
    }
}
