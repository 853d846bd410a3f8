package io.heimdall.api.endpoint;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An HTTP route a plugin serves. The path is exact ({@code /metrics}), may hold named segments
 * ({@code /v1/mcp/tool/{name}}, read with {@link EndpointRequest#pathParam}), or end in {@code /*} to take every path
 * below it ({@code /ui/*}; the rest is {@link EndpointRequest#pathParam pathParam("*")}). The core's own routes
 * ({@code /v1/chat/completions}, {@code /v1/embeddings}, {@code /v1/models}, {@code /health}, {@code /ready}) cannot be
 * claimed, and two plugins claiming the same method and path is a config error naming both.
 *
 * @param method  the HTTP method in upper case
 * @param path    the path pattern
 * @param access  who may call it
 * @param handler what serves it
 */
public record Endpoint(String method, String path, Access access, EndpointHandler handler) {
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    /** Validates the fields. */
    public Endpoint {
        Objects.requireNonNull(method, "method");
        method = method.toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("unsupported method: " + method);
        }
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/") || path.contains("//") || path.contains("..")
                || (path.contains("*") && !path.endsWith("/*")) || path.indexOf('*') != path.lastIndexOf('*')) {
            throw new IllegalArgumentException("a route path starts with '/', has no '//' or '..', and may only end "
                    + "in '/*': " + path);
        }
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(handler, "handler");
    }

    /** A {@code GET} route for callers. */
    public static Endpoint get(String path, EndpointHandler handler) {
        return new Endpoint("GET", path, Access.CALLER, handler);
    }

    /** A {@code POST} route for callers. */
    public static Endpoint post(String path, EndpointHandler handler) {
        return new Endpoint("POST", path, Access.CALLER, handler);
    }

    /** A route for callers. */
    public static Endpoint of(String method, String path, EndpointHandler handler) {
        return new Endpoint(method, path, Access.CALLER, handler);
    }

    /** The same route with another access rule. */
    public Endpoint withAccess(Access value) {
        return new Endpoint(method, path, value, handler);
    }

    /** {@code METHOD path}, for messages. */
    public String describe() {
        return method + " " + path;
    }
}
