package io.heimdall.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.model.GatewayError;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Cohere's error answers ({@code {"id": ..., "message": "..."}} with the status) as gateway errors: the status and
 * message kept, 422 answered as 400, 503 as a retryable {@code overloaded}, and the "too many tokens" 400 given the
 * code {@code context_length_exceeded}. A {@code retry-after} header (seconds or HTTP-date) is kept.
 */
final class CohereErrors {
    private static final Pattern CONTEXT = Pattern.compile(
            "too many tokens|context length|context window|exceeds the maximum", Pattern.CASE_INSENSITIVE);
    private static final Duration MAX_WAIT = Duration.ofDays(1);

    private CohereErrors() {
    }

    /** The gateway error for an upstream error status and body. */
    static GatewayError of(int status, byte[] body, Optional<String> retryAfter, Instant now, String provider,
                           ObjectMapper json) {
        String message = message(body, json).orElseGet(() -> {
            String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip();
            return "Provider '" + provider + "' (cohere) answered HTTP " + status
                    + (text.isEmpty() ? "" : ": " + text.replaceAll("\\s+", " "));
        });
        int mapped = status == 422 ? 400 : status >= 400 && status <= 599 ? status : 502;
        Optional<String> code = Optional.empty();
        String type = GatewayError.typeForStatus(mapped);
        if (mapped == 400 && CONTEXT.matcher(message).find()) {
            code = Optional.of("context_length_exceeded");
        } else if (mapped == 503) {
            code = Optional.of("overloaded");
        }
        Optional<Duration> wait = retryAfter.flatMap(v -> wait(v, now));
        return new GatewayError(mapped, type, message, Optional.empty(), code, wait);
    }

    private static Optional<String> message(byte[] body, ObjectMapper json) {
        try {
            JsonNode root = json.readTree(body);
            if (root != null && root.path("message").isTextual() && !root.path("message").asText().isBlank()) {
                return Optional.of(root.path("message").asText());
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not JSON: the caller uses an excerpt
        }
        return Optional.empty();
    }

    /** A {@code retry-after} value: delay-seconds or an HTTP-date, capped at a day. */
    static Optional<Duration> wait(String raw, Instant now) {
        String v = raw.strip();
        try {
            if (!v.isEmpty() && Character.isDigit(v.charAt(0))) {
                Duration d = Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
                return Optional.of(d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d);
            }
            Duration d = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
            return Optional.of(d.isNegative() ? Duration.ZERO : d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d);
        } catch (NumberFormatException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
