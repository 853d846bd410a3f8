package io.heimdall.core.internal.resilience;

import io.heimdall.api.model.GatewayError;
import io.heimdall.core.internal.resilience.CircuitBreaker.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetHealthTest {
    private final FakeTime time = new FakeTime();
    private static final ResilienceSettings SETTINGS = new ResilienceSettings(RetrySettings.DEFAULTS,
            new BreakerSettings(true, 2, 0, Duration.ofSeconds(60), 1, Duration.ofSeconds(10), 1),
            BulkheadSettings.UNLIMITED, new CooldownSettings(Duration.ofSeconds(1), Duration.ofSeconds(8)),
            new OutlierSettings(true, 2, Duration.ofSeconds(30)));

    private final TargetHealth target = new TargetHealth(new TargetSpec("openai", "openai#0", "f1"), SETTINGS, time,
            CircuitBreaker.Listener.NONE);

    private static GatewayError error(int status, String code) {
        return GatewayError.of(status, GatewayError.typeForStatus(status), "Incorrect API key sk-secret-value",
                code);
    }

    @Test
    void upstreamFaultsCountInTheBreakerAndTheOutlierDetector() {
        assertTrue(target.tryAcquire());
        assertEquals(Failure.SERVER_ERROR, target.onFailure(error(500, null)));
        assertTrue(target.tryAcquire());
        assertEquals(Failure.UNREACHABLE, target.onFailure(GatewayError.upstreamUnreachable("openai", "refused")));
        assertEquals(State.OPEN, target.breaker().state());
        assertTrue(target.outlier().ejected());
        assertFalse(target.tryAcquire());
        assertFalse(target.healthy());
        assertEquals(1.0, target.errorRate());
    }

    @Test
    void a429RestsTheKeyButDoesNotCountInTheBreaker() {
        assertTrue(target.tryAcquire());
        assertEquals(Failure.RATE_LIMITED, target.onFailure(error(429, "rate_limit_exceeded")
                .withRetryAfter(Duration.ofSeconds(3))));
        assertEquals(0, target.breaker().consecutiveFailures());
        assertFalse(target.tryAcquire());
        assertEquals(Duration.ofSeconds(3), target.keyHealth().cooldownRemaining());
        time.advance(Duration.ofSeconds(3));
        assertTrue(target.tryAcquire());
        target.onSuccess(1_000_000);
        assertEquals(0, target.keyHealth().rateLimitStreak());
    }

    @Test
    void a401DisablesTheKeyWithAReasonThatHoldsNoSecret() {
        assertTrue(target.tryAcquire());
        assertEquals(Failure.KEY_REJECTED, target.onFailure(error(401, "invalid_api_key")));
        assertFalse(target.tryAcquire());
        time.advance(Duration.ofDays(1));
        assertFalse(target.tryAcquire(), "not retried in a loop");
        TargetSnapshot s = target.snapshot();
        assertEquals(Optional.of("HTTP 401 authentication_error (invalid_api_key)"), s.disabledReason());
        assertFalse(s.toString().contains("sk-secret"));
        assertFalse(s.available());
        assertEquals(State.CLOSED, s.state(), "the breaker did not count it");
    }

    @Test
    void clientErrorsAndNeutralEndsFreeAHalfOpenProbe() {
        target.onFailure(error(500, null));
        target.onFailure(error(500, null));
        time.advance(Duration.ofSeconds(10));
        assertTrue(target.tryAcquire(), "the probe");
        assertFalse(target.tryAcquire());
        assertEquals(Failure.CLIENT_ERROR, target.onFailure(GatewayError.invalidRequest("bad", "messages")));
        assertTrue(target.tryAcquire(), "the slot was freed");
        target.onNeutral();
        assertTrue(target.tryAcquire());
        assertEquals(Failure.CLIENT_CLOSED, target.onFailure(error(499, "client_closed_request")));
        assertEquals(State.HALF_OPEN, target.breaker().state());
        assertTrue(target.tryAcquire());
        target.onSuccess(5_000_000);
        assertEquals(State.CLOSED, target.breaker().state());
    }

    @Test
    void aDisabledKeyDoesNotTakeAProbeSlot() {
        target.onFailure(error(500, null));
        target.onFailure(error(500, null));
        target.onFailure(error(403, null));
        time.advance(Duration.ofSeconds(10));
        assertFalse(target.tryAcquire());
        assertEquals(0, target.breaker().probesInFlight());
    }

    @Test
    void averagesFollowSuccessesAndErrors() {
        assertEquals(Optional.empty(), target.latency());
        assertEquals(0.0, target.errorRate());
        target.onSuccess(Duration.ofMillis(100).toNanos());
        assertEquals(Optional.of(Duration.ofMillis(100)), target.latency());
        target.onSuccess(Duration.ofMillis(200).toNanos());
        assertEquals(Optional.of(Duration.ofMillis(120)), target.latency(), "alpha 0.2");
        target.onFailure(error(429, null));
        assertEquals(0.2, target.errorRate(), 1e-9);
        target.onFailure(error(400, null));
        assertEquals(0.2, target.errorRate(), 1e-9, "client errors are not the target's");
        target.onFailure(error(503, "provider_overloaded"));
        assertEquals(0.2, target.errorRate(), 1e-9, "nor the gateway's own limits");
    }

    @Test
    void healthyIsFalseWhileHalfOpenOrEjectedOrResting() {
        assertTrue(target.healthy());
        target.onFailure(error(429, null));
        assertFalse(target.healthy());
        time.advance(Duration.ofSeconds(1));
        assertTrue(target.healthy());
        target.onFailure(error(500, null));
        target.onFailure(error(500, null));
        time.advance(Duration.ofSeconds(10));
        assertEquals(State.HALF_OPEN, target.breaker().state());
        assertFalse(target.healthy());
        assertTrue(target.tryAcquire());
        target.onSuccess(1);
        assertFalse(target.healthy(), "closed, but still ejected by the outlier detector");
        time.advance(Duration.ofSeconds(20));
        assertTrue(target.healthy());
    }

    @Test
    void theSnapshotReportsEveryPart() {
        target.onSuccess(Duration.ofMillis(50).toNanos());
        target.onFailure(error(502, "bad_upstream_response"));
        target.onFailure(error(429, null));
        TargetSnapshot s = target.snapshot();
        assertEquals("openai", s.provider());
        assertEquals("openai#0", s.key());
        assertEquals(State.CLOSED, s.state());
        assertEquals(1, s.consecutiveFailures());
        assertEquals(Optional.empty(), s.breakerRetryIn());
        assertEquals(2, s.windowCalls());
        assertEquals(0.5, s.windowErrorRate());
        assertEquals(Duration.ofSeconds(1), s.cooldownRemaining());
        assertEquals(1, s.rateLimitStreak());
        assertEquals(Optional.empty(), s.disabledReason());
        assertFalse(s.ejected());
        assertEquals(Optional.of(Duration.ofMillis(50)), s.latency());
        assertEquals(0.36, s.errorRate(), 1e-9);
        assertFalse(s.available());
    }
}
