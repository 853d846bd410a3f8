package io.heimdall.api.admin;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The health of one target, a provider with one of its keys, as the core tracks it.
 *
 * @param provider            the provider's configured name
 * @param key                 the key's configured name (never its value)
 * @param available           whether requests may use it now
 * @param breaker             the circuit breaker: {@code closed}, {@code open} or {@code half-open}
 * @param consecutiveFailures failures in a row
 * @param errorRate           the recent error rate, 0 to 1
 * @param availableIn         when it is unavailable, how long until it may be tried again, if known
 * @param cooldown            how long the key still rests after a rate limit (zero when it does not)
 * @param disabledReason      why the key is disabled (a refused credential), if it is
 * @param ejected             whether outlier detection ejected it
 * @param latency             its recent typical latency, when measured
 */
public record TargetState(String provider, String key, boolean available, String breaker, int consecutiveFailures,
                          double errorRate, Optional<Duration> availableIn, Duration cooldown,
                          Optional<String> disabledReason, boolean ejected, Optional<Duration> latency) {
    /** Validates the fields. */
    public TargetState {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(availableIn, "availableIn");
        Objects.requireNonNull(cooldown, "cooldown");
        Objects.requireNonNull(disabledReason, "disabledReason");
        Objects.requireNonNull(latency, "latency");
    }
}
