package io.heimdall.provider.googlemock;

import io.heimdall.api.model.Usage;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What the upstream answers, provider-neutral. */
public sealed interface Reply {
    /** Text split into stream pieces. */
    record Text(List<String> pieces, String finishReason, Usage usage) implements Reply {
    }

    /** Tool calls after optional text. */
    record ToolCalls(String text, List<Call> calls, Usage usage) implements Reply {
        /** One call. */
        public record Call(String id, String name, List<String> argumentFragments) {
        }
    }

    /** A failure before any body. */
    record Failure(Kind kind, String message, Optional<Duration> retryAfter) implements Reply {
    }

    /** Text, then an in-stream error. */
    record StreamFailure(String textBefore, Kind kind, String message) implements Reply {
    }

    /** The connection is closed without a response. */
    record Drop() implements Reply {
    }

    /** Failure kinds. */
    enum Kind { RATE_LIMITED, OVERLOADED, AUTHENTICATION, PERMISSION, CONTEXT_TOO_LONG, BAD_REQUEST, NOT_FOUND,
        SERVER_ERROR }
}
