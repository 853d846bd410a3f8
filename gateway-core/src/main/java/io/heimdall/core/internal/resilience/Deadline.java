package io.heimdall.core.internal.resilience;

import io.heimdall.api.model.GatewayError;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A request's total deadline, kept on the monotonic {@code nanoTime} scale so wall-clock jumps do not move it. A
 * value type: immutable, cheap, safe to share between threads.
 */
public final class Deadline {
    private final long atNanos;
    private final long budgetNanos;
    private final LongSupplier nanoTime;

    private Deadline(long atNanos, long budgetNanos, LongSupplier nanoTime) {
        this.atNanos = atNanos;
        this.budgetNanos = budgetNanos;
        this.nanoTime = nanoTime;
    }

    /** The deadline {@code timeout} from now on the given time source (negative timeouts mean already expired). */
    public static Deadline after(Duration timeout, LongSupplier nanoTime) {
        Objects.requireNonNull(nanoTime, "nanoTime");
        long budget = Nanos.of(timeout);
        // Wrapping arithmetic, compared by difference as System.nanoTime() asks: correct for budgets up to 292 years.
        return new Deadline(nanoTime.getAsLong() + budget, budget, nanoTime);
    }

    /** The deadline {@code timeout} from now on {@link System#nanoTime()}. */
    public static Deadline after(Duration timeout) {
        return after(timeout, System::nanoTime);
    }

    /** The deadline at a wall-clock instant (as {@code RequestContext.deadline()} gives it), read once on the clock. */
    public static Deadline at(Instant deadline, Clock clock, LongSupplier nanoTime) {
        return after(Duration.between(clock.instant(), deadline), nanoTime);
    }

    /** The deadline at a wall-clock instant, on the system clock and {@link System#nanoTime()}. */
    public static Deadline at(Instant deadline) {
        return at(deadline, Clock.systemUTC(), System::nanoTime);
    }

    /** The time left, in nanoseconds; 0 once expired. */
    public long remainingNanos() {
        long left = atNanos - nanoTime.getAsLong();
        return Math.max(0, left);
    }

    /** The time left; {@link Duration#ZERO} once expired. */
    public Duration remaining() {
        return Duration.ofNanos(remainingNanos());
    }

    /** Whether no time is left. */
    public boolean expired() {
        return remainingNanos() == 0;
    }

    /** The shorter of {@code limit} and the time left: the timeout to give one step of the request. */
    public Duration min(Duration limit) {
        long left = remainingNanos();
        return Nanos.of(limit) <= left ? (limit.isNegative() ? Duration.ZERO : limit) : Duration.ofNanos(left);
    }

    /** Whether waiting {@code wait} still leaves time for an attempt (strictly less than the time left). */
    public boolean allows(Duration wait) {
        return Nanos.of(wait) < remainingNanos();
    }

    /** The whole time the request was given, as it was when this deadline was made. */
    public Duration budget() {
        return Duration.ofNanos(budgetNanos);
    }

    /**
     * The 504 for a request whose deadline passed: type {@code timeout_error}, code {@code request_timeout}.
     *
     * @param what continues the sentence "The request timed out ...", e.g. {@code "after 3 attempts"} or
     *             {@code "while waiting for provider 'openai' to have capacity"}; no secrets
     */
    public GatewayError timeoutError(String what) {
        String message = "The request timed out " + what.strip() + " (time limit " + Nanos.human(budget()) + ")";
        return GatewayError.of(504, GatewayError.TIMEOUT, message, Failure.REQUEST_TIMEOUT);
    }

    @Override
    public String toString() {
        return "Deadline[remaining=" + remaining() + "]";
    }
}
