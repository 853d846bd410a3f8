package io.heimdall.api;

import io.heimdall.api.auth.Caller;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the gateway knows about the client request being served, shared by every plugin that takes part in it. One
 * instance per client request (and per child request a plugin makes through
 * {@link io.heimdall.api.plugin.GatewayClient}); safe to use from any thread. Header names are lower case.
 */
public interface RequestContext {
    /** The request id: the client's {@code x-request-id} if it sent one, else one the gateway generated. */
    String requestId();

    /** The client's request headers, names in lower case. Credentials ({@code authorization}, ...) are removed. */
    Map<String, List<String>> headers();

    /** The first value of a client request header. */
    default Optional<String> header(String name) {
        List<String> values = headers().get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** When the gateway gives up on this request; nothing waits on an upstream past it. */
    Instant deadline();

    /** Who is calling: what the authenticator established, or {@link Caller#anonymous()} with none configured. */
    Caller caller();

    /** The client's IP address, or {@code in-process} for an embedded gateway. */
    String clientAddress();

    /** For a child request a plugin made while serving another request: that request. */
    Optional<RequestContext> parent();

    /** Mutable per-request attributes for plugins to pass values to each other; keys should be prefixed by plugin id. */
    Map<String, Object> attributes();

    /**
     * Sets a header on the response the client receives, replacing an earlier value of that name (case-insensitive).
     *
     * @throws IllegalStateException if the response headers were already sent (a stream has begun)
     */
    void setResponseHeader(String name, String value);

    /**
     * Sets a header on every upstream request made for this client request, replacing an earlier value of that name;
     * the HTTP client the core lends providers applies them.
     */
    void setUpstreamHeader(String name, String value);

    /** The headers set with {@link #setUpstreamHeader}, in insertion order. */
    Map<String, String> upstreamHeaders();
}
