package io.spillway.probe.metrics;

import io.prometheus.metrics.model.snapshots.Unit;

/**
 * One Prometheus metric family that counters of the run's registry map to.
 *
 * @param name       the Prometheus name without the {@code _total} a counter's samples get
 * @param help       what it counts, for the HELP line
 * @param kind       counter (only grows) or gauge (a level now)
 * @param unit       {@link Unit#BYTES}, {@link Unit#SECONDS} or null for a count; the name ends with it
 * @param scale      multiplies the counter's value: 1e-9 for counters kept in nanoseconds
 * @param ownerLabel the label the counter's owner becomes ("queue", "port", "exporter")
 * @param labelName  the label that tells apart the type ids of one family ("reason", "cause"), or null
 * @param merge      how counters with equal labels combine (several counters may share a type id and owner)
 */
record MetricFamily(
    String name, String help, Kind kind, Unit unit, double scale, String ownerLabel, String labelName, Merge merge)
{
    enum Kind
    {
        COUNTER, GAUGE
    }

    enum Merge
    {
        /** Counts add up: a device's hardware packets counted, dropped and forwarded are all hardware packets. */
        SUM,
        /** The earliest time over several parsers. */
        MIN,
        /** The latest time over several parsers. */
        MAX
    }

    static MetricFamily counter(final String name, final String help)
    {
        return new MetricFamily(name, help, Kind.COUNTER, null, 1, "queue", null, Merge.SUM);
    }

    static MetricFamily gauge(final String name, final String help)
    {
        return new MetricFamily(name, help, Kind.GAUGE, null, 1, "queue", null, Merge.SUM);
    }

    MetricFamily bytes()
    {
        return new MetricFamily(name, help, kind, Unit.BYTES, scale, ownerLabel, labelName, merge);
    }

    /** The counter is kept in nanoseconds; Prometheus wants seconds. */
    MetricFamily nanosAsSeconds()
    {
        return new MetricFamily(name, help, kind, Unit.SECONDS, 1e-9, ownerLabel, labelName, merge);
    }

    MetricFamily ownedBy(final String label)
    {
        return new MetricFamily(name, help, kind, unit, scale, label, labelName, merge);
    }

    MetricFamily labelledBy(final String label)
    {
        return new MetricFamily(name, help, kind, unit, scale, ownerLabel, label, merge);
    }

    MetricFamily merged(final Merge how)
    {
        return new MetricFamily(name, help, kind, unit, scale, ownerLabel, labelName, how);
    }
}
