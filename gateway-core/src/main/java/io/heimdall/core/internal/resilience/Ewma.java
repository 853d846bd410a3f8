package io.heimdall.core.internal.resilience;

import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An exponentially weighted moving average per sample ({@code avg += alpha × (x - avg)}), lock-free: the double's
 * bits in an {@link AtomicLong}, updated by compare-and-set. The first sample sets the average.
 */
final class Ewma {
    private static final long EMPTY = Double.doubleToRawLongBits(Double.NaN);

    private final double alpha;
    private final AtomicLong bits;

    Ewma(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1]: " + alpha);
        }
        this.alpha = alpha;
        this.bits = new AtomicLong(EMPTY);
    }

    void add(double sample) {
        while (true) {
            long old = bits.get();
            double avg = Double.longBitsToDouble(old);
            double next = Double.isNaN(avg) ? sample : avg + alpha * (sample - avg);
            if (bits.compareAndSet(old, Double.doubleToRawLongBits(next))) {
                return;
            }
        }
    }

    /** The average; empty before the first sample. */
    OptionalDouble value() {
        double v = Double.longBitsToDouble(bits.get());
        return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
