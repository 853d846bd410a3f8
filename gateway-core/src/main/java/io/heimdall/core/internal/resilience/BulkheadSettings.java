package io.heimdall.core.internal.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * How many calls one provider may have in flight ({@code routing.bulkhead}).
 *
 * @param maxConcurrency {@code max-concurrency}: calls in flight at most; 0 = no limit
 * @param maxQueue       {@code max-queue}: callers that may wait for a slot, first come first served; 0 = none wait
 * @param queueTimeout   {@code queue-timeout}: how long a caller waits at most (less if its deadline is sooner)
 */
public record BulkheadSettings(int maxConcurrency, int maxQueue, Duration queueTimeout) {
    /** No limit. */
    public static final BulkheadSettings UNLIMITED = new BulkheadSettings(0, 0, Duration.ofSeconds(1));

    /** Validates the fields. */
    public BulkheadSettings {
        Objects.requireNonNull(queueTimeout, "queueTimeout");
        Settings.require(maxConcurrency >= 0, "routing.bulkhead.max-concurrency must be >= 0: " + maxConcurrency);
        Settings.require(maxQueue >= 0, "routing.bulkhead.max-queue must be >= 0: " + maxQueue);
        Settings.require(!queueTimeout.isNegative(), "routing.bulkhead.queue-timeout must not be negative");
    }

    /** Whether there is no limit. */
    public boolean unlimited() {
        return maxConcurrency == 0;
    }
}
