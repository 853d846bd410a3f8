package io.heimdall.provider.openai;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads an upstream's wait hint: {@code retry-after-ms} (milliseconds, as OpenAI sends) first, else {@code retry-after}
 * as delay-seconds or an HTTP-date. Values are capped at one day; a date in the past means zero.
 */
final class RetryAfter {
    /** The longest hint kept. */
    static final Duration MAX = Duration.ofDays(1);

    private RetryAfter() {
    }

    /**
     * The hint in a response's headers.
     *
     * @param header a header lookup by name
     * @param now    the current time, for HTTP-dates
     */
    static Optional<Duration> parse(Function<String, Optional<String>> header, Instant now) {
        Optional<Duration> ms = header.apply("retry-after-ms").flatMap(v -> number(v, 1_000_000L));
        if (ms.isPresent()) {
            return ms;
        }
        return header.apply("retry-after").flatMap(v -> value(v, now));
    }

    /** One {@code retry-after} value: delay-seconds or an HTTP-date. */
    static Optional<Duration> value(String raw, Instant now) {
        String v = raw.strip();
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (Character.isDigit(v.charAt(0)) || v.charAt(0) == '.') {
            return number(v, 1_000_000_000L);
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : cap(d));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> number(String raw, long nanosPerUnit) {
        try {
            double n = Double.parseDouble(raw.strip());
            if (!Double.isFinite(n) || n < 0) {
                return Optional.empty();
            }
            double nanos = n * nanosPerUnit;
            return Optional.of(nanos >= MAX.toNanos() ? MAX : Duration.ofNanos(Math.round(nanos)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Duration cap(Duration d) {
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
