package io.heimdall.api.metrics;

import java.util.Arrays;

/**
 * A histogram's state at the time of a snapshot.
 *
 * @param upperBounds the bucket upper bounds, ascending (the implicit {@code +Inf} bucket is not listed)
 * @param counts      the observations per bucket, not cumulative; one more entry than {@code upperBounds} (the last
 *                    one counts observations above every bound)
 * @param sum         the sum of all observations
 * @param count       the number of observations
 */
public record HistogramData(double[] upperBounds, long[] counts, double sum, long count) {
    /** Copies the arrays. */
    public HistogramData {
        upperBounds = upperBounds.clone();
        counts = counts.clone();
        if (counts.length != upperBounds.length + 1) {
            throw new IllegalArgumentException("counts must have one entry per bound plus one for +Inf");
        }
    }

    /** The bucket upper bounds (a copy). */
    @Override
    public double[] upperBounds() {
        return upperBounds.clone();
    }

    /** The observations per bucket, not cumulative (a copy). */
    @Override
    public long[] counts() {
        return counts.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HistogramData h && Arrays.equals(upperBounds, h.upperBounds)
                && Arrays.equals(counts, h.counts) && sum == h.sum && count == h.count;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts) * 31 + Long.hashCode(count);
    }

    @Override
    public String toString() {
        return "HistogramData[count=" + count + ", sum=" + sum + "]";
    }
}
