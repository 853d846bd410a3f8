package io.heimdall.core.internal.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Call and failure counts over roughly the last {@code window}, lock-free and allocation-free: {@value #BUCKETS}
 * time buckets, each one {@code long} packing the bucket's epoch (24 bits) and its failure and success counts (20
 * bits each, saturating at about a million per bucket), updated by compare-and-set. The window slides in steps of
 * {@code window / BUCKETS}: a call is counted for between 9/10 and all of {@code window}.
 *
 * <p>Epochs are compared modulo 2^24 buckets (over a year for a one-minute window): a bucket left untouched for
 * exactly that long could be miscounted once, which is harmless for an error rate.
 */
final class SlidingWindow {
    static final int BUCKETS = 10;
    private static final int COUNT_BITS = 20;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final int EPOCH_SHIFT = 2 * COUNT_BITS;
    private static final long EPOCH_MASK = (1L << (64 - EPOCH_SHIFT)) - 1;

    private final AtomicLongArray slots = new AtomicLongArray(BUCKETS);
    private final long bucketNanos;
    private final long origin;

    SlidingWindow(Duration window, long originNanos) {
        this.bucketNanos = Math.max(1, Nanos.of(window) / BUCKETS);
        this.origin = originNanos;
    }

    /** Counts one call at {@code now}. */
    void record(long now, boolean failure) {
        long epoch = Math.floorDiv(now - origin, bucketNanos);
        int index = Math.floorMod(epoch, BUCKETS);
        long e = epoch & EPOCH_MASK;
        while (true) {
            long old = slots.get(index);
            long failures = 0;
            long successes = 0;
            if (((old >>> EPOCH_SHIFT) & EPOCH_MASK) == e) {
                failures = (old >>> COUNT_BITS) & COUNT_MASK;
                successes = old & COUNT_MASK;
            }
            if (failure) {
                failures = Math.min(COUNT_MASK, failures + 1);
            } else {
                successes = Math.min(COUNT_MASK, successes + 1);
            }
            long next = (e << EPOCH_SHIFT) | (failures << COUNT_BITS) | successes;
            if (slots.compareAndSet(index, old, next)) {
                return;
            }
        }
    }

    /** The calls (high 32 bits) and failures (low 32 bits) in the window ending at {@code now}. */
    long counts(long now) {
        long current = Math.floorDiv(now - origin, bucketNanos) & EPOCH_MASK;
        long calls = 0;
        long failures = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long slot = slots.get(i);
            long age = (current - ((slot >>> EPOCH_SHIFT) & EPOCH_MASK)) & EPOCH_MASK;
            if (age < BUCKETS) {
                long f = (slot >>> COUNT_BITS) & COUNT_MASK;
                failures += f;
                calls += f + (slot & COUNT_MASK);
            }
        }
        return (calls << 32) | failures;
    }

    static int calls(long counts) {
        return (int) (counts >>> 32);
    }

    static int failures(long counts) {
        return (int) counts;
    }

    /** Forgets every call (concurrent records may survive; that is harmless). */
    void reset() {
        for (int i = 0; i < BUCKETS; i++) {
            slots.set(i, 0);
        }
    }
}
