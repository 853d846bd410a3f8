package io.heimdall.core.internal.metrics;

import io.heimdall.api.metrics.MetricFamily;
import io.heimdall.api.metrics.MetricSample;
import io.heimdall.api.plugin.Metrics;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.DoubleConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsRegistryTest {

    private static MetricSample sample(MetricsRegistry registry, String family, Map<String, String> labels) {
        MetricFamily f = registry.snapshot().stream().filter(m -> m.name().equals(family)).findFirst().orElseThrow();
        return f.samples().stream().filter(s -> s.labels().equals(labels)).findFirst().orElseThrow();
    }

    @Test
    void aCounterHandleAddsToTheSameSeriesAsCount() {
        MetricsRegistry registry = new MetricsRegistry();
        DoubleConsumer handle = registry.counter("requests", Map.of("status", "200", "model", "m"));
        handle.accept(1);
        registry.count("requests", Map.of("model", "m", "status", "200"), 2);
        handle.accept(0.5);
        assertEquals(3.5, sample(registry, "heimdall_requests", Map.of("model", "m", "status", "200")).value());
        assertThrows(IllegalArgumentException.class, () -> handle.accept(-1), "a counter only goes up");
        assertThrows(IllegalArgumentException.class, () -> registry.counter("Bad-Name", Map.of()));
    }

    @Test
    void aHistogramHandleObservesIntoTheSameSeriesAsObserve() {
        MetricsRegistry registry = new MetricsRegistry();
        DoubleConsumer handle = registry.histogram("request_duration_seconds", Map.of("operation", "chat"));
        handle.accept(0.0002);
        registry.observe("request_duration_seconds", Map.of("operation", "chat"), 30);
        MetricSample s = sample(registry, "heimdall_request_duration_seconds", Map.of("operation", "chat"));
        assertEquals(2, s.histogram().orElseThrow().count());
        assertEquals(30.0002, s.histogram().orElseThrow().sum(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> registry.counter("request_duration_seconds", Map.of()),
                "a histogram is not a counter");
    }

    @Test
    void handlesPastTheSeriesCapShareTheOtherSeries() {
        MetricsRegistry registry = new MetricsRegistry();
        for (int i = 0; i < Metrics.MAX_SERIES; i++) {
            registry.counter("attempts", Map.of("key", "k" + i)).accept(1);
        }
        registry.counter("attempts", Map.of("key", "one-too-many")).accept(1);
        registry.counter("attempts", Map.of("key", "two-too-many")).accept(2);
        assertEquals(3, sample(registry, "heimdall_attempts", Map.of("key", "other")).value());
        assertEquals(Metrics.MAX_SERIES + 1, registry.snapshot().stream()
                .filter(m -> m.name().equals("heimdall_attempts")).findFirst().orElseThrow().samples().size());
    }
}
