package io.heimdall.api;

import io.heimdall.api.model.GatewayError;

import java.util.Objects;

/**
 * The one unchecked exception family of Heimdall. It carries a {@link GatewayError}: the HTTP status, the OpenAI error
 * type, a message safe to show a client, and whether trying another target may help. Providers throw it for upstream
 * failures; hooks and the core throw it for rejected input.
 */
public class GatewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient GatewayError error;

    /** Creates an exception for the given error. */
    public GatewayException(GatewayError error) {
        super(Objects.requireNonNull(error, "error").message());
        this.error = error;
    }

    /** Creates an exception for the given error, keeping its cause for logs (never shown to clients). */
    public GatewayException(GatewayError error, Throwable cause) {
        super(Objects.requireNonNull(error, "error").message(), cause);
        this.error = error;
    }

    /** The error as it will be shown to the client. */
    public GatewayError error() {
        return error;
    }

    /** Shorthand for a 400 {@code invalid_request_error}. */
    public static GatewayException badRequest(String message, String param) {
        return new GatewayException(GatewayError.invalidRequest(message, param));
    }

    /** Shorthand for an operation a provider does not support (400, code {@code unsupported}). */
    public static GatewayException unsupported(String provider, String operation) {
        return new GatewayException(GatewayError.unsupported(provider, operation));
    }
}
