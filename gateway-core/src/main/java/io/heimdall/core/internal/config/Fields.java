package io.heimdall.core.internal.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads of one object of the gateway's own config (not a plugin's), each falling back to a base value and
 * recording a path-precise problem for a value of the wrong type or out of range. Messages show values as written.
 */
final class Fields {
    private final Map<String, Object> m;
    private final String path;
    private final Problems problems;

    private Fields(Map<String, Object> m, String path, Problems problems) {
        this.m = m;
        this.path = path;
        this.problems = problems;
    }

    /**
     * The object at {@code path} ({@code raw} may be absent), with unknown keys reported against {@code known}
     * (listed in documentation order).
     */
    @SuppressWarnings("unchecked")
    static Fields of(Object raw, String path, List<String> known, Problems problems) {
        if (raw == null) {
            return new Fields(Map.of(), path, problems);
        }
        if (!(raw instanceof Map<?, ?> map)) {
            problems.add(path, "expected an object, got " + ConfigView.describe(raw));
            return new Fields(Map.of(), path, problems);
        }
        for (Object key : map.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                problems.add(ConfigView.join(path, String.valueOf(key)),
                        Suggest.unknownKey(String.valueOf(key), known));
            }
        }
        return new Fields((Map<String, Object>) map, path, problems);
    }

    /** The object at {@code path} without a check of its keys (another part of the loader checks them). */
    static Fields unchecked(Map<String, Object> m, String path, Problems problems) {
        return new Fields(m, path, problems);
    }

    /** Whether the key is written here. */
    boolean has(String key) {
        return m.get(key) != null;
    }

    /** The raw value of a key, if written. */
    Object raw(String key) {
        return m.get(key);
    }

    /** The path of a key. */
    String path(String key) {
        return ConfigView.join(path, key);
    }

    /** Records a problem at a key. */
    void problem(String key, String reason) {
        problems.add(path(key), reason);
    }

    /** A boolean, or {@code base}. */
    boolean bool(String key, boolean base) {
        Object v = m.get(key);
        if (v == null) {
            return base;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        problem(key, "expected true or false, got " + ConfigView.describe(v));
        return base;
    }

    /** A whole number of at least {@code min} (and at most {@link Integer#MAX_VALUE}), or {@code base}. */
    int integer(String key, int base, int min) {
        Object v = m.get(key);
        if (v == null) {
            return base;
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            problem(key, "expected a whole number, got " + ConfigView.describe(v));
            return base;
        }
        long n = ((Number) v).longValue();
        if (n < min) {
            problem(key, min == 0 ? "must not be negative, got " + n : "must be at least " + min + ", got " + n);
            return base;
        }
        if (n > Integer.MAX_VALUE) {
            problem(key, "must be at most " + Integer.MAX_VALUE + ", got " + n);
            return base;
        }
        return (int) n;
    }

    /**
     * A number in a range, or {@code base}: at least {@code min} (above it if {@code minExclusive}), at most
     * {@code max}.
     */
    double number(String key, double base, double min, boolean minExclusive, double max) {
        Object v = m.get(key);
        if (v == null) {
            return base;
        }
        if (!(v instanceof Number num) || !Double.isFinite(num.doubleValue())) {
            problem(key, "expected a number, got " + ConfigView.describe(v));
            return base;
        }
        double n = num.doubleValue();
        if (n < min || (minExclusive && n == min) || n > max) {
            String rule = max == Double.MAX_VALUE
                    ? (minExclusive ? "must be above " + bound(min)
                    : min == 0 ? "must not be negative" : "must be at least " + bound(min))
                    : minExclusive ? "must be above " + bound(min) + " and at most " + bound(max)
                    : "must be between " + bound(min) + " and " + bound(max);
            problem(key, rule + ", got " + v);
            return base;
        }
        return n;
    }

    /** A duration, positive or (if {@code zeroAllowed}) zero, or {@code base}. */
    Duration duration(String key, Duration base, boolean zeroAllowed) {
        Object v = m.get(key);
        if (v == null) {
            return base;
        }
        Optional<Duration> d = v instanceof String s ? Durations.parse(s) : Optional.empty();
        if (d.isEmpty()) {
            problem(key, "expected a duration such as 250ms, 30s, 5m or 1h, got " + ConfigView.describe(v));
            return base;
        }
        if (d.get().isNegative() || (!zeroAllowed && d.get().isZero())) {
            problem(key, zeroAllowed ? "must not be negative" : "must be positive");
            return base;
        }
        return d.get();
    }

    private static String bound(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
