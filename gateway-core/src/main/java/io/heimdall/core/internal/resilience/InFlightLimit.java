package io.heimdall.core.internal.resilience;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gateway-wide cap on requests in flight, with no queue: when full, a request is refused at once with 503
 * {@code api_error}, code {@code gateway_overloaded} and a one-second {@code retryAfter}, so an overloaded gateway
 * sheds load quickly instead of piling up threads. One compare-and-set per admission, no lock.
 */
public final class InFlightLimit {
    /** The hint given to refused clients. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong rejected = new AtomicLong();
    private volatile int max;

    /** A limit of {@code max} requests in flight; 0 = no limit. */
    public InFlightLimit(int max) {
        update(max);
    }

    /** Changes the limit (a config reload); requests in flight are kept and counted. */
    public void update(int newMax) {
        if (newMax < 0) {
            throw new IllegalArgumentException("the in-flight limit must be >= 0: " + newMax);
        }
        this.max = newMax == 0 ? Integer.MAX_VALUE : newMax;
    }

    /**
     * Admits a request.
     *
     * @return the slot, to close when the request ends
     * @throws GatewayException 503 {@code gateway_overloaded} when {@code max} requests are in flight
     */
    public Permit acquire() {
        while (true) {
            int n = active.get();
            if (n >= max) {
                rejected.incrementAndGet();
                throw new GatewayException(GatewayError.of(503, GatewayError.API_ERROR,
                        "The gateway is at its limit of " + max + " requests in flight; retry after "
                                + RETRY_AFTER.toSeconds() + "s", Failure.GATEWAY_OVERLOADED)
                        .withRetryAfter(RETRY_AFTER));
            }
            if (active.compareAndSet(n, n + 1)) {
                return new Held(this);
            }
        }
    }

    /** Requests in flight. */
    public int active() {
        return active.get();
    }

    /** Requests refused since creation. */
    public long rejected() {
        return rejected.get();
    }

    /** The limit; 0 = none. */
    public int max() {
        int m = max;
        return m == Integer.MAX_VALUE ? 0 : m;
    }

    /** A held slot; releases once. */
    private static final class Held extends AtomicInteger implements Permit {
        private static final long serialVersionUID = 1L;
        private final transient InFlightLimit owner;

        Held(InFlightLimit owner) {
            this.owner = owner;
        }

        @Override
        public void close() {
            if (compareAndSet(0, 1)) {
                owner.active.decrementAndGet();
            }
        }
    }
}
