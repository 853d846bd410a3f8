package io.heimdall.plugin.semanticcache;

import io.heimdall.api.RequestContext;
import io.heimdall.api.plugin.ConfigValues;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A request's own cache controls, from headers: {@code x-heimdall-cache-namespace}, {@code x-heimdall-cache-ttl}
 * (a duration such as {@code 30s} or seconds), {@code x-heimdall-cache-threshold}, {@code x-heimdall-cache-no-store}
 * and {@code x-heimdall-cache-no-cache} ({@code true}/{@code 1}). Unreadable values are ignored.
 *
 * @param namespace the namespace
 * @param ttl       the entry's time to live
 * @param threshold the similarity a semantic hit needs
 * @param noStore   do not store the answer
 * @param noCache   do not answer from the cache
 */
record Controls(String namespace, Duration ttl, double threshold, boolean noStore, boolean noCache) {
    static final String NAMESPACE = "x-heimdall-cache-namespace";
    static final String TTL = "x-heimdall-cache-ttl";
    static final String THRESHOLD = "x-heimdall-cache-threshold";
    static final String NO_STORE = "x-heimdall-cache-no-store";
    static final String NO_CACHE = "x-heimdall-cache-no-cache";

    /** The controls of one request, defaults from the settings. */
    static Controls of(RequestContext ctx, Settings s) {
        String ns = ctx.header(NAMESPACE).map(String::strip).filter(v -> !v.isEmpty() && v.length() <= 200)
                .orElse(s.namespace());
        Duration ttl = ctx.header(TTL).flatMap(Controls::duration).orElse(s.ttl());
        double threshold = ctx.header(THRESHOLD).flatMap(Controls::number).filter(v -> v >= 0 && v <= 1)
                .orElse(s.threshold());
        return new Controls(ns, ttl, threshold, flag(ctx, NO_STORE), flag(ctx, NO_CACHE));
    }

    private static boolean flag(RequestContext ctx, String name) {
        return ctx.header(name).map(v -> v.strip().toLowerCase(Locale.ROOT))
                .map(v -> v.equals("true") || v.equals("1") || v.equals("yes")).orElse(false);
    }

    private static Optional<Duration> duration(String v) {
        String t = v.strip();
        if (t.chars().allMatch(Character::isDigit) && !t.isEmpty() && t.length() < 12) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(t)));
        }
        try {
            return ConfigValues.duration(t).filter(d -> !d.isNegative() && !d.isZero());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Double> number(String v) {
        try {
            return Optional.of(Double.parseDouble(v.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
