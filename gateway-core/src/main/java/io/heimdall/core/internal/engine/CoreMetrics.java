package io.heimdall.core.internal.engine;

import io.heimdall.api.metrics.MetricType;
import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.plugin.Metrics;
import io.heimdall.api.route.Attempt;
import io.heimdall.api.route.Fault;
import io.heimdall.core.internal.metrics.MetricsRegistry;
import io.heimdall.core.internal.resilience.TargetHealthRegistry;
import io.heimdall.core.internal.resilience.TargetSpec;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleConsumer;
import java.util.function.Function;

/**
 * The core's own metrics in the shared registry: requests, attempts, tokens, plugin errors, config reloads, in-flight
 * requests. Label values are bounded: operation, model name as configured, provider, key name, status, fault.
 */
public final class CoreMetrics {
    private static final String STREAM = "chat.stream";
    private final MetricsRegistry registry;
    private java.util.Set<Map<String, String>> publishedTargets = java.util.Set.of();
    private java.util.Set<String> publishedProviders = java.util.Set.of();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicLong streamsInFlight = new AtomicLong();
    // The series every request and attempt records, resolved once per label set (a record key instead of a label map
    // built and looked up per recording); bounded like the registry's own series.
    private final SeriesCache<RequestKey> requests = new SeriesCache<>();
    private final SeriesCache<String> requestDurations = new SeriesCache<>();
    private final SeriesCache<String> firstTokens = new SeriesCache<>();
    private final SeriesCache<AttemptKey> attempts = new SeriesCache<>();
    private final SeriesCache<String> attemptDurations = new SeriesCache<>();
    private final SeriesCache<TokenKey> tokenCounts = new SeriesCache<>();

    // Keys with equals and hashCode written out: a record's generated ones go through a method handle that C2 does
    // not inline fully here (~0.2 us per lookup in the profile).
    private record RequestKey(String operation, String model, String provider, int status) {
        @Override
        public boolean equals(Object o) {
            return o instanceof RequestKey k && status == k.status && operation.equals(k.operation)
                    && model.equals(k.model) && provider.equals(k.provider);
        }

        @Override
        public int hashCode() {
            return ((operation.hashCode() * 31 + model.hashCode()) * 31 + provider.hashCode()) * 31 + status;
        }
    }

    private record AttemptKey(String provider, String key, int status, Fault fault) {
        @Override
        public boolean equals(Object o) {
            return o instanceof AttemptKey k && status == k.status && fault == k.fault && provider.equals(k.provider)
                    && key.equals(k.key);
        }

        @Override
        public int hashCode() {
            return ((provider.hashCode() * 31 + key.hashCode()) * 31 + status) * 31 + fault.ordinal();
        }
    }

    private record TokenKey(String model, String provider, String kind) {
        @Override
        public boolean equals(Object o) {
            return o instanceof TokenKey k && kind.equals(k.kind) && model.equals(k.model)
                    && provider.equals(k.provider);
        }

        @Override
        public int hashCode() {
            return (model.hashCode() * 31 + provider.hashCode()) * 31 + kind.hashCode();
        }
    }

    /** Series handles by key, up to {@link Metrics#MAX_SERIES}; past that, each recording goes through the registry. */
    private static final class SeriesCache<K> {
        private final Map<K, DoubleConsumer> handles = new ConcurrentHashMap<>();

        void record(K key, double value, Function<K, DoubleConsumer> resolve) {
            DoubleConsumer h = handles.get(key);
            if (h == null) {
                h = resolve.apply(key);
                if (handles.size() < Metrics.MAX_SERIES) {
                    handles.putIfAbsent(key, h);
                }
            }
            h.accept(value);
        }
    }

    /** Declares the core's metrics in the registry. */
    public CoreMetrics(MetricsRegistry registry) {
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
        registry.describe("streams_in_flight", MetricType.GAUGE, "Streamed chat requests being served", "");
        registry.gauge("streams_in_flight", Map.of(), () -> streamsInFlight.get());
        registry.describe("circuit_breaker_state", MetricType.GAUGE, "Circuit breaker per provider and key: 0 closed, "
                + "1 half-open, 2 open", "");
        registry.describe("key_available", MetricType.GAUGE, "1 if the key may be used now, 0 if it rests or was "
                + "refused", "");
        registry.describe("key_cooldown_seconds", MetricType.GAUGE, "Rest left of a key after a rate limit", "seconds");
        registry.describe("bulkhead_active", MetricType.GAUGE, "Upstream calls running per provider", "");
        registry.describe("bulkhead_queued", MetricType.GAUGE, "Upstream calls waiting for a slot per provider", "");
        registry.describe("bulkhead_rejected", MetricType.GAUGE, "Upstream calls refused by a full bulkhead", "");
        registry.describe("retries", MetricType.COUNTER, "Retries of a target after a failed attempt", "");
        registry.describe("cache_lookups", MetricType.COUNTER, "Response cache lookups by result (hit, miss) and "
                + "tier (none on a miss)", "");
        registry.describe("fallbacks", MetricType.COUNTER, "Moves to the next target after a target failed", "");
    }

    void requestStarted(String operation) {
        inFlight.incrementAndGet();
        if (STREAM.equals(operation)) {
            streamsInFlight.incrementAndGet();
        }
    }

    void requestFinished(RequestSummary s) {
        inFlight.decrementAndGet();
        if (STREAM.equals(s.operation())) {
            streamsInFlight.decrementAndGet();
        }
        String provider = s.servedBy().map(p -> p.contains("/") ? p.substring(0, p.indexOf('/')) : p).orElse("none");
        requests.record(new RequestKey(s.operation(), s.model().orElse(""), provider, s.status()), 1,
                k -> registry.counter("requests", Map.of("operation", k.operation(), "model", k.model(),
                        "provider", k.provider(), "status", Integer.toString(k.status()))));
        requestDurations.record(s.operation(), s.latency().toNanos() / 1e9,
                op -> registry.histogram("request_duration_seconds", Map.of("operation", op)));
        s.timeToFirstToken().ifPresent(t -> firstTokens.record(s.model().orElse(""), t.toNanos() / 1e9,
                model -> registry.histogram("time_to_first_token_seconds", Map.of("model", model))));
        s.usage().ifPresent(u -> tokens(s.model().orElse(""), provider, u));
    }

    void retry(String provider) {
        registry.count("retries", Map.of("provider", provider), 1);
    }

    void fallback(String fromProvider) {
        registry.count("fallbacks", Map.of("from", fromProvider), 1);
    }

    void attemptFinished(Attempt a) {
        attempts.record(new AttemptKey(a.target().provider(), a.target().keyName(), a.status(), a.fault()), 1,
                k -> registry.counter("attempts", Map.of("provider", k.provider(), "key", k.key(),
                        "status", Integer.toString(k.status()), "fault",
                        k.fault().name().toLowerCase(java.util.Locale.ROOT))));
        attemptDurations.record(a.target().provider(), a.latency().toNanos() / 1e9,
                provider -> registry.histogram("attempt_duration_seconds", Map.of("provider", provider)));
    }

    void cacheLookup(java.util.Optional<String> tier) {
        registry.count("cache_lookups", Map.of("result", tier.isPresent() ? "hit" : "miss",
                "tier", tier.orElse("none")), 1);
    }

    /** Counts an exception a plugin threw. */
    public void pluginError(String pluginId, String role) {
        registry.count("plugin_errors", Map.of("plugin", pluginId, "role", role), 1);
    }

    /**
     * Publishes the state of every target and bulkhead of a new generation as callback gauges (and removes those of
     * targets that are gone): {@code circuit_breaker_state} (0 closed, 1 half-open, 2 open), {@code key_available},
     * {@code key_cooldown_seconds}, {@code bulkhead_active}, {@code bulkhead_queued}, {@code bulkhead_rejected}.
     */
    synchronized void health(TargetHealthRegistry health, java.util.Collection<TargetSpec> targets) {
        java.util.Set<Map<String, String>> nowTargets = new java.util.HashSet<>();
        java.util.Set<String> nowProviders = new java.util.TreeSet<>();
        for (TargetSpec t : targets) {
            Map<String, String> labels = Map.of("provider", t.provider(), "key", t.key());
            nowTargets.add(labels);
            nowProviders.add(t.provider());
            registry.gauge("circuit_breaker_state", labels, () -> health.target(t.provider(), t.key())
                    .map(h -> switch (h.breaker().state()) {
                        case CLOSED -> 0.0;
                        case HALF_OPEN -> 1.0;
                        case OPEN -> 2.0;
                    }).orElse(Double.NaN));
            registry.gauge("key_available", labels, () -> health.target(t.provider(), t.key())
                    .map(h -> h.available() ? 1.0 : 0.0).orElse(Double.NaN));
            registry.gauge("key_cooldown_seconds", labels, () -> health.target(t.provider(), t.key())
                    .map(h -> h.keyHealth().cooldownRemaining().toMillis() / 1000.0).orElse(Double.NaN));
        }
        for (String p : nowProviders) {
            Map<String, String> labels = Map.of("provider", p);
            registry.gauge("bulkhead_active", labels, () -> health.bulkhead(p).map(b -> (double) b.active())
                    .orElse(Double.NaN));
            registry.gauge("bulkhead_queued", labels, () -> health.bulkhead(p).map(b -> (double) b.queued())
                    .orElse(Double.NaN));
            registry.gauge("bulkhead_rejected", labels, () -> health.bulkhead(p).map(b -> (double) b.rejected())
                    .orElse(Double.NaN));
        }
        for (Map<String, String> gone : publishedTargets) {
            if (!nowTargets.contains(gone)) {
                for (String m : new String[]{"circuit_breaker_state", "key_available", "key_cooldown_seconds"}) {
                    registry.removeGauge(m, gone);
                }
            }
        }
        for (String gone : publishedProviders) {
            if (!nowProviders.contains(gone)) {
                for (String m : new String[]{"bulkhead_active", "bulkhead_queued", "bulkhead_rejected"}) {
                    registry.removeGauge(m, Map.of("provider", gone));
                }
            }
        }
        publishedTargets = nowTargets;
        publishedProviders = nowProviders;
    }

    /** Counts a config reload by result ({@code applied} or {@code refused}). */
    public void reload(String result) {
        registry.count("config_reloads", Map.of("result", result), 1);
    }

    private void tokens(String model, String provider, Usage u) {
        tokens(model, provider, "prompt", u.promptTokens());
        tokens(model, provider, "completion", u.completionTokens());
        u.cachedTokens().ifPresent(n -> tokens(model, provider, "cached", n));
        u.reasoningTokens().ifPresent(n -> tokens(model, provider, "reasoning", n));
    }

    private void tokens(String model, String provider, String kind, long n) {
        tokenCounts.record(new TokenKey(model, provider, kind), n, k -> registry.counter("tokens",
                Map.of("model", k.model(), "provider", k.provider(), "kind", k.kind())));
    }
}
