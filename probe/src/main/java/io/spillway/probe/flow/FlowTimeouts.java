package io.spillway.probe.flow;

/**
 * When flows are exported, in milliseconds of packet time.
 *
 * @param idleMs        no packet for this long: export, reason idle timeout
 * @param activeMs      a record older than this is exported and counting continues in a new one
 * @param tcpCloseMs    after FIN in both directions or RST, the flow is exported once quiet for this
 *                      long, so the last ACK still belongs to it
 * @param sweepPeriodMs the whole table is checked for expiry once per this period
 */
public record FlowTimeouts(long idleMs, long activeMs, long tcpCloseMs, long sweepPeriodMs)
{
    public static final FlowTimeouts DEFAULT = new FlowTimeouts(30_000, 120_000, 2_000, 1_000);

    public FlowTimeouts
    {
        if (idleMs <= 0 || activeMs <= 0 || tcpCloseMs < 0 || sweepPeriodMs <= 0)
        {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        // Entries keep 32-bit millisecond times, so a record must end well within 24 days.
        if (idleMs > 86_400_000L || activeMs > 86_400_000L)
        {
            throw new IllegalArgumentException("idle and active timeouts must not exceed 1 day");
        }
    }

    public static FlowTimeouts ofSeconds(final double idleSeconds, final double activeSeconds)
    {
        return new FlowTimeouts(Math.round(idleSeconds * 1000), Math.round(activeSeconds * 1000),
            DEFAULT.tcpCloseMs(), Math.min(DEFAULT.sweepPeriodMs(), Math.round(idleSeconds * 1000)));
    }
}
