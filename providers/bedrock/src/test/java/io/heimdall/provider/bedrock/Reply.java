package io.heimdall.provider.bedrock;

import io.heimdall.api.model.Usage;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Stand-in for io.heimdall.testkit.tck.Reply until the TCK lands on main (same shape). */
sealed interface Reply {
    record Text(List<String> pieces, String finishReason, Usage usage) implements Reply {
        String text() {
            return String.join("", pieces);
        }
    }

    record ToolCalls(String text, List<Call> calls, Usage usage) implements Reply {
        record Call(String id, String name, List<String> argumentFragments) {
            String arguments() {
                return String.join("", argumentFragments);
            }
        }
    }

    record Failure(Kind kind, String message, Optional<Duration> retryAfter) implements Reply {
    }

    record StreamFailure(String textBefore, Kind kind, String message) implements Reply {
    }

    record Drop() implements Reply {
    }

    enum Kind { RATE_LIMITED, OVERLOADED, AUTHENTICATION, PERMISSION, CONTEXT_TOO_LONG, BAD_REQUEST, NOT_FOUND,
        SERVER_ERROR }
}
