package io.spillway.probe.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.spillway.device.Counters;
import org.agrona.concurrent.status.CountersReader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's counters as Prometheus metrics, read at scrape time: nothing is copied while packets flow. Each counter
 * of the registry becomes a sample of the family its type id maps to ({@link CounterCatalog}), labelled with its
 * owner (the queue, port or exporter) and the label that tells apart the type ids of one family. Counters with equal
 * labels combine as their family says: several counters may share a type id and owner, and readers take the total.
 * A counter whose type id has no entry is shown as {@code spillway_unmapped} with its id and label, so that a
 * new counter is visible before it is named.
 */
public final class CountersCollector implements MultiCollector
{
    private static final MetricFamily UNMAPPED = MetricFamily.gauge("spillway_unmapped",
        "A counter of the run with no metric name yet, by type id and label");

    private final CountersReader reader;
    private final CounterCatalog catalog = CounterCatalog.standard();
    private final List<String> exporters;

    /**
     * @param counters  the run's registry
     * @param exporters the export targets in --export order, which the exporter label shows instead of an index
     */
    public CountersCollector(final Counters counters, final List<String> exporters)
    {
        this.reader = counters.reader();
        this.exporters = List.copyOf(exporters);
    }

    @Override
    public MetricSnapshots collect()
    {
        final Map<MetricFamily, Map<Labels, Double>> families = new LinkedHashMap<>();
        reader.forEach((counterId, typeId, key, label) ->
        {
            final long value = reader.getCounterValue(counterId);
            if (value == Long.MAX_VALUE || value == Long.MIN_VALUE)
            {
                return;  // a time span's "no packet yet"
            }
            final CounterCatalog.Mapping mapping = catalog.mapping(typeId);
            if (mapping != null && mapping.family() == null)
            {
                return;
            }
            final MetricFamily family = mapping != null ? mapping.family() : UNMAPPED;
            final Labels labels = labels(family, mapping, key.getInt(0), typeId, label);
            families.computeIfAbsent(family, f -> new LinkedHashMap<>())
                .merge(labels, value * family.scale(), (a, b) -> merge(family.merge(), a, b));
        });
        final List<MetricSnapshot> snapshots = new ArrayList<>(families.size());
        families.forEach((family, samples) -> snapshots.add(snapshot(family, samples)));
        return new MetricSnapshots(snapshots);
    }

    private Labels labels(
        final MetricFamily family, final CounterCatalog.Mapping mapping, final int owner, final int typeId,
        final String label)
    {
        Labels labels = Labels.EMPTY;
        if (owner != Counters.NO_OWNER)
        {
            final boolean exporter = family.ownerLabel().equals("exporter") && owner < exporters.size();
            labels = labels.add(family.ownerLabel(), exporter ? exporters.get(owner) : Integer.toString(owner));
        }
        if (mapping == null)
        {
            return labels.add("type_id", Integer.toString(typeId)).add("counter", label);
        }
        return family.labelName() == null ? labels : labels.add(family.labelName(), mapping.labelValue());
    }

    private static double merge(final MetricFamily.Merge how, final double a, final double b)
    {
        return switch (how)
        {
            case SUM -> a + b;
            case MIN -> Math.min(a, b);
            case MAX -> Math.max(a, b);
        };
    }

    private static MetricSnapshot snapshot(final MetricFamily family, final Map<Labels, Double> samples)
    {
        if (family.kind() == MetricFamily.Kind.COUNTER)
        {
            final CounterSnapshot.Builder builder = CounterSnapshot.builder().name(family.name()).help(family.help())
                .unit(family.unit());
            samples.forEach((labels, value) -> builder.dataPoint(
                CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(value).build()));
            return builder.build();
        }
        final GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(family.name()).help(family.help())
            .unit(family.unit());
        samples.forEach((labels, value) -> builder.dataPoint(
            GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build()));
        return builder.build();
    }
}
