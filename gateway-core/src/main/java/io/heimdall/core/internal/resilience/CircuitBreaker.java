package io.heimdall.core.internal.resilience;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The circuit breaker of one target (a provider and one of its keys). Lock-free: the state is one immutable phase
 * swapped by compare-and-set (an allocation only on a transition), counters are atomics, the error-rate window is a
 * {@link SlidingWindow}. No timer thread: an open breaker becomes half-open when a caller looks at it after
 * {@code openFor}.
 *
 * <ul>
 *   <li>{@link State#CLOSED}: every call is admitted. It opens after {@code consecutiveFailures} failures in a row, or
 *       when failures reach {@code errorRate} of the calls in the sliding {@code window}, counted only once the
 *       window holds at least {@code minRequests} calls.</li>
 *   <li>{@link State#OPEN}: no call is admitted for the open period: {@code openFor} the first time, doubled each
 *       time a half-open probe fails, up to {@code maxOpenFor}; it goes back to {@code openFor} once closed.</li>
 *   <li>{@link State#HALF_OPEN}: at most {@code halfOpenProbes} calls at once are admitted as probes. A success
 *       closes the breaker (forgetting the window), a failure opens it again; a neutral result frees the probe's
 *       slot.</li>
 * </ul>
 *
 * <p>Protocol: every {@link #tryAcquire()} that returns true must be followed by exactly one of {@link #onSuccess()},
 * {@link #onFailure()} or {@link #onNeutral()} (in a {@code finally}), or a half-open breaker may wait for a probe
 * that never reports. Results of calls admitted in an earlier state count in the current one (as in
 * Resilience4j): a late success while half-open closes the breaker, results while open are ignored.
 */
public final class CircuitBreaker {
    private static final System.Logger LOG = System.getLogger(CircuitBreaker.class.getName());

    /** The breaker's state. */
    public enum State {
        /** Calls pass; failures are counted. */
        CLOSED,
        /** Calls are refused until the open period ends. */
        OPEN,
        /** A few probe calls pass; the first result decides. */
        HALF_OPEN
    }

    /**
     * A change of state, for logs and metrics.
     *
     * @param name    the breaker's name (provider and key name; never a secret)
     * @param from    the state before
     * @param to      the state after
     * @param reason  why, in words safe to log, e.g. {@code "5 consecutive failures"}
     * @param openFor the open period when {@code to} is {@link State#OPEN}, else zero
     */
    public record Transition(String name, State from, State to, String reason, Duration openFor) {
    }

    /** Receives transitions, on the thread that caused them; it must be quick and must not throw. */
    @FunctionalInterface
    public interface Listener {
        /** Ignores transitions. */
        Listener NONE = t -> { };

        /** Logs openings at WARNING and other transitions at INFO. */
        Listener LOGGING = t -> LOG.log(t.to() == State.OPEN ? System.Logger.Level.WARNING
                        : System.Logger.Level.INFO, "Circuit breaker {0}: {1} -> {2} ({3}){4}", t.name(), t.from(),
                t.to(), t.reason(), t.to() == State.OPEN ? " for " + Nanos.human(t.openFor()) : "");

        /** Called after each transition. */
        void onTransition(Transition transition);
    }

    /** One state with its times, replaced as a whole. */
    private record Phase(State state, long openUntil, long openNanos) {
    }

    private final String name;
    private final BreakerSettings settings;
    private final LongSupplier nanoTime;
    private final Listener listener;
    private final long baseOpenNanos;
    private final long maxOpenNanos;
    private final AtomicReference<Phase> phase;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicInteger probes = new AtomicInteger();
    private final SlidingWindow window;

    /**
     * Creates a closed breaker.
     *
     * @param name     a name for logs: provider and key name, never a secret
     * @param settings when to open and for how long
     * @param nanoTime the time source ({@code System::nanoTime}, or a fake in tests)
     * @param listener told of every transition
     */
    public CircuitBreaker(String name, BreakerSettings settings, LongSupplier nanoTime, Listener listener) {
        this.name = Objects.requireNonNull(name, "name");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.baseOpenNanos = Nanos.of(settings.openFor());
        this.maxOpenNanos = Nanos.of(settings.maxOpenFor());
        this.phase = new AtomicReference<>(new Phase(State.CLOSED, 0, baseOpenNanos));
        this.window = new SlidingWindow(settings.window(), nanoTime.getAsLong());
    }

    /** The name given at creation. */
    public String name() {
        return name;
    }

    /** The settings. */
    public BreakerSettings settings() {
        return settings;
    }

    /**
     * Asks to make a call: true = go ahead (and report the result), false = skip this target now. Closed: always
     * true. Open: false until the open period ends, then the breaker turns half-open. Half-open: true for at most
     * {@code halfOpenProbes} calls at once.
     */
    public boolean tryAcquire() {
        if (!settings.enabled()) {
            return true;
        }
        Phase p = current();
        return switch (p.state) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> acquireProbe();
        };
    }

    private boolean acquireProbe() {
        while (true) {
            int n = probes.get();
            if (n >= settings.halfOpenProbes()) {
                return false;
            }
            if (probes.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void releaseProbe() {
        while (true) {
            int n = probes.get();
            if (n <= 0 || probes.compareAndSet(n, n - 1)) {
                return;
            }
        }
    }

    /** The phase, after turning an open breaker whose period has ended half-open. */
    private Phase current() {
        Phase p = phase.get();
        while (p.state == State.OPEN && nanoTime.getAsLong() - p.openUntil >= 0) {
            Phase half = new Phase(State.HALF_OPEN, p.openUntil, p.openNanos);
            if (phase.compareAndSet(p, half)) {
                fire(State.OPEN, State.HALF_OPEN, "open period of " + Nanos.human(Duration.ofNanos(p.openNanos))
                        + " ended", 0);
                return half;
            }
            p = phase.get();
        }
        return p;
    }

    /** Reports a successful call. */
    public void onSuccess() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
        Phase p = settings.enabled() ? current() : phase.get();
        if (p.state == State.CLOSED) {
            window.record(nanoTime.getAsLong(), false);
        } else if (p.state == State.HALF_OPEN) {
            releaseProbe();
            Phase closed = new Phase(State.CLOSED, 0, baseOpenNanos);
            if (phase.compareAndSet(p, closed)) {
                window.reset();
                fire(State.HALF_OPEN, State.CLOSED, "probe succeeded", 0);
            }
        }
    }

    /** Reports a call that failed through the target's fault ({@link Failure#targetFault()}). */
    public void onFailure() {
        int failures = consecutiveFailures.incrementAndGet();
        if (!settings.enabled()) {
            return;
        }
        Phase p = current();
        long now = nanoTime.getAsLong();
        if (p.state == State.HALF_OPEN) {
            releaseProbe();
            long open = Math.min(maxOpenNanos, p.openNanos > maxOpenNanos / 2 ? maxOpenNanos : p.openNanos * 2);
            open(p, State.HALF_OPEN, now, open, "probe failed");
        } else if (p.state == State.CLOSED) {
            window.record(now, true);
            if (settings.consecutiveFailures() > 0 && failures >= settings.consecutiveFailures()) {
                open(p, State.CLOSED, now, baseOpenNanos, failures + " consecutive failures");
                return;
            }
            if (settings.errorRate() > 0) {
                long counts = window.counts(now);
                int calls = SlidingWindow.calls(counts);
                int failed = SlidingWindow.failures(counts);
                if (calls >= settings.minRequests() && failed >= settings.errorRate() * calls) {
                    open(p, State.CLOSED, now, baseOpenNanos, String.format(java.util.Locale.ROOT,
                            "error rate %.0f%% of %d calls in %s", 100.0 * failed / calls, calls,
                            Nanos.human(settings.window())));
                }
            }
        }
    }

    private void open(Phase from, State fromState, long now, long openNanos, String reason) {
        if (phase.compareAndSet(from, new Phase(State.OPEN, now + openNanos, openNanos))) {
            probes.set(0);
            fire(fromState, State.OPEN, reason, openNanos);
        }
    }

    /**
     * Reports a call that ended for a reason that is not the target's fault (client gone, a hook's rejection, a 4xx
     * of the request, a 429 or 401 handled by {@link KeyHealth}): frees a half-open probe slot, counts nothing.
     */
    public void onNeutral() {
        if (settings.enabled() && phase.get().state == State.HALF_OPEN) {
            releaseProbe();
        }
    }

    /** The current state (an open breaker whose period has ended is reported, and turned, half-open). */
    public State state() {
        return settings.enabled() ? current().state : State.CLOSED;
    }

    /** How long until an open breaker admits probes; empty when not open. */
    public Optional<Duration> retryIn() {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        Phase p = current();
        if (p.state != State.OPEN) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(Math.max(0, p.openUntil - nanoTime.getAsLong())));
    }

    /** Target faults in a row since the last success. */
    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    /** Calls counted in the sliding window (successes and target faults; zero right after closing). */
    public int windowCalls() {
        return SlidingWindow.calls(window.counts(nanoTime.getAsLong()));
    }

    /** Failures / calls in the sliding window; 0 without calls. */
    public double windowErrorRate() {
        long counts = window.counts(nanoTime.getAsLong());
        int calls = SlidingWindow.calls(counts);
        return calls == 0 ? 0 : (double) SlidingWindow.failures(counts) / calls;
    }

    /** Probe calls in flight while half-open. */
    int probesInFlight() {
        return probes.get();
    }

    private void fire(State from, State to, String reason, long openNanos) {
        try {
            listener.onTransition(new Transition(name, from, to, reason, Duration.ofNanos(openNanos)));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Circuit breaker listener failed", e);
        }
    }

    @Override
    public String toString() {
        return "CircuitBreaker[" + name + ", " + phase.get().state + "]";
    }
}
