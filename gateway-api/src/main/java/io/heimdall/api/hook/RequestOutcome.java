package io.heimdall.api.hook;

import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.GatewayError;

import java.util.Objects;

/**
 * What a hook decided about a chat request: go on (maybe with a changed request), answer it itself (whole or as a
 * stream; later hooks, the cache and the providers are skipped), or reject it.
 */
public sealed interface RequestOutcome permits RequestOutcome.Proceed, RequestOutcome.Answer,
        RequestOutcome.Stream, RequestOutcome.Reject {
    /** Go on with this request. */
    static RequestOutcome proceed(ChatRequest request) {
        return new Proceed(request);
    }

    /** Answer with this response (replayed as chunks if the client asked for a stream). */
    static RequestOutcome answer(ChatResponse response) {
        return new Answer(response);
    }

    /** Answer with a stream (gathered into one response if the client did not ask for a stream). */
    static RequestOutcome stream(StreamAnswer answer) {
        return new Stream(answer);
    }

    /** Fail the request with this error. */
    static RequestOutcome reject(GatewayError error) {
        return new Reject(error);
    }

    /**
     * Go on.
     *
     * @param request the request to go on with
     */
    record Proceed(ChatRequest request) implements RequestOutcome {
        /** Validates the request. */
        public Proceed {
            Objects.requireNonNull(request, "request");
        }
    }

    /**
     * Answer now.
     *
     * @param response the response
     */
    record Answer(ChatResponse response) implements RequestOutcome {
        /** Validates the response. */
        public Answer {
            Objects.requireNonNull(response, "response");
        }
    }

    /**
     * Answer with a stream.
     *
     * @param answer produces the chunks
     */
    record Stream(StreamAnswer answer) implements RequestOutcome {
        /** Validates the answer. */
        public Stream {
            Objects.requireNonNull(answer, "answer");
        }
    }

    /**
     * Reject.
     *
     * @param error the error for the client
     */
    record Reject(GatewayError error) implements RequestOutcome {
        /** Validates the error. */
        public Reject {
            Objects.requireNonNull(error, "error");
        }
    }
}
