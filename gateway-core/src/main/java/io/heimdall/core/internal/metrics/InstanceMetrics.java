package io.heimdall.core.internal.metrics;

import io.heimdall.api.metrics.MetricFamily;
import io.heimdall.api.metrics.MetricType;
import io.heimdall.api.plugin.Metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * One provider or plugin instance's view of the gateway's {@link MetricsRegistry}: records straight into it, and
 * remembers the callback gauges the instance registered so that {@link #close()} removes them. A callback is code of
 * the plugin's layer; left in the registry, it would keep a replaced plugin's class loader alive for good. A series
 * that a newer instance has since taken over (same name and labels) is left alone.
 */
public final class InstanceMetrics implements Metrics, AutoCloseable {
    private record Series(String name, Map<String, String> labels) {
    }

    private final MetricsRegistry registry;
    private final Map<Series, DoubleSupplier> callbacks = new ConcurrentHashMap<>();

    /** A view of {@code registry}. */
    public InstanceMetrics(MetricsRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void describe(String name, MetricType type, String help, String unit, double... buckets) {
        registry.describe(name, type, help, unit, buckets);
    }

    @Override
    public void count(String name, Map<String, String> labels, double amount) {
        registry.count(name, labels, amount);
    }

    @Override
    public void observe(String name, Map<String, String> labels, double value) {
        registry.observe(name, labels, value);
    }

    @Override
    public void gauge(String name, Map<String, String> labels, double value) {
        registry.gauge(name, labels, value);
        callbacks.remove(new Series(name, Map.copyOf(labels)));
    }

    @Override
    public void gauge(String name, Map<String, String> labels, DoubleSupplier value) {
        registry.gauge(name, labels, value);
        callbacks.put(new Series(name, Map.copyOf(labels)), value);
    }

    @Override
    public List<MetricFamily> snapshot() {
        return registry.snapshot();
    }

    /** Removes the callback gauges this instance registered and still owns. */
    @Override
    public void close() {
        callbacks.forEach((s, supplier) -> registry.removeGauge(s.name(), s.labels(), supplier));
        callbacks.clear();
    }
}
