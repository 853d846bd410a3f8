package io.heimdall.api.plugin;

import io.heimdall.api.metrics.MetricFamily;
import io.heimdall.api.metrics.MetricType;

import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The gateway's metrics registry, shared by the core and every plugin. Names are lower_snake_case; the registry adds
 * the {@code heimdall_} prefix. Label values must be bounded (a model, a provider, a status; never a request id, a
 * prompt or a secret): each metric keeps at most {@value #MAX_SERIES} series, and values beyond are counted under the
 * label value {@code other}. Cheap enough for the request path.
 */
public interface Metrics {
    /** The cap on series per metric. */
    int MAX_SERIES = 2000;

    /**
     * Declares a metric's help text, type, unit and (for histograms) bucket bounds. Optional: an undeclared metric
     * gets a generic help and, for histograms, {@link #LATENCY_BUCKETS}. Declaring again with the same type is a
     * no-op; with another type it throws {@link IllegalArgumentException}.
     */
    void describe(String name, MetricType type, String help, String unit, double... buckets);

    /** Adds {@code amount} (non-negative) to a counter. */
    void count(String name, Map<String, String> labels, double amount);

    /** Records one observation of a histogram, for example a latency in seconds. */
    void observe(String name, Map<String, String> labels, double value);

    /** Sets a gauge. */
    void gauge(String name, Map<String, String> labels, double value);

    /** A gauge read from {@code value} at every snapshot (for example a queue's depth). */
    void gauge(String name, Map<String, String> labels, DoubleSupplier value);

    /** Every metric's current state, core and plugins alike, for exposition. */
    List<MetricFamily> snapshot();

    /**
     * Latency buckets in seconds from 50 µs to 2 minutes: fine enough for the gateway's own sub-millisecond overhead,
     * wide enough for long generations.
     */
    double[] LATENCY_BUCKETS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
        0.5, 1, 2.5, 5, 10, 20, 30, 60, 120};
}
