package io.heimdall.core.internal.resilience;

import io.heimdall.api.model.GatewayError;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;

/**
 * Everything the gateway knows about one target's health, and the one object the attempts loop talks to: the
 * target's {@link CircuitBreaker}, its key's {@link KeyHealth}, its {@link OutlierDetector}, and moving averages of
 * latency and errors. It routes each attempt's result to the parts it concerns ({@link #onFailure}).
 *
 * <p>Per attempt: {@link #tryAcquire()} (false = skip the target now), then exactly one of {@link #onSuccess},
 * {@link #onFailure} or {@link #onNeutral()} in a {@code finally}. {@link #healthy()} (no side effect) is what to put
 * in {@code Target.healthy} when building candidates, so the router plans unhealthy targets last.
 */
public final class TargetHealth {
    /** The weight of each new sample in the moving averages: about the last ten attempts count. */
    static final double ALPHA = 0.2;

    private final TargetSpec spec;
    private final LongSupplier nanoTime;
    private final CircuitBreaker breaker;
    private final KeyHealth key;
    private final OutlierDetector outlier;
    private final Ewma latency;
    private final Ewma errors;

    /**
     * A healthy target.
     *
     * @param spec     the target
     * @param settings its provider's settings
     * @param nanoTime the time source
     * @param listener told of the breaker's transitions
     */
    public TargetHealth(TargetSpec spec, ResilienceSettings settings, LongSupplier nanoTime,
                        CircuitBreaker.Listener listener) {
        this(spec, nanoTime, new CircuitBreaker(spec.label(), settings.breaker(), nanoTime, listener),
                new KeyHealth(settings.keyCooldown(), nanoTime), new OutlierDetector(settings.outlier(), nanoTime),
                new Ewma(ALPHA), new Ewma(ALPHA));
    }

    private TargetHealth(TargetSpec spec, LongSupplier nanoTime, CircuitBreaker breaker, KeyHealth key,
                         OutlierDetector outlier, Ewma latency, Ewma errors) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.nanoTime = nanoTime;
        this.breaker = breaker;
        this.key = key;
        this.outlier = outlier;
        this.latency = latency;
        this.errors = errors;
    }

    /**
     * This target under new settings: itself if nothing it uses changed; else a new holder that keeps the key's state
     * and the averages, and starts a fresh breaker or detector where theirs changed.
     */
    TargetHealth reconfigured(ResilienceSettings settings, CircuitBreaker.Listener listener) {
        boolean sameBreaker = breaker.settings().equals(settings.breaker());
        boolean sameOutlier = outlier.settings().equals(settings.outlier());
        if (sameBreaker && sameOutlier && key.settings().equals(settings.keyCooldown())) {
            return this;
        }
        return new TargetHealth(spec, nanoTime,
                sameBreaker ? breaker : new CircuitBreaker(spec.label(), settings.breaker(), nanoTime, listener),
                key.withSettings(settings.keyCooldown()),
                sameOutlier ? outlier : new OutlierDetector(settings.outlier(), nanoTime), latency, errors);
    }

    /** The target. */
    public TargetSpec spec() {
        return spec;
    }

    /** The circuit breaker. */
    public CircuitBreaker breaker() {
        return breaker;
    }

    /** The key's state. */
    public KeyHealth keyHealth() {
        return key;
    }

    /** The outlier detector. */
    public OutlierDetector outlier() {
        return outlier;
    }

    /**
     * Asks to make an attempt: false when the key rests or is disabled, or the breaker is open (or half-open with all
     * probe slots taken). True obliges the caller to report the attempt's end.
     */
    public boolean tryAcquire() {
        if (!key.available() || !breaker.tryAcquire()) {
            return false;
        }
        if (!key.tryAcquire()) {
            // Another caller took the disabled key's one trial meanwhile: give the breaker's slot back.
            breaker.onNeutral();
            return false;
        }
        return true;
    }

    /** Whether an attempt may be made now: the key is usable and the breaker is not open. No side effect. */
    public boolean available() {
        return key.available() && breaker.state() != CircuitBreaker.State.OPEN;
    }

    /** Whether the target is unavailable only because its key rests after a rate limit (not disabled, breaker not open). */
    public boolean resting() {
        return !key.available() && !key.disabled() && breaker.state() != CircuitBreaker.State.OPEN;
    }

    /** When the target may be available again, if it is not now (key rest or open breaker). */
    public Optional<Duration> availableIn() {
        Duration rest = key.cooldownRemaining();
        Optional<Duration> open = breaker.retryIn();
        if (open.isPresent() && open.get().compareTo(rest) > 0) {
            return open;
        }
        return rest.isZero() ? open : Optional.of(rest);
    }

    /** Whether the target is fully healthy: key usable, breaker closed, not ejected. No side effect. */
    public boolean healthy() {
        return key.available() && breaker.state() == CircuitBreaker.State.CLOSED && !outlier.ejected();
    }

    /** Reports a successful attempt and its latency (to the first byte for a stream, or the whole call). */
    public void onSuccess(long latencyNanos) {
        breaker.onSuccess();
        outlier.onSuccess();
        key.onSuccess();
        latency.add(Math.max(0, latencyNanos));
        errors.add(0);
    }

    /**
     * Reports a failed attempt and returns its kind ({@link Failure#classify}). Target faults count in the breaker and
     * the outlier detector; a 429 rests the key (for its {@code retry-after}, else exponentially); a 401/403 disables
     * the key (with a reason built from the status and codes only); anything else is neutral.
     */
    public Failure onFailure(GatewayError error) {
        Failure kind = Failure.classify(error);
        switch (kind) {
            case SERVER_ERROR, UNREACHABLE, BAD_RESPONSE, TIMEOUT -> {
                breaker.onFailure();
                outlier.onFailure();
            }
            case RATE_LIMITED -> {
                key.rateLimited(error);
                breaker.onNeutral();
            }
            case KEY_REJECTED -> {
                key.disable(KeyHealth.reason(error));
                breaker.onNeutral();
            }
            case OVERLOADED, DEADLINE, CLIENT_ERROR, CLIENT_CLOSED -> breaker.onNeutral();
        }
        if (kind.countsAsError()) {
            errors.add(1);
        }
        return kind;
    }

    /**
     * Reports an attempt that ended for a reason that is not the target's (client gone, a hook's rejection, the
     * request's deadline): frees a half-open probe slot, counts nothing.
     */
    public void onNeutral() {
        breaker.onNeutral();
    }

    /** The moving average of successful attempts' latency; empty before the first success. */
    public Optional<Duration> latency() {
        OptionalDouble v = latency.value();
        return v.isPresent() ? Optional.of(Duration.ofNanos((long) v.getAsDouble())) : Optional.empty();
    }

    /** The moving average of errors per attempt, in [0, 1]; 0 before the first attempt. */
    public double errorRate() {
        return errors.value().orElse(0);
    }

    /** The target's state now. */
    public TargetSnapshot snapshot() {
        CircuitBreaker.State state = breaker.state();
        return new TargetSnapshot(spec.provider(), spec.key(), state, breaker.consecutiveFailures(),
                breaker.retryIn(), breaker.windowCalls(), breaker.windowErrorRate(), key.cooldownRemaining(),
                key.rateLimitStreak(), key.disabledReason(), outlier.ejected(), latency(), errorRate(),
                key.available() && state != CircuitBreaker.State.OPEN);
    }

    @Override
    public String toString() {
        return "TargetHealth[" + spec.label() + "]";
    }
}
