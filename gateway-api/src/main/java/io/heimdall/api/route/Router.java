package io.heimdall.api.route;

import io.heimdall.api.RequestContext;

import java.util.List;

/**
 * Plans the order in which targets are tried for one request: the {@link io.heimdall.api.plugin.Plugin#router()}
 * role (the core's weighted router when no plugin takes it). The core retries each target per its retry settings and
 * then moves to the next one on a retryable error (429, 5xx, timeouts, connection failures, malformed bodies), for
 * streams only before the first byte reached the client.
 */
public interface Router {
    /**
     * Orders the candidates. May drop candidates (they are then not tried) but must not invent new ones.
     *
     * @param requestedModel the model name the client sent
     * @param candidates     the available targets for that model, with weight and priority (targets that are
     *                       cooling down, refused or behind an open circuit are already left out)
     * @param context        the client request
     * @return the targets to try, in order
     */
    List<Target> plan(String requestedModel, List<Target> candidates, RequestContext context);

    /** Told how every attempt ended, to keep latency or error statistics. Must be fast and must not throw. */
    default void record(Attempt attempt) {
    }
}
