package io.heimdall.api.observe;

import io.heimdall.api.RequestContext;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.Usage;
import io.heimdall.api.route.Target;

import java.util.Optional;

/**
 * Sees every client request and every upstream attempt, for metrics, tracing and logs. Called on the request path:
 * must be fast and must not throw (exceptions are logged and ignored).
 */
public interface Observer extends AutoCloseable {
    /** A client request arrived, for an operation such as {@code chat}, {@code chat.stream} or {@code embeddings}. */
    default void requestStarted(String operation, String model, RequestContext context) {
    }

    /** One attempt at a target ended; {@code error} is empty on success. */
    default void attemptFinished(Target target, int attempt, long nanos, Optional<GatewayError> error,
                                 RequestContext context) {
    }

    /** The client request ended with this status; usage when known; {@code cached} when the cache answered. */
    default void requestFinished(int status, long nanos, Optional<Usage> usage, boolean cached,
                                 RequestContext context) {
    }

    @Override
    default void close() {
    }
}
