package io.heimdall.api.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An error as a client sees it: the HTTP status and the OpenAI error body
 * {@code {"error":{"message","type","param","code"}}}. Messages never contain secrets.
 *
 * @param status     the HTTP status
 * @param type       the OpenAI error type, for example {@code invalid_request_error}
 * @param message    a human-readable message
 * @param param      the request field at fault
 * @param code       a machine-readable code
 * @param retryAfter how long the client (or the router) should wait, from an upstream {@code retry-after}
 */
public record GatewayError(int status, String type, String message, Optional<String> param, Optional<String> code,
                           Optional<Duration> retryAfter) {
    /** {@code invalid_request_error}. */
    public static final String INVALID_REQUEST = "invalid_request_error";
    /** {@code authentication_error}. */
    public static final String AUTHENTICATION = "authentication_error";
    /** {@code permission_error}. */
    public static final String PERMISSION = "permission_error";
    /** {@code not_found_error}. */
    public static final String NOT_FOUND = "not_found_error";
    /** {@code rate_limit_error}. */
    public static final String RATE_LIMIT = "rate_limit_error";
    /** {@code api_error}: the upstream or the gateway failed. */
    public static final String API_ERROR = "api_error";
    /** {@code timeout_error}. */
    public static final String TIMEOUT = "timeout_error";

    /** Validates and normalises the fields. */
    public GatewayError {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("error status must be 4xx or 5xx: " + status);
        }
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
        param = Values.opt(param);
        code = Values.opt(code);
        retryAfter = Values.opt(retryAfter);
    }

    /*
     * Factories take their arguments in the order of the record's components — status, type, message, param, code —
     * leaving out what they do not set, so a param is never where a code is expected. For anything else, start from
     * of(status, type, message) and add withParam / withCode / withRetryAfter.
     */

    /** An error with the given status, type and message; no param, no code. */
    public static GatewayError of(int status, String type, String message) {
        return new GatewayError(status, type, message, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** An error with the given status, type, message and code ({@code null} for none); no param. */
    public static GatewayError of(int status, String type, String message, String code) {
        return new GatewayError(status, type, message, Optional.empty(), Optional.ofNullable(code), Optional.empty());
    }

    /** 400 {@code invalid_request_error} about a request field. */
    public static GatewayError invalidRequest(String message, String param) {
        return new GatewayError(400, INVALID_REQUEST, message, Optional.ofNullable(param), Optional.empty(),
                Optional.empty());
    }

    /** 404 {@code model_not_found}. */
    public static GatewayError modelNotFound(String model) {
        return new GatewayError(404, NOT_FOUND, "The model '" + model + "' does not exist or is not configured",
                Optional.of("model"), Optional.of("model_not_found"), Optional.empty());
    }

    /** 400 {@code unsupported}: a provider that cannot do an operation. */
    public static GatewayError unsupported(String provider, String operation) {
        return new GatewayError(400, INVALID_REQUEST, "Provider '" + provider + "' does not support " + operation,
                Optional.empty(), Optional.of("unsupported"), Optional.empty());
    }

    /** 502 {@code upstream_unreachable}: no connection or a broken response. */
    public static GatewayError upstreamUnreachable(String provider, String detail) {
        return of(502, API_ERROR, "Provider '" + provider + "' could not be reached: " + detail,
                "upstream_unreachable");
    }

    /** 504 {@code upstream_timeout}. */
    public static GatewayError upstreamTimeout(String provider) {
        return of(504, TIMEOUT, "Provider '" + provider + "' did not answer in time", "upstream_timeout");
    }

    /** 500 {@code internal_error}: a bug in the gateway or a plugin; details go to the log. */
    public static GatewayError internal(String message) {
        return of(500, API_ERROR, message, "internal_error");
    }

    /** The OpenAI type that fits an HTTP status, for upstreams that send none. */
    public static String typeForStatus(int status) {
        return switch (status) {
            case 400, 409, 413, 415, 422 -> INVALID_REQUEST;
            case 401 -> AUTHENTICATION;
            case 403 -> PERMISSION;
            case 404 -> NOT_FOUND;
            case 408, 504 -> TIMEOUT;
            case 429 -> RATE_LIMIT;
            default -> API_ERROR;
        };
    }

    /** Whether another attempt, on this target or the next, may succeed: 408, 429, 5xx. */
    public boolean retryable() {
        return status == 408 || status == 429 || status >= 500;
    }

    /** The same error naming the request field at fault. */
    public GatewayError withParam(String value) {
        return new GatewayError(status, type, message, Optional.of(value), code, retryAfter);
    }

    /** The same error with a machine-readable code. */
    public GatewayError withCode(String value) {
        return new GatewayError(status, type, message, param, Optional.of(value), retryAfter);
    }

    /** The same error with another message (for example with context added). */
    public GatewayError withMessage(String value) {
        return new GatewayError(status, type, value, param, code, retryAfter);
    }

    /** The same error with a retry-after hint. */
    public GatewayError withRetryAfter(Duration value) {
        return new GatewayError(status, type, message, param, code, Optional.ofNullable(value));
    }
}
