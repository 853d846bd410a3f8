package io.heimdall.core.internal.resilience;

import java.time.Duration;

/** Saturating conversions between {@link Duration} and nanoseconds, and a short human form for messages. */
final class Nanos {
    private Nanos() {
    }

    /** The duration in nanoseconds, saturated to [0, Long.MAX_VALUE] (negative durations become 0). */
    static long of(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        if (d.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L - 1) {
            return Long.MAX_VALUE;
        }
        return d.toNanos();
    }

    /** {@code a + b} for non-negative values, saturated to Long.MAX_VALUE. */
    static long add(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    /** {@code base * 2^(n-1)} for n ≥ 1, capped at {@code cap}, without overflow. */
    static long doubling(long base, int n, long cap) {
        if (base <= 0) {
            return 0;
        }
        int shift = Math.min(Math.max(n - 1, 0), 62);
        return base > (cap >> shift) ? cap : Math.min(cap, base << shift);
    }

    /** A short human form: {@code 250ms}, {@code 1.5s}, {@code 30s}, {@code 5m}, {@code 2h 3m}. */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return ms % 1_000 == 0 ? (ms / 1_000) + "s" : String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = d.toSeconds();
        if (s < 3_600) {
            return s % 60 == 0 ? (s / 60) + "m" : (s / 60) + "m " + (s % 60) + "s";
        }
        return (s / 3_600) + "h " + ((s % 3_600) / 60) + "m";
    }

    /** Whole seconds, rounded up, at least one: the resolution of an HTTP {@code retry-after}. */
    static Duration ceilSeconds(Duration d) {
        long s = d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0);
        return Duration.ofSeconds(Math.max(1, s));
    }
}
