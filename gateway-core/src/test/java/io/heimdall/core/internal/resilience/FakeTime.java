package io.heimdall.core.internal.resilience;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanoTime source moved by hand; starts at an arbitrary large value, as System.nanoTime() may. */
final class FakeTime implements LongSupplier {
    private final AtomicLong now;

    FakeTime() {
        this(Long.MAX_VALUE - 1_000_000_000L);
    }

    FakeTime(long start) {
        this.now = new AtomicLong(start);
    }

    @Override
    public long getAsLong() {
        return now.get();
    }

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    void advanceMillis(long ms) {
        advance(Duration.ofMillis(ms));
    }
}
