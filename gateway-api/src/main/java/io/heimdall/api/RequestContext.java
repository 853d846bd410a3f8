package io.heimdall.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway knows about the client request being served, shared by every plugin that takes part in it. One
 * instance per client request; it is safe to use from the request's virtual thread. Header names are lower case.
 */
public interface RequestContext {
    /** The request id: the client's {@code x-request-id} if it sent one, else one the gateway generated. */
    String requestId();

    /** The client's request headers, names in lower case. Authorization headers are removed. */
    Map<String, List<String>> headers();

    /** The first value of a client request header. */
    default Optional<String> header(String name) {
        List<String> values = headers().get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** When the gateway gives up on this request; providers should not wait on upstreams past it. */
    Instant deadline();

    /** A stable, non-secret name of the caller (for example a virtual key's name), if the request was authenticated. */
    Optional<String> caller();

    /** Mutable per-request attributes for plugins to pass values to each other; keys should be prefixed by plugin id. */
    Map<String, Object> attributes();

    /** Adds a header to the response the client receives. */
    void addResponseHeader(String name, String value);

    /** Adds a header to every upstream request made for this client request (providers honour these). */
    void addUpstreamHeader(String name, String value);

    /** The headers added with {@link #addUpstreamHeader}, in insertion order. */
    Map<String, String> upstreamHeaders();
}
