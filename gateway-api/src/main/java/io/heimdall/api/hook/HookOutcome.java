package io.heimdall.api.hook;

import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.GatewayError;

import java.util.Objects;

/**
 * What a hook decided: go on with a (possibly changed) value, answer the request itself, or reject it with an error.
 *
 * @param <T> the value the hook saw: a request, response or chunk
 */
public sealed interface HookOutcome<T> permits HookOutcome.Proceed, HookOutcome.Answer, HookOutcome.Reject {
    /** Go on with this value. */
    static <T> HookOutcome<T> proceed(T value) {
        return new Proceed<>(value);
    }

    /** Answer the client with this response; nothing after this hook runs. */
    static <T> HookOutcome<T> answer(ChatResponse response) {
        return new Answer<>(response);
    }

    /** Fail the request with this error. */
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
     * Answer now.
     *
     * @param response the response for the client
     * @param <T>      the value type
     */
    record Answer<T>(ChatResponse response) implements HookOutcome<T> {
        /** Validates the response. */
        public Answer {
            Objects.requireNonNull(response, "response");
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
