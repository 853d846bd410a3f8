package io.heimdall.core.internal.resilience;

import java.time.Duration;
import java.util.Optional;

/**
 * One target's health at one moment, for an admin API or metrics. Holds no secret.
 *
 * @param provider            the provider's name
 * @param key                 the key's id; empty for a provider without keys
 * @param state               the circuit breaker's state
 * @param consecutiveFailures target faults in a row
 * @param breakerRetryIn      how long an open breaker stays open; empty when not open
 * @param windowCalls         calls in the breaker's sliding window
 * @param windowErrorRate     failures / calls in the window; 0 without calls
 * @param cooldownRemaining   what remains of the key's rest after a 429; zero when none
 * @param rateLimitStreak     429s in a row
 * @param disabledReason      why the key is disabled; empty when it is not
 * @param ejected             whether outlier ejection has the target planned last
 * @param latency             the moving average of successful calls' latency; empty before the first success
 * @param errorRate           the moving average of errors ({@link Failure#countsAsError()}) per attempt, in [0, 1];
 *                            0 before the first attempt
 * @param available           whether an attempt would be admitted now (key usable, breaker not open)
 */
public record TargetSnapshot(String provider, String key, CircuitBreaker.State state, int consecutiveFailures,
                             Optional<Duration> breakerRetryIn, int windowCalls, double windowErrorRate,
                             Duration cooldownRemaining, int rateLimitStreak, Optional<String> disabledReason,
                             boolean ejected, Optional<Duration> latency, double errorRate, boolean available) {
}
