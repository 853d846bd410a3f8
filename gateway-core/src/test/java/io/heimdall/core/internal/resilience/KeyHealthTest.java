package io.heimdall.core.internal.resilience;

import io.heimdall.api.model.GatewayError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyHealthTest {
    private final FakeTime time = new FakeTime();
    private final KeyHealth key = new KeyHealth(new CooldownSettings(Duration.ofSeconds(1), Duration.ofSeconds(10)),
            time);

    @Test
    void aFreshKeyIsAvailable() {
        assertTrue(key.available());
        assertTrue(key.tryAcquire());
        assertEquals(Duration.ZERO, key.cooldownRemaining());
        assertEquals(Optional.empty(), key.disabledReason());
        assertFalse(key.disabled());
    }

    @Test
    void consecutive429sRestTheKeyExponentiallyUpToMax() {
        long[] expected = {1, 2, 4, 8, 10, 10};
        for (long seconds : expected) {
            assertEquals(Duration.ofSeconds(seconds), key.rateLimited());
            assertFalse(key.available());
            assertFalse(key.tryAcquire());
            assertEquals(Duration.ofSeconds(seconds), key.cooldownRemaining());
            time.advance(Duration.ofSeconds(seconds).minusMillis(1));
            assertFalse(key.available());
            time.advanceMillis(1);
            assertTrue(key.available(), "after " + seconds + " s");
        }
        assertEquals(6, key.rateLimitStreak());
        key.onSuccess();
        assertEquals(0, key.rateLimitStreak());
        assertEquals(Duration.ofSeconds(1), key.rateLimited(), "a success starts the doubling over");
    }

    @Test
    void retryAfterIsHonouredAsGivenAndCountsInTheStreak() {
        assertEquals(Duration.ofSeconds(30), key.rateLimited(Duration.ofSeconds(30)));
        assertEquals(Duration.ofSeconds(30), key.cooldownRemaining(), "beyond max: the upstream knows best");
        time.advance(Duration.ofSeconds(30));
        assertTrue(key.available());
        assertEquals(Duration.ofSeconds(2), key.rateLimited(), "second 429 in a row");
    }

    @Test
    void rateLimitedByAnErrorReadsItsRetryAfter() {
        GatewayError e = GatewayError.of(429, GatewayError.RATE_LIMIT, "slow down", "rate_limit_exceeded");
        assertEquals(Duration.ofSeconds(1), key.rateLimited(e));
        time.advance(Duration.ofSeconds(1));
        assertEquals(Duration.ofSeconds(7), key.rateLimited(e.withRetryAfter(Duration.ofSeconds(7))));
    }

    @Test
    void aShorterRestNeverShortensALongerOne() {
        key.rateLimited(Duration.ofSeconds(20));
        key.rateLimited(Duration.ofSeconds(2));
        key.cooldown(Duration.ofSeconds(1));
        assertEquals(Duration.ofSeconds(20), key.cooldownRemaining());
        key.cooldown(Duration.ofSeconds(25));
        assertEquals(Duration.ofSeconds(25), key.cooldownRemaining());
        assertEquals(2, key.rateLimitStreak(), "cooldown() does not count a 429");
    }

    @Test
    void aDisabledKeyStaysOutUntilReplacedEvenAfterASuccess() {
        key.disable("HTTP 401 authentication_error (invalid_api_key)");
        assertFalse(key.available());
        assertFalse(key.tryAcquire());
        assertTrue(key.disabled());
        assertEquals(Optional.of("HTTP 401 authentication_error (invalid_api_key)"), key.disabledReason());
        time.advance(Duration.ofDays(400));
        assertFalse(key.available(), "no re-check configured: out until reload");
        key.onSuccess();
        assertTrue(key.disabled(), "a late success of a call that started before the 401 does not re-enable");
    }

    @Test
    void aDisabledKeyWithARecheckGetsOneTrialPerInterval() {
        KeyHealth k = new KeyHealth(new CooldownSettings(Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofMinutes(10)), time);
        k.disable("HTTP 403 permission_error");
        time.advance(Duration.ofMinutes(10).minusMillis(1));
        assertFalse(k.tryAcquire());
        time.advanceMillis(1);
        assertTrue(k.available());
        assertTrue(k.tryAcquire(), "the trial");
        assertFalse(k.tryAcquire(), "only one trial per interval");
        assertFalse(k.available());
        k.disable("HTTP 403 permission_error");
        time.advance(Duration.ofMinutes(5));
        assertFalse(k.tryAcquire(), "failed trial: out for another interval");
        time.advance(Duration.ofMinutes(5));
        assertTrue(k.tryAcquire());
        k.onSuccess();
        assertFalse(k.disabled(), "a successful trial re-enables");
        assertTrue(k.tryAcquire());
        assertTrue(k.tryAcquire());
    }

    @Test
    void reasonsAreBuiltFromStatusTypeAndCodeOnlyAndCleaned() {
        GatewayError e = GatewayError.of(401, GatewayError.AUTHENTICATION,
                "Incorrect API key provided: sk-live-1234567890abcdef", "invalid_api_key");
        String reason = KeyHealth.reason(e);
        assertEquals("HTTP 401 authentication_error (invalid_api_key)", reason);
        assertEquals("HTTP 403 permission_error", KeyHealth.reason(GatewayError.of(403, GatewayError.PERMISSION,
                "no", null)));
        assertEquals("HTTP 401 authentication_error (badcode)", KeyHealth.reason(GatewayError.of(401,
                GatewayError.AUTHENTICATION, "x", "bad code\n")));
        key.disable("line one\nline two\r\n" + "x".repeat(500));
        String stored = key.disabledReason().orElseThrow();
        assertFalse(stored.contains("\n"));
        assertTrue(stored.length() <= 203, stored.length() + "");
        key.disable("  ");
        assertEquals(Optional.of("disabled"), key.disabledReason());
    }

    @Test
    void newSettingsKeepTheState() {
        key.rateLimited();
        key.rateLimited();
        key.disable("HTTP 401 authentication_error");
        KeyHealth same = key.withSettings(key.settings());
        assertTrue(same == key);
        KeyHealth moved = key.withSettings(new CooldownSettings(Duration.ofSeconds(5), Duration.ofSeconds(50)));
        assertEquals(Duration.ofSeconds(2), moved.cooldownRemaining());
        assertEquals(Optional.of("HTTP 401 authentication_error"), moved.disabledReason());
        moved.onSuccess();
        time.advance(Duration.ofSeconds(2));
        assertEquals(Duration.ofSeconds(5), moved.rateLimited(), "the new initial");
    }
}
