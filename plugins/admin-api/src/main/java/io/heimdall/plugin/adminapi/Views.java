package io.heimdall.plugin.adminapi;

import io.heimdall.api.admin.PluginType;
import io.heimdall.api.admin.TargetState;
import io.heimdall.api.plugin.ConfigOption;
import io.heimdall.api.plugin.ConfigSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Turns SPI values into the JSON-ready maps the admin API answers with. */
final class Views {
    private Views() {
    }

    static Map<String, Object> type(PluginType t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", t.id());
        m.put("kind", t.kind().name().toLowerCase(Locale.ROOT));
        m.put("description", t.description());
        m.put("origin", t.origin());
        m.put("config", spec(t.config()));
        t.keys().ifPresent(k -> m.put("keys", spec(k)));
        return m;
    }

    /** A spec as a list of options, nested specs included: what a UI needs to draw a form. */
    static List<Map<String, Object>> spec(ConfigSpec spec) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ConfigOption o : spec.options()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", o.key());
            m.put("type", o.type().name().toLowerCase(Locale.ROOT).replace('_', '-'));
            m.put("required", o.required());
            m.put("description", o.description());
            o.defaultValue().ifPresent(d -> m.put("default", d));
            if (!o.allowedValues().isEmpty()) {
                m.put("allowed", o.allowedValues());
            }
            o.min().ifPresent(v -> m.put("min", v));
            o.max().ifPresent(v -> m.put("max", v));
            o.spec().ifPresent(s -> m.put("fields", spec(s)));
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> target(TargetState t, List<TargetErrors.Failure> recentErrors) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("provider", t.provider());
        m.put("key", t.key());
        m.put("available", t.available());
        m.put("breaker", t.breaker());
        m.put("consecutive_failures", t.consecutiveFailures());
        m.put("error_rate", t.errorRate());
        t.availableIn().ifPresent(d -> m.put("available_in_ms", d.toMillis()));
        m.put("cooldown_ms", t.cooldown().toMillis());
        t.disabledReason().ifPresent(r -> m.put("disabled_reason", r));
        m.put("ejected", t.ejected());
        t.latency().ifPresent(d -> m.put("latency_ms", millis(d)));
        m.put("recent_errors", recentErrors.stream().map(f -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("time", f.time().toString());
            e.put("model", f.model());
            e.put("status", f.status());
            e.put("fault", f.fault());
            e.put("message", f.message());
            return e;
        }).toList());
        return m;
    }

    static Map<String, Object> entry(Traffic.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", e.id());
        m.put("time", e.time().toString());
        m.put("caller", e.caller());
        m.put("operation", e.operation());
        m.put("model", e.model());
        m.put("served_by", e.servedBy());
        m.put("status", e.status());
        if (!e.error().isEmpty()) {
            m.put("error", e.error());
        }
        m.put("latency_ms", millis(e.latency()));
        e.ttft().ifPresent(d -> m.put("ttft_ms", millis(d)));
        m.put("attempts", e.attempts());
        e.usage().ifPresent(u -> {
            m.put("prompt_tokens", u.promptTokens());
            m.put("completion_tokens", u.completionTokens());
            u.cachedTokens().ifPresent(c -> m.put("cached_tokens", c));
        });
        m.put("cached", e.cached());
        e.prompt().ifPresent(p -> m.put("prompt", p));
        return m;
    }

    static Map<String, Object> stats(Traffic.Stats s, long total) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("window_seconds", s.window().toSeconds());
        m.put("requests", s.requests());
        m.put("requests_total", total);
        m.put("requests_per_second", s.requestsPerSecond());
        m.put("error_rate", s.errorRate());
        m.put("latency_p50_ms", millis(s.p50()));
        m.put("latency_p99_ms", millis(s.p99()));
        m.put("tokens_per_minute", s.tokensPerMinute());
        m.put("cache_hit_rate", s.cacheHitRate());
        m.put("per_second", s.perSecond());
        return m;
    }

    static double millis(Duration d) {
        return d.toNanos() / 1_000_000.0;
    }
}
