package io.heimdall.api.hook;

import io.heimdall.api.model.GatewayError;

import java.util.Objects;

/**
 * What a hook decided about a response, a stream chunk or an embeddings request: go on with a (possibly changed) value,
 * or reject with an error. A request hook has more choices: {@link RequestOutcome}.
 *
 * @param <T> the value the hook saw
 */
public sealed interface HookOutcome<T> permits HookOutcome.Proceed, HookOutcome.Reject {
    /** Go on with this value. */
    static <T> HookOutcome<T> proceed(T value) {
        return new Proceed<>(value);
    }

    /** Fail with this error. */
    static <T> HookOutcome<T> reject(GatewayError error) {
        return new Reject<>(error);
    }

    /**
     * Go on.
     *
     * @param value the value to go on with
     * @param <T>   the value type
     */
    record Proceed<T>(T value) implements HookOutcome<T> {
        /** Validates the value. */
        public Proceed {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * Reject.
     *
     * @param error the error for the client
     * @param <T>   the value type
     */
    record Reject<T>(GatewayError error) implements HookOutcome<T> {
        /** Validates the error. */
        public Reject {
            Objects.requireNonNull(error, "error");
        }
    }
}
