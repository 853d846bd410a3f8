package io.heimdall.provider.anthropic.messages;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.GatewayError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Maps Messages API errors — {@code {"type":"error","error":{"type":...,"message":...},"request_id":...}} as a response
 * body or as a stream's {@code error} event — onto gateway errors, keeping the upstream's message and status:
 * {@code invalid_request_error} 400 ({@code context_length_exceeded} when the prompt is too long),
 * {@code authentication_error} 401, {@code permission_error} 403, {@code not_found_error} 404,
 * {@code request_too_large} 413, {@code rate_limit_error} 429 (with retry-after), {@code api_error} 500,
 * {@code overloaded_error} 529 (retryable). Callers scrub secrets from the message.
 */
public final class MessagesErrors {
    private static final Pattern TOO_LONG = Pattern.compile(
            "prompt is too long|context (window|length)|too many (input )?tokens|exceeds? the (model's )?"
                    + "(maximum )?context", Pattern.CASE_INSENSITIVE);

    private MessagesErrors() {
    }

    /**
     * The error for an HTTP error response.
     *
     * @param status     the HTTP status
     * @param body       the body, possibly empty or not JSON
     * @param retryAfter the wait the response asked for
     * @param provider   the provider name, for a message when the body has none
     */
    public static GatewayError fromResponse(int status, byte[] body, Optional<Duration> retryAfter, String provider) {
        Optional<JsonNode> error = errorObject(body);
        String type = error.map(e -> Json.text(e, "type")).orElse("");
        String message = error.map(e -> Json.text(e, "message")).filter(m -> !m.isBlank())
                .orElse("Provider '" + provider + "' answered HTTP " + status);
        int code = status >= 400 && status <= 599 ? status : statusOf(type);
        GatewayError mapped = map(code, type, message);
        return retryAfter.map(mapped::withRetryAfter).orElse(mapped);
    }

    /** The error for a stream's {@code error} event, with the status its type has on a response. */
    public static GatewayError fromStreamEvent(String data, String provider) {
        Optional<JsonNode> error = errorObject(data.getBytes(StandardCharsets.UTF_8));
        String type = error.map(e -> Json.text(e, "type")).orElse("api_error");
        String message = error.map(e -> Json.text(e, "message")).filter(m -> !m.isBlank())
                .orElse("Provider '" + provider + "' sent an error event");
        return map(statusOf(type), type, message);
    }

    /** The HTTP status the Messages API documents for an error type (500 for an unknown one). */
    public static int statusOf(String type) {
        return switch (type) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "timeout_error" -> 504;
            case "overloaded_error" -> 529;
            default -> 500;
        };
    }

    private static GatewayError map(int status, String type, String message) {
        return switch (type) {
            case "invalid_request_error" -> TOO_LONG.matcher(message).find()
                    ? GatewayError.of(status, GatewayError.INVALID_REQUEST, message, "context_length_exceeded")
                    : GatewayError.of(status, GatewayError.INVALID_REQUEST, message);
            case "authentication_error" -> GatewayError.of(status, GatewayError.AUTHENTICATION, message);
            case "permission_error" -> GatewayError.of(status, GatewayError.PERMISSION, message);
            case "not_found_error" -> GatewayError.of(status, GatewayError.NOT_FOUND, message);
            case "request_too_large" -> GatewayError.of(status, GatewayError.INVALID_REQUEST, message,
                    "request_too_large");
            case "rate_limit_error" -> GatewayError.of(status, GatewayError.RATE_LIMIT, message,
                    "rate_limit_exceeded");
            case "api_error" -> GatewayError.of(status, GatewayError.API_ERROR, message);
            case "overloaded_error" -> GatewayError.of(status, GatewayError.API_ERROR, message, "overloaded");
            case "timeout_error" -> GatewayError.of(status, GatewayError.TIMEOUT, message);
            case "" -> GatewayError.of(status, GatewayError.typeForStatus(status), message);
            default -> GatewayError.of(status, GatewayError.typeForStatus(status), message, type);
        };
    }

    private static Optional<JsonNode> errorObject(byte[] body) {
        try {
            JsonNode root = Json.MAPPER.readTree(body);
            JsonNode error = root == null ? null : root.get("error");
            return error != null && error.isObject() ? Optional.of(error) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
