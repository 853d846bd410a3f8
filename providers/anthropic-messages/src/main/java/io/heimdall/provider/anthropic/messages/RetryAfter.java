package io.heimdall.provider.anthropic.messages;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/** Reads {@code retry-after} (delay-seconds or an HTTP-date, capped at one day; a past date means zero). */
final class RetryAfter {
    private static final Duration MAX = Duration.ofDays(1);

    private RetryAfter() {
    }

    static Optional<Duration> parse(Function<String, Optional<String>> header, Instant now) {
        return header.apply("retry-after").map(String::strip).filter(v -> !v.isEmpty()).flatMap(v -> {
            try {
                double seconds = Double.parseDouble(v);
                if (!Double.isFinite(seconds) || seconds < 0) {
                    return Optional.empty();
                }
                return Optional.of(seconds >= MAX.toSeconds() ? MAX : Duration.ofMillis(Math.round(seconds * 1000)));
            } catch (NumberFormatException notSeconds) {
                try {
                    Duration d = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                            .toInstant());
                    return Optional.of(d.isNegative() ? Duration.ZERO : d.compareTo(MAX) > 0 ? MAX : d);
                } catch (DateTimeParseException notDate) {
                    return Optional.empty();
                }
            }
        });
    }
}
