package io.heimdall.core.internal.metrics;

import io.heimdall.api.metrics.HistogramData;
import io.heimdall.api.metrics.MetricFamily;
import io.heimdall.api.metrics.MetricSample;
import io.heimdall.api.metrics.MetricType;
import io.heimdall.api.plugin.Metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleConsumer;
import java.util.function.DoubleSupplier;

/**
 * The one {@link Metrics} registry of a gateway. Lock-free on the recording path (a map lookup per label set, then
 * adders); series per metric are capped at {@link Metrics#MAX_SERIES}, further label sets are folded into one series
 * whose label values are all {@code other}. Survives config reloads: it belongs to the gateway, not a generation.
 */
public final class MetricsRegistry implements Metrics {
    private static final System.Logger LOG = System.getLogger(MetricsRegistry.class.getName());
    private static final String PREFIX = "heimdall_";

    private final Map<String, Family> families = new ConcurrentHashMap<>();
    /** The same families by the name callers pass (with or without the prefix), so recording concatenates nothing. */
    private final Map<String, Family> byGivenName = new ConcurrentHashMap<>();

    @Override
    public void describe(String name, MetricType type, String help, String unit, double... buckets) {
        String full = fullName(name);
        Family f = families.computeIfAbsent(full, n -> new Family(n, type, help, unit,
                buckets.length == 0 ? LATENCY_BUCKETS : sorted(buckets)));
        if (f.type != type) {
            throw new IllegalArgumentException("metric " + full + " is a " + f.type + ", not a " + type);
        }
    }

    @Override
    public void count(String name, Map<String, String> labels, double amount) {
        family(name, MetricType.COUNTER).series(labels).adder.add(increment(amount));
    }

    private static double increment(double amount) {
        if (amount < 0 || Double.isNaN(amount)) {
            throw new IllegalArgumentException("a counter only goes up: " + amount);
        }
        return amount;
    }

    @Override
    public void observe(String name, Map<String, String> labels, double value) {
        Family f = family(name, MetricType.HISTOGRAM);
        f.series(labels).observe(f.buckets, value);
    }

    /**
     * The series of a counter for one label set, resolved once: for a caller that records the same labels often and
     * keeps the handle (no label map and no lookup per recording). Same validation and folding as {@link #count}.
     *
     * @return adds its argument (which must not be negative) to the series
     */
    public DoubleConsumer counter(String name, Map<String, String> labels) {
        DoubleAdder adder = family(name, MetricType.COUNTER).series(labels).adder;
        return amount -> adder.add(increment(amount));
    }

    /** The series of a histogram for one label set, resolved once (see {@link #counter}); observes its argument. */
    public DoubleConsumer histogram(String name, Map<String, String> labels) {
        Family f = family(name, MetricType.HISTOGRAM);
        Series s = f.series(labels);
        return value -> s.observe(f.buckets, value);
    }

    @Override
    public void gauge(String name, Map<String, String> labels, double value) {
        family(name, MetricType.GAUGE).series(labels).set(value);
    }

    @Override
    public void gauge(String name, Map<String, String> labels, DoubleSupplier value) {
        family(name, MetricType.GAUGE).series(labels).supplier = value;
    }

    /** Removes a callback gauge series (for example of a provider that was removed). */
    public void removeGauge(String name, Map<String, String> labels) {
        Family f = families.get(fullName(name));
        if (f != null) {
            f.series.remove(new TreeMap<>(labels));
        }
    }

    /**
     * Removes a callback gauge series if {@code owner} is still its callback (a newer instance may have taken the
     * series over since).
     */
    public void removeGauge(String name, Map<String, String> labels, DoubleSupplier owner) {
        Family f = families.get(fullName(name));
        if (f != null) {
            f.series.computeIfPresent(Map.copyOf(labels),
                    (k, s) -> s.supplier == owner ? null : s);
        }
    }

    @Override
    public List<MetricFamily> snapshot() {
        List<MetricFamily> out = new ArrayList<>(families.size());
        for (Family f : new TreeMap<>(families).values()) {
            List<MetricSample> samples = new ArrayList<>(f.series.size());
            for (Map.Entry<Map<String, String>, Series> e : f.series.entrySet()) {
                Series s = e.getValue();
                if (f.type == MetricType.HISTOGRAM) {
                    long[] counts = new long[s.buckets.length];
                    long total = 0;
                    for (int i = 0; i < counts.length; i++) {
                        counts[i] = s.buckets[i].sum();
                        total += counts[i];
                    }
                    double sum = s.adder.sum();
                    samples.add(new MetricSample(e.getKey(), sum, Optional.of(new HistogramData(f.buckets, counts,
                            sum, total))));
                } else {
                    samples.add(new MetricSample(e.getKey(), s.value(), Optional.empty()));
                }
            }
            out.add(new MetricFamily(f.name, f.help, f.type, f.unit, samples));
        }
        return out;
    }

    private Family family(String name, MetricType type) {
        Family f = byGivenName.get(name);
        if (f == null) {
            f = families.get(fullName(name));
            if (f == null) {
                describe(name, type, name.replace('_', ' '), "");
                f = families.get(fullName(name));
            }
            byGivenName.put(name, f);
        }
        if (f.type != type) {
            throw new IllegalArgumentException("metric " + f.name + " is a " + f.type + ", not a " + type);
        }
        return f;
    }

    private static String fullName(String name) {
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("metric names are lower_snake_case: " + name);
        }
        return name.startsWith(PREFIX) ? name : PREFIX + name;
    }

    private static double[] sorted(double[] buckets) {
        double[] b = buckets.clone();
        Arrays.sort(b);
        return b;
    }

    private static final class Family {
        final String name;
        final MetricType type;
        final String help;
        final String unit;
        final double[] buckets;
        final Map<Map<String, String>, Series> series = new ConcurrentHashMap<>();
        final AtomicLong overflowLogged = new AtomicLong();

        Family(String name, MetricType type, String help, String unit, double[] buckets) {
            this.name = name;
            this.type = type;
            this.help = help;
            this.unit = unit;
            this.buckets = buckets;
        }

        Series series(Map<String, String> labels) {
            Series s = series.get(labels);
            if (s != null) {
                return s;
            }
            Map<String, String> key = labels.isEmpty() ? Map.of() : new TreeMap<>(labels);
            if (series.size() >= MAX_SERIES && !series.containsKey(key)) {
                if (overflowLogged.getAndIncrement() == 0) {
                    LOG.log(System.Logger.Level.WARNING, "Metric {0} has more than {1} label sets; further ones are "
                            + "counted under 'other' (are unbounded values used as labels?)", name, MAX_SERIES);
                }
                Map<String, String> other = new TreeMap<>();
                labels.keySet().forEach(k -> other.put(k, "other"));
                key = other;
            }
            return series.computeIfAbsent(Map.copyOf(key), k -> new Series(type == MetricType.HISTOGRAM
                    ? buckets.length + 1 : 0));
        }
    }

    private static final class Series {
        final DoubleAdder adder = new DoubleAdder();
        final LongAdder[] buckets;
        volatile double gauge;
        volatile DoubleSupplier supplier;

        Series(int bucketCount) {
            buckets = new LongAdder[bucketCount];
            for (int i = 0; i < bucketCount; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(double[] bounds, double value) {
            int i = Arrays.binarySearch(bounds, value);
            int bucket = i >= 0 ? i : -i - 1;
            buckets[bucket].increment();
            adder.add(value);
        }

        void set(double value) {
            supplier = null;
            gauge = value;
        }

        double value() {
            DoubleSupplier s = supplier;
            if (s != null) {
                try {
                    return s.getAsDouble();
                } catch (RuntimeException e) {
                    return Double.NaN;
                }
            }
            return adder.sum() + gauge;
        }
    }
}
