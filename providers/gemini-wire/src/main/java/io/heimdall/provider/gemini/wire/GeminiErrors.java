package io.heimdall.provider.gemini.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.GatewayError;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Google's error body {@code {"error":{"code","message","status","details"}}} (also wrapped in an array, as
 * {@code streamGenerateContent} without SSE sends it) → a gateway error: the status from the canonical code
 * ({@code RESOURCE_EXHAUSTED} 429 with the {@code google.rpc.RetryInfo} delay, {@code UNAVAILABLE} 503,
 * {@code INVALID_ARGUMENT} 400 — {@code context_length_exceeded} when it is about the token limit —,
 * {@code UNAUTHENTICATED} or an invalid API key 401, {@code PERMISSION_DENIED} 403, {@code NOT_FOUND} 404), the
 * upstream's message kept and the Google status, lower-cased, as the code.
 */
final class GeminiErrors {
    private static final Pattern TOKEN_LIMIT = Pattern.compile(
            "(?i)(input token count.*exceeds|exceeds the maximum number of tokens|too many tokens|token limit"
                    + "|context (window|length)|prompt is too long|input is too long|maximum context)");
    private static final Duration MAX_RETRY = Duration.ofDays(1);

    private GeminiErrors() {
    }

    /**
     * The error for an HTTP error response.
     *
     * @param status     the HTTP status
     * @param body       the body (maybe not JSON)
     * @param retryAfter the {@code retry-after} header, if any
     */
    static GatewayError fromHttp(int status, byte[] body, Optional<String> retryAfter, String provider, Instant now) {
        Optional<JsonNode> error = Json.parse(new String(body, StandardCharsets.UTF_8)).map(GeminiErrors::errorNode)
                .filter(JsonNode::isObject);
        GatewayError e = error.map(n -> fromErrorObject(n, status, provider))
                .orElseGet(() -> GatewayError.of(httpStatus(status), GatewayError.typeForStatus(httpStatus(status)),
                        "Provider '" + provider + "' answered HTTP " + status + excerpt(body)));
        if (e.retryAfter().isEmpty() && retryAfter.isPresent()) {
            Optional<Duration> d = headerDelay(retryAfter.get(), now);
            if (d.isPresent()) {
                e = e.withRetryAfter(d.get());
            }
        }
        return e;
    }

    /** The {@code error} object of a body, which may be an array of one. */
    static JsonNode errorNode(JsonNode root) {
        JsonNode r = root.isArray() && !root.isEmpty() ? root.get(0) : root;
        return r.path("error");
    }

    /** The error for one {@code error} object; {@code httpStatus} is used when its Google status is unknown. */
    static GatewayError fromErrorObject(JsonNode error, int httpStatus, String provider) {
        String googleStatus = error.path("status").asText("");
        String message = error.path("message").asText("");
        if (message.isBlank()) {
            message = "Provider '" + provider + "' answered " + (googleStatus.isEmpty() ? "HTTP " + httpStatus
                    : googleStatus);
        }
        int status = switch (googleStatus) {
            case "RESOURCE_EXHAUSTED" -> 429;
            case "UNAVAILABLE" -> 503;
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> 400;
            case "UNAUTHENTICATED" -> 401;
            case "PERMISSION_DENIED" -> 403;
            case "NOT_FOUND" -> 404;
            case "ABORTED", "ALREADY_EXISTS" -> 409;
            case "DEADLINE_EXCEEDED" -> 504;
            case "INTERNAL", "UNKNOWN", "DATA_LOSS" -> 500;
            case "UNIMPLEMENTED" -> 501;
            default -> httpStatus(httpStatus >= 400 ? httpStatus : error.path("code").asInt(502));
        };
        Optional<Duration> retry = Optional.empty();
        for (JsonNode detail : error.path("details")) {
            String type = detail.path("@type").asText("");
            if (type.endsWith("google.rpc.ErrorInfo") && detail.path("reason").asText("").equals("API_KEY_INVALID")) {
                status = 401;
            }
            if (type.endsWith("google.rpc.RetryInfo")) {
                retry = protoDuration(detail.path("retryDelay").asText(""));
            }
        }
        String code = googleStatus.isEmpty() ? null : googleStatus.toLowerCase(Locale.ROOT);
        String param = null;
        if (status == 400 && TOKEN_LIMIT.matcher(message).find()) {
            code = "context_length_exceeded";
            param = "messages";
        }
        GatewayError e = new GatewayError(status, GatewayError.typeForStatus(status), message,
                Optional.ofNullable(param), Optional.ofNullable(code), Optional.empty());
        return retry.map(e::withRetryAfter).orElse(e);
    }

    private static int httpStatus(int status) {
        return status >= 400 && status <= 599 ? status : 502;
    }

    /** A protobuf JSON duration such as {@code 30s} or {@code 1.5s}. */
    static Optional<Duration> protoDuration(String text) {
        String t = text.strip();
        if (!t.endsWith("s")) {
            return Optional.empty();
        }
        return seconds(t.substring(0, t.length() - 1));
    }

    private static Optional<Duration> headerDelay(String raw, Instant now) {
        String v = raw.strip();
        if (!v.isEmpty() && Character.isDigit(v.charAt(0))) {
            return seconds(v);
        }
        try {
            Duration d = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant());
            return Optional.of(d.isNegative() ? Duration.ZERO : d.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> seconds(String text) {
        try {
            double s = Double.parseDouble(text);
            if (!Double.isFinite(s) || s < 0) {
                return Optional.empty();
            }
            return Optional.of(s >= MAX_RETRY.toSeconds() ? MAX_RETRY : Duration.ofNanos(Math.round(s * 1e9)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String excerpt(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip()
                .replaceAll("\\s+", " ");
        return s.isEmpty() ? "" : ": " + s;
    }
}
