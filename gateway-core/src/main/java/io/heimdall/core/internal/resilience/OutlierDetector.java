package io.heimdall.core.internal.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Passive outlier ejection of one target: {@code consecutiveFailures} target faults in a row eject it for
 * {@code ejectFor}. Lock-free (atomics only) and allocation-free.
 *
 * <p>Why it is not folded into {@link CircuitBreaker}: the two act differently. An open breaker is a hard stop
 * ({@code tryAcquire} false: the target is skipped) with probe accounting. Ejection is a soft signal: an ejected
 * target is reported unhealthy ({@code Target.healthy = false}), so the router plans it after every healthy target
 * but it still serves when nothing else is left (Envoy's "panic" behaviour, without its percentage knob), and it
 * needs no result protocol. They also have separate settings ({@code routing.outlier-ejection} versus
 * {@code routing.circuit-breaker}), so either can be turned off alone.
 *
 * <p>The failure count is not reset by an ejection: once the period ends, the next fault ejects the target again at
 * once, and only a success starts the count over.
 */
public final class OutlierDetector {
    private final OutlierSettings settings;
    private final LongSupplier nanoTime;
    private final long ejectNanos;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong ejectedUntil = new AtomicLong();
    private final AtomicInteger ejections = new AtomicInteger();

    /** A detector with nothing ejected. */
    public OutlierDetector(OutlierSettings settings, LongSupplier nanoTime) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.ejectNanos = Nanos.of(settings.ejectFor());
    }

    /** The settings. */
    public OutlierSettings settings() {
        return settings;
    }

    /** Reports a success: the count of failures in a row starts over. */
    public void onSuccess() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /** Reports a target fault; returns true if this failure ejected the target. */
    public boolean onFailure() {
        int failures = consecutiveFailures.incrementAndGet();
        if (!settings.enabled() || failures < settings.consecutiveFailures()) {
            return false;
        }
        long now = nanoTime.getAsLong();
        long until = ejectedUntil.get();
        if (ejections.get() > 0 && now - until < 0) {
            return false;
        }
        if (ejectedUntil.compareAndSet(until, now + ejectNanos)) {
            ejections.incrementAndGet();
            return true;
        }
        return false;
    }

    /** Whether the target is ejected now. */
    public boolean ejected() {
        return ejections.get() > 0 && nanoTime.getAsLong() - ejectedUntil.get() < 0;
    }

    /** What remains of the ejection; zero when not ejected. */
    public Duration ejectedFor() {
        long left = ejectedUntil.get() - nanoTime.getAsLong();
        return ejections.get() > 0 && left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }

    /** Target faults in a row. */
    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    /** How many times the target was ejected. */
    public int ejections() {
        return ejections.get();
    }
}
