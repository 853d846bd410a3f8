package io.heimdall.testkit.tck;

import io.heimdall.api.model.Usage;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link NativeUpstream} answers, in provider-neutral terms; the mock renders it in its provider's wire format.
 * {@link Usage} is canonical: prompt tokens include cached tokens, as OpenAI counts them; the mock renders it the
 * provider's way (Anthropic's {@code input_tokens}, for one, excludes cache reads).
 */
public sealed interface Reply {
    /** A short text answer ending with {@code stop}. */
    static Reply text(String text) {
        return new Text(List.of(text), "stop", Usage.of(3, 1));
    }

    /**
     * A text answer.
     *
     * @param pieces       how a stream splits the text: one native delta event per piece
     * @param finishReason the canonical finish reason: {@code stop}, {@code length} or {@code content_filter}
     * @param usage        the token usage
     */
    record Text(List<String> pieces, String finishReason, Usage usage) implements Reply {
        /** Validates and copies the fields. */
        public Text {
            pieces = List.copyOf(pieces);
            Objects.requireNonNull(finishReason, "finishReason");
            Objects.requireNonNull(usage, "usage");
        }

        /** The whole text. */
        public String text() {
            return String.join("", pieces);
        }
    }

    /**
     * One or more tool calls (parallel when several), after an optional text.
     *
     * @param text  text before the calls, empty for none
     * @param calls the calls in order
     * @param usage the token usage
     */
    record ToolCalls(String text, List<Call> calls, Usage usage) implements Reply {
        /** Validates and copies the fields. */
        public ToolCalls {
            Objects.requireNonNull(text, "text");
            calls = List.copyOf(calls);
            Objects.requireNonNull(usage, "usage");
        }

        /**
         * One tool call.
         *
         * @param id                the call id (ignored by wires that carry none)
         * @param name              the function name
         * @param argumentFragments how a stream splits the arguments JSON, on purpose mid-token
         */
        public record Call(String id, String name, List<String> argumentFragments) {
            /** Validates and copies the fields. */
            public Call {
                Objects.requireNonNull(id, "id");
                Objects.requireNonNull(name, "name");
                argumentFragments = List.copyOf(argumentFragments);
            }

            /** The whole arguments JSON. */
            public String arguments() {
                return String.join("", argumentFragments);
            }
        }
    }

    /**
     * A failure before any body, rendered as the provider's documented error status and body, with a retry hint in the
     * provider's own form when {@code retryAfter} is present.
     *
     * @param kind       what went wrong
     * @param message    the provider's message, which the client must get back
     * @param retryAfter how long to wait, for rate limits
     */
    record Failure(Kind kind, String message, Optional<Duration> retryAfter) implements Reply {
        /** Validates the fields. */
        public Failure {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }

    /**
     * A stream that sends {@code textBefore} as deltas, then the provider's native in-stream error event.
     *
     * @param textBefore the text streamed before the error
     * @param kind       what went wrong
     * @param message    the provider's message
     */
    record StreamFailure(String textBefore, Kind kind, String message) implements Reply {
        /** Validates the fields. */
        public StreamFailure {
            Objects.requireNonNull(textBefore, "textBefore");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }
    }

    /** The connection is closed without a response. */
    record Drop() implements Reply {
    }

    /** Kinds of failure every provider has some way of saying. */
    enum Kind {
        /** Too many requests: a 429. */
        RATE_LIMITED,
        /** The service is overloaded: 503 or 529, retryable. */
        OVERLOADED,
        /** The key is wrong: 401. */
        AUTHENTICATION,
        /** The key may not do this: 403. */
        PERMISSION,
        /** The prompt is longer than the model's context: 400 {@code context_length_exceeded}. */
        CONTEXT_TOO_LONG,
        /** Another invalid request: 400. */
        BAD_REQUEST,
        /** No such model: 404. */
        NOT_FOUND,
        /** The provider failed: 500. */
        SERVER_ERROR
    }
}
