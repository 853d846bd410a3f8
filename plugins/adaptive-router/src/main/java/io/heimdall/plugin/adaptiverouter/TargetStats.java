package io.heimdall.plugin.adaptiverouter;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the router knows of one target (provider, model, key): time-decayed averages of its latency and error rate.
 *
 * <p>Each average is {@code Σ xᵢ·2^(−ageᵢ/h) / Σ 2^(−ageᵢ/h)} over the samples {@code xᵢ} so far, where
 * {@code ageᵢ} is the time since the sample and {@code h} the half-life: the decay depends on elapsed time, not on the
 * number of samples, so a burst of samples counts equally and a sample one half-life old weighs half as much as a new
 * one. Kept as two decayed sums per average and updated with one compare-and-set of an immutable state: lock-free,
 * as {@link #record} runs on every attempt.
 */
final class TargetStats {
    private static final double LN2 = Math.log(2);
    private static final State EMPTY = new State(0, 0, 0, 0, 0, 0);

    /**
     * One consistent view of the averages.
     *
     * @param latencySum    decayed sum of latency samples, in seconds
     * @param latencyWeight decayed count of latency samples
     * @param errorSum      decayed count of failures
     * @param errorWeight   decayed count of attempts (successes and failures that count)
     * @param at            the time of the last update, in the router's nanosecond time base
     * @param samples       attempts recorded (not decayed)
     */
    record State(double latencySum, double latencyWeight, double errorSum, double errorWeight, long at,
                 long samples) {
        /** The latency average in seconds; empty before the first successful attempt. */
        OptionalDouble latency() {
            return latencyWeight > 0 ? OptionalDouble.of(latencySum / latencyWeight) : OptionalDouble.empty();
        }

        /** The error rate in [0, 1]; empty before the first attempt. */
        OptionalDouble errorRate() {
            return errorWeight > 0 ? OptionalDouble.of(Math.min(1, errorSum / errorWeight)) : OptionalDouble.empty();
        }
    }

    private final String provider;
    private final String model;
    private final String key;
    private final Map<String, String> labels;
    private final double halfLifeNanos;
    private final AtomicReference<State> state = new AtomicReference<>(EMPTY);
    private volatile double weight = Double.NaN;
    private volatile double score = Double.NaN;

    TargetStats(String provider, String model, String key, double halfLifeNanos) {
        this.provider = provider;
        this.model = model;
        this.key = key;
        this.labels = Map.of("provider", provider, "model", model, "key", key);
        this.halfLifeNanos = halfLifeNanos;
    }

    String provider() {
        return provider;
    }

    String model() {
        return model;
    }

    String key() {
        return key;
    }

    /** The metric labels of this target. */
    Map<String, String> labels() {
        return labels;
    }

    /** The current averages. */
    State state() {
        return state.get();
    }

    /**
     * Adds one attempt.
     *
     * @param latencySeconds the attempt's latency for a success, NaN for a failure (failures add no latency sample)
     * @param failed         whether the attempt failed through the target's fault
     * @param now            the time, in the router's nanosecond time base
     */
    void record(double latencySeconds, boolean failed, long now) {
        boolean hasLatency = !Double.isNaN(latencySeconds);
        while (true) {
            State old = state.get();
            double decay = old.samples() == 0 ? 0 : decay(now - old.at());
            State next = new State(
                    old.latencySum() * decay + (hasLatency ? latencySeconds : 0),
                    old.latencyWeight() * decay + (hasLatency ? 1 : 0),
                    old.errorSum() * decay + (failed ? 1 : 0),
                    old.errorWeight() * decay + 1,
                    old.samples() == 0 ? now : Math.max(old.at(), now),
                    old.samples() + 1);
            if (state.compareAndSet(old, next)) {
                return;
            }
        }
    }

    /** {@code 2^(−elapsed/h)}; 1 for no (or negative, when another thread recorded a later time first) elapsed time. */
    private double decay(long elapsedNanos) {
        return elapsedNanos <= 0 ? 1 : Math.exp(-LN2 * elapsedNanos / halfLifeNanos);
    }

    /** The weight this target had in the last plan it was scored in; NaN before. */
    double weight() {
        return weight;
    }

    /** The score this target had in the last plan it was scored in; NaN before. */
    double score() {
        return score;
    }

    /** Remembers the score (and the weight it was made from) of the latest plan. */
    void scored(double weightValue, double scoreValue) {
        this.weight = weightValue;
        this.score = scoreValue;
    }
}
