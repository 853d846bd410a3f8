package io.heimdall.core.internal.config;

import io.heimdall.core.internal.config.GatewayConfig.Routing;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.heimdall.core.internal.config.Load.exactly;
import static io.heimdall.core.internal.config.Load.expect;
import static io.heimdall.core.internal.config.Load.ok;
import static io.heimdall.core.internal.config.Load.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code routing:} and {@code providers.<name>.routing:}: defaults, merging, aliases and every check. */
class RoutingConfigTest {
    @Test
    void defaultsWhenNothingIsWritten() {
        GatewayConfig c = ok("providers: { a: { type: mock } }");
        Routing r = c.routing();
        assertEquals(Routing.defaults(), r);
        assertEquals(r, c.providers().get("a").routing());
        assertEquals(2, r.retries().max());
        assertEquals(Duration.ofMillis(250), r.retries().initialBackoff());
        assertEquals(Duration.ofSeconds(8), r.retries().maxBackoff());
        assertEquals(0.2, r.retries().jitter());
        assertEquals(Duration.ofSeconds(30), r.retries().maxRetryAfter());
        assertEquals(new GatewayConfig.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60),
                Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofMinutes(10)), r.timeouts());
        assertEquals(new GatewayConfig.CircuitBreaker(true, 5, 0.5, Duration.ofSeconds(30), 20,
                Duration.ofSeconds(30), 1), r.circuitBreaker());
        assertEquals(new GatewayConfig.Bulkhead(256, 1024, Duration.ofSeconds(10)), r.bulkhead());
        assertEquals(new GatewayConfig.KeyCooldown(Duration.ofSeconds(1), Duration.ofMinutes(5)), r.keyCooldown());
        assertEquals(new GatewayConfig.HealthCheck(false, Duration.ofSeconds(30), Duration.ofSeconds(5)),
                r.healthCheck());
        assertEquals(new GatewayConfig.OutlierEjection(true, 5, Duration.ofSeconds(30)), r.outlierEjection());
        assertEquals(1024, r.maxConnections());
        assertEquals(10_000, r.maxInFlight());
        assertEquals(Duration.ofMinutes(10), c.server().requestTimeout());
        assertEquals(Duration.ofSeconds(10), c.server().connectTimeout());
    }

    @Test
    void everyGlobalKeyIsRead() {
        Routing r = ok("""
                routing:
                  retries:          { max: 0, initial-backoff: 100ms, max-backoff: 1s, jitter: 0, max-retry-after: 0s }
                  timeouts:         { connect: 2s, first-byte: 20s, idle: 15s, total: 2m, max-client: 5m }
                  circuit-breaker:  { enabled: false, consecutive-failures: 3, error-rate: 1, window: 1m,
                                      min-requests: 7, open-for: 45s, half-open-probes: 2 }
                  bulkhead:         { max-concurrency: 8, max-queue: 0, queue-timeout: 0ms }
                  key-cooldown:     { initial: 2s, max: 2s }
                  health-check:     { enabled: true, interval: 10s, timeout: 10s }
                  outlier-ejection: { enabled: false, consecutive-failures: 1, eject-for: 1m }
                  max-connections: 64
                  max-in-flight: 500
                """).routing();
        assertEquals(new GatewayConfig.Retries(0, Duration.ofMillis(100), Duration.ofSeconds(1), 0.0,
                Duration.ZERO), r.retries());
        assertEquals(new GatewayConfig.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(20),
                Duration.ofSeconds(15), Duration.ofMinutes(2), Duration.ofMinutes(5)), r.timeouts());
        assertEquals(new GatewayConfig.CircuitBreaker(false, 3, 1.0, Duration.ofMinutes(1), 7,
                Duration.ofSeconds(45), 2), r.circuitBreaker());
        assertEquals(new GatewayConfig.Bulkhead(8, 0, Duration.ZERO), r.bulkhead());
        assertEquals(new GatewayConfig.KeyCooldown(Duration.ofSeconds(2), Duration.ofSeconds(2)), r.keyCooldown());
        assertEquals(new GatewayConfig.HealthCheck(true, Duration.ofSeconds(10), Duration.ofSeconds(10)),
                r.healthCheck());
        assertEquals(new GatewayConfig.OutlierEjection(false, 1, Duration.ofMinutes(1)), r.outlierEjection());
        assertEquals(64, r.maxConnections());
        assertEquals(500, r.maxInFlight());
    }

    @Test
    void providerSettingsMergeFieldByFieldOverTheGlobalOnes() {
        GatewayConfig c = ok("""
                routing:
                  retries: { max: 4, initial-backoff: 1s }
                  timeouts: { first-byte: 30s }
                  max-connections: 100
                  max-in-flight: 50
                providers:
                  slow:
                    type: mock
                    routing:
                      retries: { max-backoff: 20s }
                      timeouts: { first-byte: 5m, idle: 2m }
                      circuit-breaker: { enabled: false }
                  plain: { type: mock }
                """);
        Routing global = c.routing();
        Routing slow = c.providers().get("slow").routing();
        assertEquals(new GatewayConfig.Retries(4, Duration.ofSeconds(1), Duration.ofSeconds(20), 0.2,
                Duration.ofSeconds(30)), slow.retries(), "max and initial from global, max-backoff own");
        assertEquals(Duration.ofMinutes(5), slow.timeouts().firstByte());
        assertEquals(Duration.ofMinutes(2), slow.timeouts().idle());
        assertEquals(Duration.ofSeconds(10), slow.timeouts().connect());
        assertFalse(slow.circuitBreaker().enabled());
        assertEquals(5, slow.circuitBreaker().consecutiveFailures(), "other breaker fields stay global");
        assertEquals(100, slow.maxConnections());
        assertEquals(50, slow.maxInFlight(), "the gateway-wide cap is the same everywhere");
        assertEquals(global, c.providers().get("plain").routing());
        assertEquals(Duration.ofSeconds(30), global.timeouts().firstByte());
        assertTrue(global.circuitBreaker().enabled());
        assertFalse(c.providers().get("slow").config().containsKey("routing"),
                "routing is not passed to the provider factory");
    }

    @Test
    void serverTimeoutsAreAliasesOfRoutingTimeouts() {
        GatewayConfig old = ok("server: { request-timeout: 90s, connect-timeout: 3s }");
        assertEquals(Duration.ofSeconds(90), old.routing().timeouts().total());
        assertEquals(Duration.ofSeconds(3), old.routing().timeouts().connect());
        assertEquals(Duration.ofSeconds(90), old.server().requestTimeout());
        assertEquals(Duration.ofSeconds(3), old.server().connectTimeout());

        GatewayConfig now = ok("routing: { timeouts: { total: 2m, connect: 4s } }\nproviders: { a: { type: mock } }");
        assertEquals(Duration.ofMinutes(2), now.server().requestTimeout(), "the server record shows the same value");
        assertEquals(Duration.ofSeconds(4), now.server().connectTimeout());
        assertEquals(Duration.ofMinutes(2), now.providers().get("a").routing().timeouts().total());

        exactly(problems("""
                server: { request-timeout: 1m, connect-timeout: 1s }
                routing: { timeouts: { total: 2m, connect: 2s } }
                """),
                "routing.timeouts.total: also set as server.request-timeout, its older alias: keep only one of "
                        + "routing.timeouts.total and server.request-timeout",
                "routing.timeouts.connect: also set as server.connect-timeout, its older alias: keep only one of "
                        + "routing.timeouts.connect and server.connect-timeout");
        exactly(problems("server: { request-timeout: 0s, connect-timeout: soon }"),
                "server.request-timeout: must be positive",
                "server.connect-timeout: expected a duration such as 250ms, 30s, 5m or 1h, got the string 'soon'");
    }

    @Test
    void everyValueIsCheckedWithItsPath() {
        List<String> p = problems("""
                routing:
                  retries:          { max: -1, initial-backoff: 2s, max-backoff: 1s, jitter: 1.5, max-retry-after: x }
                  timeouts:         { connect: 0s, first-byte: -5s, idle: PT-1S, total: 10, max-client: 1m, totl: 1m }
                  circuit-breaker:  { enabled: maybe, consecutive-failures: 0, error-rate: 0, window: 0s,
                                      min-requests: 0, open-for: 0s, half-open-probes: 0 }
                  bulkhead:         { max-concurrency: 0, max-queue: -1, queue-timeout: PT-1S }
                  key-cooldown:     { initial: 0s, max: 1s }
                  health-check:     { enabled: 1, interval: 5s, timeout: 6s }
                  outlier-ejection: { enabled: true, consecutive-failures: 0, eject-for: 0s }
                  max-connections: 0
                  max-in-flight: 3000000000
                  retrys: {}
                """);
        exactly(p,
                "routing.retrys: unknown key (did you mean 'retries'?)",
                "routing.retries.max: must not be negative, got -1",
                "routing.retries.jitter: must be between 0 and 1, got 1.5",
                "routing.retries.max-retry-after: expected a duration such as 250ms, 30s, 5m or 1h, got the string 'x'",
                "routing.retries.max-backoff: must not be less than initial-backoff (2s)",
                "routing.timeouts.totl: unknown key (did you mean 'total'?)",
                "routing.timeouts.connect: must be positive",
                "routing.timeouts.first-byte: expected a duration such as 250ms, 30s, 5m or 1h, got the string '-5s'",
                "routing.timeouts.idle: must be positive",
                "routing.timeouts.total: expected a duration such as 250ms, 30s, 5m or 1h, got the number 10",
                "routing.circuit-breaker.enabled: expected true or false, got the string 'maybe'",
                "routing.circuit-breaker.consecutive-failures: must be at least 1, got 0",
                "routing.circuit-breaker.error-rate: must be above 0 and at most 1, got 0",
                "routing.circuit-breaker.window: must be positive",
                "routing.circuit-breaker.min-requests: must be at least 1, got 0",
                "routing.circuit-breaker.open-for: must be positive",
                "routing.circuit-breaker.half-open-probes: must be at least 1, got 0",
                "routing.bulkhead.max-concurrency: must be at least 1, got 0",
                "routing.bulkhead.max-queue: must not be negative, got -1",
                "routing.bulkhead.queue-timeout: must not be negative",
                "routing.key-cooldown.initial: must be positive",
                "routing.health-check.enabled: expected true or false, got the number 1",
                "routing.health-check.interval: must not be less than timeout (6s)",
                "routing.outlier-ejection.consecutive-failures: must be at least 1, got 0",
                "routing.outlier-ejection.eject-for: must be positive",
                "routing.max-connections: must be at least 1, got 0",
                "routing.max-in-flight: must be at most 2147483647, got 3000000000");
        exactly(problems("routing: [ retries ]"), "routing: expected an object, got a list");
        exactly(problems("routing: { retries: 3 }"), "routing.retries: expected an object, got the number 3");
    }

    @Test
    void providerLevelProblemsNameTheProviderPath() {
        List<String> p = problems("""
                routing:
                  retries: { max-backoff: 1s }
                  key-cooldown: { max: 10s }
                providers:
                  a:
                    type: mock
                    routing:
                      retries: { initial-backoff: 5s }
                      key-cooldown: { initial: 1m }
                      max-in-flight: 10
                      bulkhed: {}
                """);
        exactly(p,
                "providers.a.routing.bulkhed: unknown key (did you mean 'bulkhead'?)",
                "providers.a.routing.retries.initial-backoff: must not be more than max-backoff (1s)",
                "providers.a.routing.key-cooldown.initial: must not be more than max (10s)",
                "providers.a.routing.max-in-flight: is a gateway-wide cap: set it as routing.max-in-flight, not per "
                        + "provider");
        exactly(problems("providers: { a: { type: mock, routing: fast } }"),
                "providers.a.routing: expected an object, got the string 'fast'");
    }

    @Test
    void recordsAreValuesWithSharedDefaults() {
        assertSame(Routing.defaults(), Routing.defaults());
        assertEquals(GatewayConfig.Retries.defaults(), Routing.defaults().retries());
        GatewayConfig c = ok("providers: { a: { type: mock } }");
        assertEquals(c.routing().hashCode(), Routing.defaults().hashCode());
    }
}
