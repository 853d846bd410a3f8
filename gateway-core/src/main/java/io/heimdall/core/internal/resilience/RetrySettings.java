package io.heimdall.core.internal.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * How attempts are retried ({@code routing.retries}).
 *
 * @param maxRetries     {@code max}: how many retries may follow the first attempt (0 = none)
 * @param initialBackoff {@code initial-backoff}: the delay before the first retry, before jitter
 * @param maxBackoff     {@code max-backoff}: the largest delay computed by doubling
 * @param jitter         {@code jitter}: the fraction in [0, 1] of each delay that is randomised away; see
 *                       {@link Backoff} (1 = "full jitter", 0.5 = "equal jitter", 0 = none)
 * @param maxRetryAfter  {@code max-retry-after}: the longest upstream {@code retry-after} the gateway waits for; a
 *                       longer one makes the caller move to the next target instead
 */
public record RetrySettings(int maxRetries, Duration initialBackoff, Duration maxBackoff, double jitter,
                            Duration maxRetryAfter) {
    /** Two retries, 250 ms doubling to 4 s, equal jitter, retry-after honoured up to 10 s. */
    public static final RetrySettings DEFAULTS = new RetrySettings(2, Duration.ofMillis(250), Duration.ofSeconds(4),
            0.5, Duration.ofSeconds(10));

    /** Validates the fields. */
    public RetrySettings {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        Settings.require(maxRetries >= 0, "routing.retries.max must be >= 0: " + maxRetries);
        Settings.require(!initialBackoff.isNegative(), "routing.retries.initial-backoff must not be negative");
        Settings.require(maxBackoff.compareTo(initialBackoff) >= 0,
                "routing.retries.max-backoff must be >= initial-backoff");
        Settings.require(jitter >= 0 && jitter <= 1, "routing.retries.jitter must be in [0, 1]: " + jitter);
        Settings.require(!maxRetryAfter.isNegative(), "routing.retries.max-retry-after must not be negative");
    }
}
