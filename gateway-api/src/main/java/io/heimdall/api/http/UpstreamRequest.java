package io.heimdall.api.http;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request to an upstream.
 *
 * @param method  the method, for example {@code POST}
 * @param path    the path and query, appended to the client's base URL (for example {@code /chat/completions})
 * @param headers request headers in order; values may be secrets, so never log them
 * @param body    the body, empty for none
 * @param timeout how long to wait for the response headers and between body reads
 */
public record UpstreamRequest(String method, String path, Map<String, String> headers, byte[] body,
                              Duration timeout) {
    /** Validates and copies the fields. */
    public UpstreamRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = headers == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        body = body == null ? new byte[0] : body;
        Objects.requireNonNull(timeout, "timeout");
    }

    /** A JSON POST. */
    public static UpstreamRequest postJson(String path, Map<String, String> headers, byte[] body, Duration timeout) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.putIfAbsent("Content-Type", "application/json");
        return new UpstreamRequest("POST", path, h, body, timeout);
    }

    /** A GET. */
    public static UpstreamRequest get(String path, Map<String, String> headers, Duration timeout) {
        return new UpstreamRequest("GET", path, headers, new byte[0], timeout);
    }

    @Override
    public String toString() {
        return "UpstreamRequest[" + method + " " + path + ", " + body.length + " bytes]";
    }
}
