package io.heimdall.api.endpoint;

/**
 * Serves one route. Runs on the request's virtual thread and may block. Throwing
 * {@link io.heimdall.api.GatewayException} answers with that error in the OpenAI shape (or, once a stream has begun,
 * ends it); any other exception is a logged 500.
 */
@FunctionalInterface
public interface EndpointHandler {
    /** Handles one request. */
    void handle(EndpointRequest request, EndpointResponse response);
}
