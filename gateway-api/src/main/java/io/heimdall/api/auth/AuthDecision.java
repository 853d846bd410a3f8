package io.heimdall.api.auth;

import io.heimdall.api.model.GatewayError;

import java.util.Objects;

/** What an {@link Authenticator} decided: let the caller in, leave the decision to the next one, or refuse. */
public sealed interface AuthDecision permits AuthDecision.Allow, AuthDecision.Abstain, AuthDecision.Deny {
    /** The caller is known. */
    static AuthDecision allow(Caller caller) {
        return new Allow(caller);
    }

    /** This authenticator does not recognise the credential (or none was sent); ask the next one. */
    static AuthDecision abstain() {
        return Abstain.INSTANCE;
    }

    /** Refuse with this error (usually 401 or 403). */
    static AuthDecision deny(GatewayError error) {
        return new Deny(error);
    }

    /** Refuse with 401 {@code authentication_error}, code {@code invalid_api_key}. */
    static AuthDecision unauthorized(String message) {
        return new Deny(GatewayError.of(401, GatewayError.AUTHENTICATION, message, "invalid_api_key"));
    }

    /** Refuse with 403 {@code permission_error}, code {@code forbidden}. */
    static AuthDecision forbidden(String message) {
        return new Deny(GatewayError.of(403, GatewayError.PERMISSION, message, "forbidden"));
    }

    /**
     * Allowed.
     *
     * @param caller who is calling
     */
    record Allow(Caller caller) implements AuthDecision {
        /** Validates the caller. */
        public Allow {
            Objects.requireNonNull(caller, "caller");
        }
    }

    /** No opinion. */
    final class Abstain implements AuthDecision {
        private static final Abstain INSTANCE = new Abstain();

        private Abstain() {
        }
    }

    /**
     * Refused.
     *
     * @param error the error the client gets
     */
    record Deny(GatewayError error) implements AuthDecision {
        /** Validates the error. */
        public Deny {
            Objects.requireNonNull(error, "error");
        }
    }
}
