package io.heimdall.plugin.prometheus;

import io.heimdall.api.metrics.HistogramData;
import io.heimdall.api.metrics.MetricFamily;
import io.heimdall.api.metrics.MetricSample;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the gateway registry's {@link MetricFamily} snapshots into client_java {@link MetricSnapshot}s, which
 * client_java's writers then format. A family whose name or labels client_java refuses is skipped (and reported once
 * by the caller), never half-written.
 */
final class SnapshotConverter {
    private SnapshotConverter() {
    }

    /** Converts one family; empty if client_java rejects its name, unit or labels. */
    static Optional<MetricSnapshot> convert(MetricFamily family) {
        try {
            return Optional.of(switch (family.type()) {
                case COUNTER -> counter(family);
                case GAUGE -> gauge(family);
                case HISTOGRAM -> histogram(family);
            });
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static MetricMetadata metadata(MetricFamily f) {
        String name = PrometheusNaming.sanitizeMetricName(f.name());
        // client_java requires a unit to be the name's suffix; the registry's units are documentation otherwise.
        boolean unitInName = !f.unit().isEmpty() && name.endsWith("_" + f.unit())
                && PrometheusNaming.isValidUnitName(f.unit());
        return unitInName ? new MetricMetadata(name, f.help(), new Unit(f.unit())) : new MetricMetadata(name, f.help());
    }

    private static Labels labels(Map<String, String> labels) {
        Labels.Builder b = Labels.builder();
        labels.forEach((k, v) -> b.label(PrometheusNaming.sanitizeLabelName(k), v));
        return b.build();
    }

    private static CounterSnapshot counter(MetricFamily f) {
        List<CounterSnapshot.CounterDataPointSnapshot> points = new ArrayList<>();
        for (MetricSample s : f.samples()) {
            points.add(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels(s.labels())).value(s.value())
                    .build());
        }
        return new CounterSnapshot(metadata(f), points);
    }

    private static GaugeSnapshot gauge(MetricFamily f) {
        List<GaugeSnapshot.GaugeDataPointSnapshot> points = new ArrayList<>();
        for (MetricSample s : f.samples()) {
            points.add(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels(s.labels())).value(s.value())
                    .build());
        }
        return new GaugeSnapshot(metadata(f), points);
    }

    private static HistogramSnapshot histogram(MetricFamily f) {
        List<HistogramSnapshot.HistogramDataPointSnapshot> points = new ArrayList<>();
        for (MetricSample s : f.samples()) {
            if (s.histogram().isEmpty()) {
                continue;
            }
            HistogramData h = s.histogram().get();
            double[] bounds = h.upperBounds();
            double[] withInf = new double[bounds.length + 1];
            System.arraycopy(bounds, 0, withInf, 0, bounds.length);
            withInf[bounds.length] = Double.POSITIVE_INFINITY;
            points.add(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(labels(s.labels()))
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(withInf, h.counts())).sum(h.sum()).build());
        }
        return new HistogramSnapshot(metadata(f), points);
    }
}
