package io.heimdall.core.internal.resilience;

/**
 * A provider's bulkhead at one moment.
 *
 * @param provider       the provider's name
 * @param active         calls in flight
 * @param queued         callers waiting
 * @param rejected       callers refused since the bulkhead was created
 * @param maxConcurrency the limit; 0 = none
 * @param maxQueue       the queue's length
 */
public record BulkheadSnapshot(String provider, int active, int queued, long rejected, int maxConcurrency,
                               int maxQueue) {
}
