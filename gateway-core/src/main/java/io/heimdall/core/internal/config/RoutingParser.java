package io.heimdall.core.internal.config;

import io.heimdall.core.internal.config.GatewayConfig.Bulkhead;
import io.heimdall.core.internal.config.GatewayConfig.CircuitBreaker;
import io.heimdall.core.internal.config.GatewayConfig.HealthCheck;
import io.heimdall.core.internal.config.GatewayConfig.KeyCooldown;
import io.heimdall.core.internal.config.GatewayConfig.OutlierEjection;
import io.heimdall.core.internal.config.GatewayConfig.Retries;
import io.heimdall.core.internal.config.GatewayConfig.Routing;
import io.heimdall.core.internal.config.GatewayConfig.Timeouts;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code routing:} (global) and {@code providers.<name>.routing:} (per provider). Each level is merged field by
 * field over the one below it: defaults, then the global keys, then the provider's keys. Every value is checked with
 * its path; cross-field rules (a maximum not below its initial value) are checked where one of the two is written.
 */
final class RoutingParser {
    private static final List<String> KEYS = List.of("retries", "timeouts", "circuit-breaker", "bulkhead",
            "key-cooldown", "health-check", "outlier-ejection", "max-connections", "max-in-flight");
    private static final List<String> RETRIES = List.of("max", "initial-backoff", "max-backoff", "jitter",
            "max-retry-after");
    private static final List<String> TIMEOUTS = List.of("connect", "first-byte", "idle", "total", "max-client");
    private static final List<String> BREAKER = List.of("enabled", "consecutive-failures", "error-rate", "window",
            "min-requests", "open-for", "half-open-probes");
    private static final List<String> BULKHEAD = List.of("max-concurrency", "max-queue", "queue-timeout");
    private static final List<String> COOLDOWN = List.of("initial", "max");
    private static final List<String> HEALTH = List.of("enabled", "interval", "timeout");
    private static final List<String> EJECTION = List.of("enabled", "consecutive-failures", "eject-for");

    private RoutingParser() {
    }

    /**
     * The global settings from {@code routing:} over the defaults. {@code server.request-timeout} and
     * {@code server.connect-timeout} are older aliases of {@code routing.timeouts.total} and {@code .connect}: either
     * spelling works, both at once is a problem naming both paths.
     */
    static Routing global(Object raw, Map<String, Object> server, Problems problems) {
        Routing defaults = Routing.defaults();
        Fields srv = Fields.unchecked(server, "server", problems);
        Timeouts t = defaults.timeouts();
        Duration total = srv.duration("request-timeout", t.total(), false);
        Duration connect = srv.duration("connect-timeout", t.connect(), false);
        Routing base = with(defaults, new Timeouts(connect, t.firstByte(), t.idle(), total, t.maxClient()));
        if (raw instanceof Map<?, ?> m && m.get("timeouts") instanceof Map<?, ?> tm) {
            alias(tm, "total", srv, "request-timeout", problems);
            alias(tm, "connect", srv, "connect-timeout", problems);
        }
        return parse(raw, "routing", base, true, problems);
    }

    private static void alias(Map<?, ?> timeouts, String key, Fields server, String serverKey, Problems problems) {
        if (timeouts.get(key) != null && server.has(serverKey)) {
            problems.add("routing.timeouts." + key, "also set as server." + serverKey + ", its older alias: keep "
                    + "only one of routing.timeouts." + key + " and server." + serverKey);
        }
    }

    /** A provider's effective settings: its {@code routing:} keys (at {@code path}) over the global settings. */
    static Routing provider(Object raw, String path, Routing global, Problems problems) {
        return parse(raw, path, global, false, problems);
    }

    private static Routing with(Routing r, Timeouts t) {
        return new Routing(r.retries(), t, r.circuitBreaker(), r.bulkhead(), r.keyCooldown(), r.healthCheck(),
                r.outlierEjection(), r.maxConnections(), r.maxInFlight());
    }

    private static Routing parse(Object raw, String path, Routing base, boolean top, Problems problems) {
        Fields f = Fields.of(raw, path, KEYS, problems);
        Retries retries = retries(section(f, "retries", RETRIES, problems), base.retries());
        Timeouts timeouts = timeouts(section(f, "timeouts", TIMEOUTS, problems), base.timeouts());
        CircuitBreaker breaker = breaker(section(f, "circuit-breaker", BREAKER, problems), base.circuitBreaker());
        Bulkhead bulkhead = bulkhead(section(f, "bulkhead", BULKHEAD, problems), base.bulkhead());
        KeyCooldown cooldown = cooldown(section(f, "key-cooldown", COOLDOWN, problems), base.keyCooldown());
        HealthCheck health = health(section(f, "health-check", HEALTH, problems), base.healthCheck());
        OutlierEjection ejection = ejection(section(f, "outlier-ejection", EJECTION, problems),
                base.outlierEjection());
        int maxConnections = f.integer("max-connections", base.maxConnections(), 1);
        int maxInFlight = base.maxInFlight();
        if (top) {
            maxInFlight = f.integer("max-in-flight", base.maxInFlight(), 1);
        } else if (f.has("max-in-flight")) {
            f.problem("max-in-flight", "is a gateway-wide cap: set it as routing.max-in-flight, not per provider");
        }
        return new Routing(retries, timeouts, breaker, bulkhead, cooldown, health, ejection, maxConnections,
                maxInFlight);
    }

    private static Fields section(Fields f, String key, List<String> known, Problems problems) {
        return Fields.of(f.raw(key), f.path(key), known, problems);
    }

    private static Retries retries(Fields s, Retries b) {
        int max = s.integer("max", b.max(), 0);
        Duration initial = s.duration("initial-backoff", b.initialBackoff(), true);
        Duration maxBackoff = s.duration("max-backoff", b.maxBackoff(), true);
        double jitter = s.number("jitter", b.jitter(), 0, false, 1);
        Duration maxRetryAfter = s.duration("max-retry-after", b.maxRetryAfter(), true);
        ordered(s, "initial-backoff", initial, "max-backoff", maxBackoff);
        return new Retries(max, initial, maxBackoff, jitter, maxRetryAfter);
    }

    private static Timeouts timeouts(Fields s, Timeouts b) {
        return new Timeouts(s.duration("connect", b.connect(), false),
                s.duration("first-byte", b.firstByte(), false),
                s.duration("idle", b.idle(), false),
                s.duration("total", b.total(), false),
                s.duration("max-client", b.maxClient(), false));
    }

    private static CircuitBreaker breaker(Fields s, CircuitBreaker b) {
        return new CircuitBreaker(s.bool("enabled", b.enabled()),
                s.integer("consecutive-failures", b.consecutiveFailures(), 1),
                s.number("error-rate", b.errorRate(), 0, true, 1),
                s.duration("window", b.window(), false),
                s.integer("min-requests", b.minRequests(), 1),
                s.duration("open-for", b.openFor(), false),
                s.integer("half-open-probes", b.halfOpenProbes(), 1));
    }

    private static Bulkhead bulkhead(Fields s, Bulkhead b) {
        return new Bulkhead(s.integer("max-concurrency", b.maxConcurrency(), 1),
                s.integer("max-queue", b.maxQueue(), 0),
                s.duration("queue-timeout", b.queueTimeout(), true));
    }

    private static KeyCooldown cooldown(Fields s, KeyCooldown b) {
        Duration initial = s.duration("initial", b.initial(), false);
        Duration max = s.duration("max", b.max(), false);
        ordered(s, "initial", initial, "max", max);
        return new KeyCooldown(initial, max);
    }

    private static HealthCheck health(Fields s, HealthCheck b) {
        boolean enabled = s.bool("enabled", b.enabled());
        Duration interval = s.duration("interval", b.interval(), false);
        Duration timeout = s.duration("timeout", b.timeout(), false);
        ordered(s, "timeout", timeout, "interval", interval);
        return new HealthCheck(enabled, interval, timeout);
    }

    private static OutlierEjection ejection(Fields s, OutlierEjection b) {
        return new OutlierEjection(s.bool("enabled", b.enabled()),
                s.integer("consecutive-failures", b.consecutiveFailures(), 1),
                s.duration("eject-for", b.ejectFor(), false));
    }

    /** Records a problem if {@code high < low} and one of the two is written at this level. */
    private static void ordered(Fields s, String lowKey, Duration low, String highKey, Duration high) {
        if (high.compareTo(low) >= 0) {
            return;
        }
        if (s.has(highKey)) {
            s.problem(highKey, "must not be less than " + lowKey + " (" + Durations.format(low) + ")");
        } else if (s.has(lowKey)) {
            s.problem(lowKey, "must not be more than " + highKey + " (" + Durations.format(high) + ")");
        }
    }
}
