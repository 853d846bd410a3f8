package io.heimdall.api.observe;

import io.heimdall.api.RequestContext;
import io.heimdall.api.route.Attempt;

/**
 * Sees every client request and every upstream attempt, for metrics, tracing and logs: the
 * {@link io.heimdall.api.plugin.Plugin#observer()} role. Called on the request path: must be fast and must not throw
 * (exceptions are logged and ignored). A plugin calling the gateway itself makes a child request
 * ({@link RequestContext#parent()} is set), observed like any other.
 */
public interface Observer {
    /** A client request arrived, for an operation such as {@code chat}, {@code chat.stream} or {@code embeddings}. */
    default void requestStarted(String operation, String model, RequestContext context) {
    }

    /** An upstream attempt is about to start. */
    default void attemptStarted(AttemptStart start) {
    }

    /** An upstream attempt ended. */
    default void attemptFinished(Attempt attempt, RequestContext context) {
    }

    /** The client request ended. */
    default void requestFinished(RequestSummary summary, RequestContext context) {
    }
}
