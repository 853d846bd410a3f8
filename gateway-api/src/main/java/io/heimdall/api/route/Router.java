package io.heimdall.api.route;

import io.heimdall.api.RequestContext;

import java.util.List;

/**
 * Plans the order in which targets are tried for one request. The core attempts them in that order, moving on when an
 * attempt fails with a retryable error (429, 5xx, timeouts, connection failures) and, for streams, only before the
 * first byte reached the client.
 */
public interface Router extends AutoCloseable {
    /**
     * Orders the candidates. May drop candidates (they are then not tried) but must not invent new ones.
     *
     * @param requestedModel the model name the client sent
     * @param candidates     every configured target for that model, with weight, priority and health
     * @param context        the client request
     * @return the targets to try, in order
     */
    List<Target> plan(String requestedModel, List<Target> candidates, RequestContext context);

    /** Told about the outcome of every attempt, to keep health or latency statistics. */
    default void record(Target target, boolean success, long latencyNanos) {
    }

    @Override
    default void close() {
    }
}
