package io.heimdall.core.internal.resilience;

import java.time.Duration;

/**
 * When a target's circuit breaker opens and for how long ({@code routing.circuit-breaker}).
 *
 * @param enabled             {@code enabled}: false = the breaker always admits and never opens
 * @param consecutiveFailures {@code consecutive-failures}: open after this many failures in a row (0 = never by count)
 * @param errorRate           {@code error-rate}: open when failures / calls over the window reach this, in (0, 1]
 *                            (0 = never by rate)
 * @param window              {@code window}: the sliding time window of the error rate
 * @param minRequests         {@code min-requests}: the error rate counts only with at least this many calls in the
 *                            window
 * @param openFor             {@code open-for}: how long the breaker stays open the first time
 * @param halfOpenProbes      {@code half-open-probes}: how many probe calls may run at once when half-open
 * @param maxOpenFor          the cap of the open period, which doubles each time a probe fails (not a config key;
 *                            the seven-argument constructor sets it to 8 × {@code openFor})
 */
public record BreakerSettings(boolean enabled, int consecutiveFailures, double errorRate, Duration window,
                              int minRequests, Duration openFor, int halfOpenProbes, Duration maxOpenFor) {
    /** How much the open period may grow by doubling when {@code maxOpenFor} is not given. */
    public static final int OPEN_FOR_GROWTH = 8;

    /** Enabled; 5 failures in a row, or 50 % of at least 20 calls in 30 s; open 30 s (up to 4 min); 1 probe. */
    public static final BreakerSettings DEFAULTS = new BreakerSettings(true, 5, 0.5, Duration.ofSeconds(30), 20,
            Duration.ofSeconds(30), 1);

    /** A breaker that never opens. */
    public static final BreakerSettings DISABLED = new BreakerSettings(false, 5, 0.5, Duration.ofSeconds(30), 20,
            Duration.ofSeconds(30), 1);

    /** Validates the fields. */
    public BreakerSettings {
        Settings.require(consecutiveFailures >= 0,
                "routing.circuit-breaker.consecutive-failures must be >= 0: " + consecutiveFailures);
        Settings.require(errorRate >= 0 && errorRate <= 1,
                "routing.circuit-breaker.error-rate must be in [0, 1]: " + errorRate);
        Settings.positive(window, "routing.circuit-breaker.window must be positive");
        Settings.require(minRequests >= 1, "routing.circuit-breaker.min-requests must be >= 1: " + minRequests);
        Settings.positive(openFor, "routing.circuit-breaker.open-for must be positive");
        Settings.require(halfOpenProbes >= 1,
                "routing.circuit-breaker.half-open-probes must be >= 1: " + halfOpenProbes);
        Settings.require(maxOpenFor != null && maxOpenFor.compareTo(openFor) >= 0,
                "the circuit breaker's maximum open period must be >= open-for");
    }

    /** The settings as configured: {@code maxOpenFor} is {@value #OPEN_FOR_GROWTH} × {@code openFor}. */
    public BreakerSettings(boolean enabled, int consecutiveFailures, double errorRate, Duration window,
                           int minRequests, Duration openFor, int halfOpenProbes) {
        this(enabled, consecutiveFailures, errorRate, window, minRequests, openFor, halfOpenProbes,
                openFor == null ? null : grown(openFor));
    }

    private static Duration grown(Duration openFor) {
        return openFor.compareTo(Duration.ofDays(365)) > 0 ? openFor : openFor.multipliedBy(OPEN_FOR_GROWTH);
    }
}
