package io.heimdall.core.internal.resilience;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * At most {@code maxConcurrency} calls in flight to one provider; up to {@code maxQueue} more callers wait, first come
 * first served, for at most {@code queueTimeout} (less if their deadline is sooner). Built on a fair
 * {@link Semaphore}: waiters park (a virtual thread unmounts), no monitor is held, and an interrupted waiter leaves
 * the queue at once without taking or leaking a slot.
 *
 * <p>Refusals are 503 {@code api_error}, code {@code provider_overloaded}, with a {@code retryAfter}. 503 rather than
 * 429: the limit is the gateway's capacity, not something the client did; and a 429 would be classified as
 * {@link Failure#RATE_LIMITED} and cool a healthy key down. {@link Failure#classify} sees it as
 * {@link Failure#OVERLOADED}: retryable on another provider, neutral for breakers. A wait cut short by the request's
 * deadline is the deadline's 504 {@code request_timeout}; an interrupted wait is 499 {@code client_closed_request}
 * with the interrupt flag kept.
 *
 * <p>{@link #update} changes the limits in place (a config reload): slots held and callers waiting are kept, so the
 * count stays exact across reloads. Lowering the limit lets calls in flight finish; new ones wait until the count is
 * below the new limit.
 */
public final class Bulkhead {
    /** Permits of an unlimited bulkhead: far more than any number of threads. */
    private static final int UNLIMITED = Integer.MAX_VALUE / 2;

    /** A fair semaphore whose size can shrink. */
    private static final class Slots extends Semaphore {
        private static final long serialVersionUID = 1L;

        Slots(int permits) {
            super(permits, true);
        }

        void shrink(int by) {
            reducePermits(by);
        }
    }

    private final String provider;
    private final Slots slots;
    private final ReentrantLock updates = new ReentrantLock();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();
    private volatile BulkheadSettings settings;

    /**
     * Creates a bulkhead.
     *
     * @param provider the provider's name, for error messages
     * @param settings the limits
     */
    public Bulkhead(String provider, BulkheadSettings settings) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.slots = new Slots(limit(settings));
    }

    private static int limit(BulkheadSettings s) {
        return s.unlimited() ? UNLIMITED : s.maxConcurrency();
    }

    /**
     * Takes a slot, waiting in line if all are taken and the queue has room.
     *
     * @param deadline the request's deadline: the wait ends at it at the latest
     * @return the slot, to close when the call ends (for a stream: when the stream ends)
     * @throws GatewayException 503 {@code provider_overloaded} when the queue is full or the wait timed out; 504
     *                          {@code request_timeout} when the deadline came first; 499 when interrupted
     */
    public Permit acquire(Deadline deadline) {
        BulkheadSettings s = settings;
        try {
            if (slots.tryAcquire(0, TimeUnit.NANOSECONDS)) {
                return granted();
            }
            if (queued.incrementAndGet() > s.maxQueue()) {
                queued.decrementAndGet();
                rejected.incrementAndGet();
                throw new GatewayException(overloaded(s, "all " + s.maxConcurrency()
                        + " slots are busy and " + s.maxQueue() + " requests are already waiting"));
            }
            long timeout = Nanos.of(s.queueTimeout());
            long left = deadline.remainingNanos();
            boolean byDeadline = left < timeout;
            boolean ok;
            try {
                ok = slots.tryAcquire(Math.min(timeout, left), TimeUnit.NANOSECONDS);
            } finally {
                queued.decrementAndGet();
            }
            if (ok) {
                return granted();
            }
            rejected.incrementAndGet();
            if (byDeadline) {
                throw new GatewayException(deadline.timeoutError("while waiting for provider '" + provider
                        + "' to have capacity"));
            }
            throw new GatewayException(overloaded(s, "no slot became free within "
                    + Nanos.human(s.queueTimeout())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(GatewayError.of(499, GatewayError.INVALID_REQUEST,
                    "The client closed the connection", "client_closed_request"), e);
        }
    }

    /**
     * Takes a slot as {@link #acquire(Deadline)} does, for a deadline given as a wall-clock instant (as
     * {@code RequestContext.deadline()} is), read on the system clock.
     */
    public Permit acquire(java.time.Instant deadline) {
        return acquire(Deadline.at(deadline));
    }

    private Permit granted() {
        active.incrementAndGet();
        return new Held(this);
    }

    private void release() {
        active.decrementAndGet();
        slots.release();
    }

    private GatewayError overloaded(BulkheadSettings s, String why) {
        Duration retryAfter = Nanos.ceilSeconds(s.queueTimeout());
        return GatewayError.of(503, GatewayError.API_ERROR, "Provider '" + provider
                        + "' is at its concurrency limit: " + why + "; retry after " + retryAfter.toSeconds() + "s",
                Failure.PROVIDER_OVERLOADED).withRetryAfter(retryAfter);
    }

    /**
     * Changes the limits in place; calls in flight and waiters are kept. Meant for config reloads, not the request
     * path.
     */
    public void update(BulkheadSettings newSettings) {
        Objects.requireNonNull(newSettings, "newSettings");
        updates.lock();
        try {
            int delta = limit(newSettings) - limit(settings);
            if (delta > 0) {
                slots.release(delta);
            } else if (delta < 0) {
                slots.shrink(-delta);
            }
            settings = newSettings;
        } finally {
            updates.unlock();
        }
    }

    /** The provider's name. */
    public String provider() {
        return provider;
    }

    /** The limits in force. */
    public BulkheadSettings settings() {
        return settings;
    }

    /** Calls in flight (slots held). */
    public int active() {
        return active.get();
    }

    /** Callers waiting for a slot. */
    public int queued() {
        return queued.get();
    }

    /** Callers refused since creation (queue full, queue timeout, deadline). */
    public long rejected() {
        return rejected.get();
    }

    /** Threads parked in the semaphore's line (for tests: {@link #queued()} also counts callers about to park). */
    int parked() {
        return slots.getQueueLength();
    }

    /** The gauges and limits, for an admin API or metrics. */
    public BulkheadSnapshot snapshot() {
        BulkheadSettings s = settings;
        return new BulkheadSnapshot(provider, active(), queued(), rejected(), s.maxConcurrency(), s.maxQueue());
    }

    /** A held slot; releases once. */
    private static final class Held extends AtomicInteger implements Permit {
        private static final long serialVersionUID = 1L;
        private final transient Bulkhead owner;

        Held(Bulkhead owner) {
            this.owner = owner;
        }

        @Override
        public void close() {
            if (compareAndSet(0, 1)) {
                owner.release();
            }
        }
    }
}
