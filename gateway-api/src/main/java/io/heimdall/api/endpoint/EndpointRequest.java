package io.heimdall.api.endpoint;

import io.heimdall.api.RequestContext;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A request to a plugin route. Credentials are not visible here: the caller is {@code context().caller()}. */
public interface EndpointRequest {
    /** The HTTP method in upper case. */
    String method();

    /** The decoded path, for example {@code /v1/messages}. */
    String path();

    /** A named segment of the route pattern, or {@code "*"} for the rest of a {@code /*} route. */
    Optional<String> pathParam(String name);

    /** The decoded query parameters. */
    Map<String, List<String>> query();

    /** The first value of a query parameter. */
    default Optional<String> query(String name) {
        List<String> v = query().get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
    }

    /** The first value of a request header (credentials removed). */
    default Optional<String> header(String name) {
        return context().header(name);
    }

    /**
     * The body, read on first call and at most {@code server.max-body-size} bytes; a larger body fails with 413, an
     * unreadable one with 400 ({@link io.heimdall.api.GatewayException}). Empty when there is none.
     */
    byte[] body();

    /** The client's IP address. */
    String clientAddress();

    /**
     * This request's context: request id, headers, caller, deadline. Pass it to
     * {@link io.heimdall.api.plugin.Pipeline} to run a canonical request through hooks, cache, router and providers
     * on behalf of this client.
     */
    RequestContext context();
}
