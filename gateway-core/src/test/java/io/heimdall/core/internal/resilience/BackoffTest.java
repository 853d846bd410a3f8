package io.heimdall.core.internal.resilience;

import io.heimdall.api.model.GatewayError;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    private static Backoff backoff(long initialMs, long maxMs, double jitter, long maxRetryAfterMs) {
        return new Backoff(new RetrySettings(3, Duration.ofMillis(initialMs), Duration.ofMillis(maxMs), jitter,
                Duration.ofMillis(maxRetryAfterMs)));
    }

    @Test
    void ceilingDoublesFromInitialUpToMax() {
        Backoff b = backoff(100, 1000, 0, 0);
        long[] expected = {100, 200, 400, 800, 1000, 1000};
        for (int n = 1; n <= expected.length; n++) {
            assertEquals(Duration.ofMillis(expected[n - 1]), b.ceiling(n), "retry " + n);
            assertEquals(Duration.ofMillis(expected[n - 1]), b.delay(n).duration(), "no jitter, retry " + n);
        }
    }

    @Test
    void hugeRetryNumbersAndDurationsDoNotOverflow() {
        Backoff b = new Backoff(new RetrySettings(1, Duration.ofSeconds(1), Duration.ofDays(3650), 0,
                Duration.ZERO));
        assertEquals(Duration.ofDays(3650), b.ceiling(Integer.MAX_VALUE));
        assertEquals(Duration.ofDays(3650), b.ceiling(64));
        assertEquals(Duration.ofSeconds(1L << 19), b.ceiling(20));
    }

    @Test
    void jitteredDelaysStayWithinBoundsOverManySeeds() {
        for (double jitter : new double[] {0, 0.1, 0.5, 1}) {
            Backoff b = backoff(100, 3_000, jitter, 0);
            for (long seed = 0; seed < 2_000; seed++) {
                SplittableRandom random = new SplittableRandom(seed);
                for (int n = 1; n <= 8; n++) {
                    long ceiling = b.ceiling(n).toNanos();
                    long d = b.delay(n, random).duration().toNanos();
                    long floor = (long) Math.ceil(ceiling * (1 - jitter));
                    assertTrue(d <= ceiling && d >= floor,
                            "jitter " + jitter + " seed " + seed + " retry " + n + ": " + d + " not in [" + floor
                                    + ", " + ceiling + "]");
                }
            }
        }
    }

    @Test
    void fullJitterSpreadsOverTheWholeRangeAndEqualJitterOverTheUpperHalf() {
        Backoff full = backoff(1000, 1000, 1, 0);
        Backoff equal = backoff(1000, 1000, 0.5, 0);
        SplittableRandom random = new SplittableRandom(42);
        long minFull = Long.MAX_VALUE;
        long minEqual = Long.MAX_VALUE;
        double sumFull = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            long f = full.delay(1, random).duration().toMillis();
            minFull = Math.min(minFull, f);
            sumFull += f;
            minEqual = Math.min(minEqual, equal.delay(1, random).duration().toMillis());
        }
        assertTrue(minFull < 10, "full jitter reaches near zero: " + minFull);
        assertTrue(Math.abs(sumFull / n - 500) < 20, "full jitter averages half the ceiling: " + sumFull / n);
        assertTrue(minEqual >= 500 && minEqual < 510, "equal jitter keeps half: " + minEqual);
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        Backoff b = backoff(100, 10_000, 0.7, 0);
        for (int n = 1; n <= 6; n++) {
            assertEquals(b.delay(n, new SplittableRandom(7)), b.delay(n, new SplittableRandom(7)));
        }
    }

    @Test
    void retryAfterWithinTheCapIsHonouredExactly() {
        Backoff b = backoff(100, 1000, 1, 5_000);
        Backoff.Delay d = b.retryAfter(Duration.ofSeconds(3));
        assertEquals(Duration.ofSeconds(3), d.duration());
        assertEquals(Backoff.Source.RETRY_AFTER, d.source());
        assertTrue(d.shouldWait());
        assertEquals(Backoff.Source.RETRY_AFTER, b.retryAfter(Duration.ofSeconds(5)).source(), "the cap itself");
        assertEquals(Duration.ZERO, b.retryAfter(Duration.ofSeconds(-2)).duration());
    }

    @Test
    void retryAfterBeyondTheCapIsReportedNotWaited() {
        Backoff b = backoff(100, 1000, 1, 5_000);
        Backoff.Delay d = b.retryAfter(Duration.ofMillis(5_001));
        assertEquals(Backoff.Source.RETRY_AFTER_EXCEEDS_CAP, d.source());
        assertFalse(d.shouldWait());
        assertEquals(Duration.ofMillis(5_001), d.duration(), "the whole hint, for the key's cooldown");
    }

    @Test
    void delayForAnErrorUsesItsRetryAfterOrTheBackoff() {
        Backoff b = backoff(100, 1000, 0, 2_000);
        GatewayError limited = GatewayError.of(429, GatewayError.RATE_LIMIT, "slow down", "rate_limit_exceeded");
        assertEquals(new Backoff.Delay(Duration.ofMillis(400), Backoff.Source.BACKOFF), b.delay(3, limited));
        assertEquals(new Backoff.Delay(Duration.ofSeconds(2), Backoff.Source.RETRY_AFTER),
                b.delay(3, limited.withRetryAfter(Duration.ofSeconds(2))));
        assertEquals(Backoff.Source.RETRY_AFTER_EXCEEDS_CAP,
                b.delay(1, limited.withRetryAfter(Duration.ofSeconds(30))).source());
    }

    @Test
    void retriesAreNumberedFromOneUpToMax() {
        Backoff b = backoff(100, 1000, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> b.delay(0));
        assertFalse(b.allows(0));
        assertTrue(b.allows(1));
        assertTrue(b.allows(3));
        assertFalse(b.allows(4));
    }

    @Test
    void settingsAreValidatedWithTheirConfigKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RetrySettings(1,
                Duration.ofMillis(100), Duration.ofMillis(10), 0.5, Duration.ZERO));
        assertTrue(e.getMessage().contains("routing.retries.max-backoff"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RetrySettings(1, Duration.ofMillis(100),
                Duration.ofMillis(100), 1.5, Duration.ZERO));
        assertTrue(e.getMessage().contains("routing.retries.jitter"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RetrySettings(-1, Duration.ofMillis(100),
                Duration.ofMillis(100), 0, Duration.ZERO));
    }
}
