package io.heimdall.plugin.prometheus;

import io.heimdall.api.RequestContext;
import io.heimdall.api.metrics.MetricType;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.plugin.Metrics;
import io.heimdall.api.route.Attempt;

import java.util.Locale;
import java.util.Map;

/**
 * Upstream series the core does not record itself, taken from each attempt: time to first byte and to first token
 * per provider, the mean inter-token latency of a stream, and upstream errors by provider, key name, status and fault.
 * Labels are bounded: provider and key names come from the config, statuses and faults are small sets.
 */
final class UpstreamMetrics implements Observer {
    static final String TTFB = "upstream_time_to_first_byte_seconds";
    static final String TTFT = "upstream_time_to_first_token_seconds";
    static final String INTER_TOKEN = "inter_token_latency_seconds";
    static final String ERRORS = "upstream_errors";

    private final Metrics metrics;

    UpstreamMetrics(Metrics metrics) {
        this.metrics = metrics;
        metrics.describe(TTFB, MetricType.HISTOGRAM, "Time until an upstream's response headers arrived, per attempt",
                "seconds", Metrics.LATENCY_BUCKETS);
        metrics.describe(TTFT, MetricType.HISTOGRAM, "Time until an upstream's first streamed chunk reached the "
                + "gateway, per attempt", "seconds", Metrics.LATENCY_BUCKETS);
        metrics.describe(INTER_TOKEN, MetricType.HISTOGRAM, "Mean time between completion tokens of a streamed "
                + "attempt: (duration - time to first token) / (completion tokens - 1)", "seconds",
                Metrics.LATENCY_BUCKETS);
        metrics.describe(ERRORS, MetricType.COUNTER, "Failed upstream attempts by provider, key name, status and "
                + "fault", "");
    }

    @Override
    public void attemptFinished(Attempt a, RequestContext context) {
        Map<String, String> provider = Map.of("provider", a.target().provider());
        a.timeToFirstByte().ifPresent(d -> metrics.observe(TTFB, provider, d.toNanos() / 1e9));
        a.timeToFirstToken().ifPresent(d -> {
            metrics.observe(TTFT, provider, d.toNanos() / 1e9);
            long tokens = a.usage().map(u -> u.completionTokens()).orElse(0L);
            if (tokens > 1) {
                double rest = (a.latency().toNanos() - d.toNanos()) / 1e9;
                metrics.observe(INTER_TOKEN, provider, Math.max(0, rest) / (tokens - 1));
            }
        });
        if (!a.succeeded()) {
            metrics.count(ERRORS, Map.of("provider", a.target().provider(), "key", a.target().keyName(),
                    "status", Integer.toString(a.status()), "fault", a.fault().name().toLowerCase(Locale.ROOT)), 1);
        }
    }
}
