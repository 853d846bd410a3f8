package io.heimdall.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.model.GatewayError;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Maps Bedrock's errors onto the gateway's: the exception name (header {@code x-amzn-ErrorType}, body
 * {@code __type}, or an event stream's {@code :exception-type}) decides the status and type, the body's
 * {@code message} is kept, and secrets are scrubbed from it.
 */
final class BedrockErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A ValidationException message that says the prompt does not fit the model's context. */
    private static final Pattern TOO_LONG = Pattern.compile("(?i)(input is too long|too many (input )?tokens"
            + "|prompt is too long|context (length|window)|exceeds? (the )?(maximum|max)[a-z ]*(token|context|length)"
            + "|input length|maximum context)");
    /** The longest retry-after kept. */
    private static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    private BedrockErrors() {
    }

    /**
     * The error for an HTTP error response.
     *
     * @param provider   the configured provider name, for messages
     * @param status     the HTTP status
     * @param errorType  the {@code x-amzn-ErrorType} header, if any
     * @param body       the body (usually {@code {"message":"..."}})
     * @param retryAfter the {@code retry-after} header, if any
     * @param now        the current time, for an HTTP-date retry-after
     * @param secrets    values to scrub from the message
     */
    static GatewayError http(String provider, int status, Optional<String> errorType, byte[] body,
                             Optional<String> retryAfter, Instant now, List<String> secrets) {
        JsonNode node = parse(body);
        String type = errorType.map(BedrockErrors::exceptionName)
                .or(() -> text(node, "__type").map(BedrockErrors::exceptionName))
                .or(() -> text(node, "code").map(BedrockErrors::exceptionName))
                .orElse("");
        String message = text(node, "message").or(() -> text(node, "Message"))
                .orElse("Provider '" + provider + "' answered HTTP " + status + (type.isEmpty() ? "" : " " + type));
        GatewayError error = map(status, type, message);
        Optional<Duration> wait = retryAfter.flatMap(v -> retryAfter(v, now));
        if (wait.isPresent()) {
            error = error.withRetryAfter(wait.get());
        }
        return scrub(error, secrets);
    }

    /**
     * The error for an exception or error message inside an event stream.
     *
     * @param exceptionType the {@code :exception-type} (or {@code :error-code}) header
     * @param payload       the payload ({@code {"message":"..."}})
     */
    static GatewayError stream(String provider, String exceptionType, String payload, List<String> secrets) {
        JsonNode node = parse(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String message = text(node, "message").or(() -> text(node, "Message"))
                .orElse("Provider '" + provider + "' sent " + exceptionType);
        return scrub(map(0, exceptionName(exceptionType), message), secrets);
    }

    /** Maps an exception name (or, without one, the status) to the gateway's error. */
    static GatewayError map(int status, String exception, String message) {
        String name = exception.toLowerCase(Locale.ROOT);
        if (name.endsWith("exception")) {
            name = name.substring(0, name.length() - "exception".length());
        }
        String code = exception.isEmpty() ? null : exception;
        return switch (name) {
            case "throttling", "servicequotaexceeded", "toomanyrequests" ->
                    GatewayError.of(429, GatewayError.RATE_LIMIT, message, code);
            case "serviceunavailable", "modelnotready" -> GatewayError.of(503, GatewayError.API_ERROR, message, code);
            case "internalserver", "internalfailure" -> GatewayError.of(500, GatewayError.API_ERROR, message, code);
            case "modelerror", "modelstreamerror" -> GatewayError.of(502, GatewayError.API_ERROR, message, code);
            case "modeltimeout" -> GatewayError.of(504, GatewayError.TIMEOUT, message, code);
            case "validation", "serialization" -> TOO_LONG.matcher(message).find()
                    ? GatewayError.of(400, GatewayError.INVALID_REQUEST, message, "context_length_exceeded")
                    : GatewayError.of(400, GatewayError.INVALID_REQUEST, message, code);
            case "accessdenied" -> GatewayError.of(403, GatewayError.PERMISSION, message, code);
            case "unrecognizedclient", "expiredtoken", "invalidsignature", "incompletesignature",
                 "missingauthenticationtoken", "invalidclienttokenid", "signaturedoesnotmatch", "unauthorized" ->
                    GatewayError.of(401, GatewayError.AUTHENTICATION, message, code);
            case "resourcenotfound" -> GatewayError.of(404, GatewayError.NOT_FOUND, message, "model_not_found");
            case "conflict" -> GatewayError.of(409, GatewayError.INVALID_REQUEST, message, code);
            default -> {
                int s = status >= 400 && status <= 599 ? status : 502;
                yield GatewayError.of(s, GatewayError.typeForStatus(s), message, code);
            }
        };
    }

    /** {@code ValidationException:http://internal.amazon.com/...} or {@code com.amazon...#ValidationException}. */
    static String exceptionName(String raw) {
        String v = raw.strip();
        int colon = v.indexOf(':');
        if (colon >= 0) {
            v = v.substring(0, colon);
        }
        int hash = v.lastIndexOf('#');
        if (hash >= 0) {
            v = v.substring(hash + 1);
        }
        return v.isEmpty() ? v : Character.toUpperCase(v.charAt(0)) + v.substring(1);
    }

    /** A {@code retry-after} value: delay-seconds or an HTTP-date, capped at a day. */
    static Optional<Duration> retryAfter(String raw, Instant now) {
        String v = raw.strip();
        try {
            double seconds = Double.parseDouble(v);
            if (!Double.isFinite(seconds) || seconds < 0) {
                return Optional.empty();
            }
            Duration d = Duration.ofMillis(Math.round(Math.min(seconds, MAX_RETRY_AFTER.toSeconds()) * 1000));
            return Optional.of(d);
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d.compareTo(MAX_RETRY_AFTER) > 0
                        ? MAX_RETRY_AFTER : d);
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }

    /** Replaces any of the secrets in the error's message. */
    static GatewayError scrub(GatewayError error, List<String> secrets) {
        String message = error.message();
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4 && message.contains(secret)) {
                message = message.replace(secret, "****");
            }
        }
        return message.equals(error.message()) ? error : error.withMessage(message);
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? JSON.nullNode() : JSON.readTree(body);
        } catch (java.io.IOException | RuntimeException e) {
            return JSON.nullNode();
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isTextual() && !v.asText().isBlank() ? Optional.of(v.asText()) : Optional.empty();
    }
}
