package io.heimdall.core.internal.engine;

import io.heimdall.api.metrics.MetricType;
import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.plugin.Metrics;
import io.heimdall.api.route.Attempt;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The core's own metrics in the shared registry: requests, attempts, tokens, plugin errors, config reloads, in-flight
 * requests. Label values are bounded: operation, model name as configured, provider, key name, status, fault.
 */
public final class CoreMetrics {
    private final Metrics registry;
    private final AtomicLong inFlight = new AtomicLong();

    /** Declares the core's metrics in the registry. */
    public CoreMetrics(Metrics registry) {
        this.registry = registry;
        registry.describe("requests", MetricType.COUNTER, "Client requests by operation, model, provider and status", "");
        registry.describe("request_duration_seconds", MetricType.HISTOGRAM, "End-to-end latency of client requests",
                "seconds", Metrics.LATENCY_BUCKETS);
        registry.describe("time_to_first_token_seconds", MetricType.HISTOGRAM,
                "Time until the first streamed chunk reached the client", "seconds", Metrics.LATENCY_BUCKETS);
        registry.describe("attempts", MetricType.COUNTER, "Upstream attempts by provider, key, status and fault", "");
        registry.describe("attempt_duration_seconds", MetricType.HISTOGRAM, "Latency of upstream attempts", "seconds",
                Metrics.LATENCY_BUCKETS);
        registry.describe("tokens", MetricType.COUNTER, "Tokens by model, provider and kind", "tokens");
        registry.describe("plugin_errors", MetricType.COUNTER, "Exceptions thrown by plugins, by plugin and role", "");
        registry.describe("config_reloads", MetricType.COUNTER, "Config reloads by result (applied, refused)", "");
        registry.gauge("requests_in_flight", Map.of(), () -> inFlight.get());
    }

    void requestStarted(String operation) {
        inFlight.incrementAndGet();
    }

    void requestFinished(RequestSummary s) {
        inFlight.decrementAndGet();
        String provider = s.servedBy().map(p -> p.contains("/") ? p.substring(0, p.indexOf('/')) : p).orElse("none");
        registry.count("requests", Map.of("operation", s.operation(), "model", s.model().orElse(""),
                "provider", provider, "status", Integer.toString(s.status())), 1);
        registry.observe("request_duration_seconds", Map.of("operation", s.operation()),
                s.latency().toNanos() / 1e9);
        s.timeToFirstToken().ifPresent(t -> registry.observe("time_to_first_token_seconds",
                Map.of("model", s.model().orElse("")), t.toNanos() / 1e9));
        s.usage().ifPresent(u -> tokens(s.model().orElse(""), provider, u));
    }

    void attemptFinished(Attempt a) {
        registry.count("attempts", Map.of("provider", a.target().provider(), "key", a.target().keyName(),
                "status", Integer.toString(a.status()), "fault", a.fault().name().toLowerCase(java.util.Locale.ROOT)),
                1);
        registry.observe("attempt_duration_seconds", Map.of("provider", a.target().provider()),
                a.latency().toNanos() / 1e9);
    }

    /** Counts an exception a plugin threw. */
    public void pluginError(String pluginId, String role) {
        registry.count("plugin_errors", Map.of("plugin", pluginId, "role", role), 1);
    }

    /** Counts a config reload by result ({@code applied} or {@code refused}). */
    public void reload(String result) {
        registry.count("config_reloads", Map.of("result", result), 1);
    }

    private void tokens(String model, String provider, Usage u) {
        registry.count("tokens", Map.of("model", model, "provider", provider, "kind", "prompt"), u.promptTokens());
        registry.count("tokens", Map.of("model", model, "provider", provider, "kind", "completion"),
                u.completionTokens());
    }
}
