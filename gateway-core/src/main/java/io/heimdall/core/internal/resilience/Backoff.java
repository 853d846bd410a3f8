package io.heimdall.core.internal.resilience;

import io.heimdall.api.model.GatewayError;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The wait before a retry. Stateless and thread-safe: every method is a function of its arguments (and of the random
 * source, which tests pass seeded).
 *
 * <p>The ceiling of retry {@code n} (1-based) is {@code min(maxBackoff, initialBackoff × 2^(n-1))}. Jitter takes a
 * random part of it away: the delay is uniform in {@code [ceiling × (1 - jitter), ceiling]}. So {@code jitter = 1} is
 * the "full jitter" of the AWS architecture blog (uniform in [0, ceiling]), {@code 0.5} is "equal jitter" (half fixed,
 * half random) and {@code 0} is plain doubling. Jitter only ever shortens a delay, so {@code maxBackoff} is a true
 * upper bound, and simultaneous failures spread out instead of retrying in lockstep.
 *
 * <p>An upstream {@code retry-after} replaces the computed delay, without jitter (it is the upstream's lower bound),
 * when it is at most {@code maxRetryAfter}. A longer one is reported as {@link Source#RETRY_AFTER_EXCEEDS_CAP}: the
 * caller should not wait but move to the next target (and cool the key down for that long, see {@link KeyHealth}).
 */
public final class Backoff {
    private final RetrySettings settings;
    private final long initialNanos;
    private final long maxNanos;
    private final long maxRetryAfterNanos;

    /** A backoff with the given settings. */
    public Backoff(RetrySettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.initialNanos = Nanos.of(settings.initialBackoff());
        this.maxNanos = Nanos.of(settings.maxBackoff());
        this.maxRetryAfterNanos = Nanos.of(settings.maxRetryAfter());
    }

    /** Where a delay comes from. */
    public enum Source {
        /** Computed by doubling with jitter. */
        BACKOFF,
        /** The upstream's {@code retry-after}, within {@code maxRetryAfter}: wait that long. */
        RETRY_AFTER,
        /** The upstream's {@code retry-after}, longer than {@code maxRetryAfter}: do not wait; try the next target. */
        RETRY_AFTER_EXCEEDS_CAP
    }

    /**
     * A delay before a retry.
     *
     * @param duration how long to wait; for {@link Source#RETRY_AFTER_EXCEEDS_CAP} the upstream's whole hint
     * @param source   where it comes from
     */
    public record Delay(Duration duration, Source source) {
        /** Checks the fields. */
        public Delay {
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(source, "source");
        }

        /** Whether the caller should wait {@link #duration()} and retry, rather than move on at once. */
        public boolean shouldWait() {
            return source != Source.RETRY_AFTER_EXCEEDS_CAP;
        }
    }

    /** The settings. */
    public RetrySettings settings() {
        return settings;
    }

    /** Whether retry number {@code retry} (1-based) is within {@code maxRetries}. */
    public boolean allows(int retry) {
        return retry >= 1 && retry <= settings.maxRetries();
    }

    /**
     * The delay before retry {@code retry} (1-based) after {@code cause}: its {@code retry-after} if it has one, else
     * the jittered backoff (random numbers from {@link ThreadLocalRandom}).
     */
    public Delay delay(int retry, GatewayError cause) {
        return cause.retryAfter().map(this::retryAfter).orElseGet(() -> delay(retry));
    }

    /** The jittered delay before retry {@code retry} (1-based), with random numbers from {@link ThreadLocalRandom}. */
    public Delay delay(int retry) {
        return delay(retry, ThreadLocalRandom.current());
    }

    /** The jittered delay before retry {@code retry} (1-based), drawing one number from {@code random}. */
    public Delay delay(int retry, RandomGenerator random) {
        long ceiling = ceilingNanos(retry);
        long cut = (long) (ceiling * settings.jitter() * random.nextDouble());
        return new Delay(Duration.ofNanos(ceiling - cut), Source.BACKOFF);
    }

    /** How an upstream's {@code retry-after} is honoured: wait it out, or move on when it exceeds the cap. */
    public Delay retryAfter(Duration retryAfter) {
        Duration d = retryAfter.isNegative() ? Duration.ZERO : retryAfter;
        return new Delay(d, Nanos.of(d) <= maxRetryAfterNanos ? Source.RETRY_AFTER : Source.RETRY_AFTER_EXCEEDS_CAP);
    }

    /** The delay of retry {@code retry} (1-based) before jitter: {@code min(maxBackoff, initialBackoff × 2^(n-1))}. */
    public Duration ceiling(int retry) {
        return Duration.ofNanos(ceilingNanos(retry));
    }

    private long ceilingNanos(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry numbers start at 1: " + retry);
        }
        return Nanos.doubling(initialNanos, retry, maxNanos);
    }
}
