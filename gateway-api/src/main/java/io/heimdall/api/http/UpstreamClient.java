package io.heimdall.api.http;

/**
 * A pooled, blocking HTTP/1.1 client bound to one base URL, provided by the core. Meant for virtual threads: a call
 * blocks until the status line and headers arrive; the body is then read as a stream.
 */
public interface UpstreamClient {
    /**
     * Sends a request.
     *
     * @param request the request; its path is resolved against the base URL
     * @return the response; the caller must close it
     * @throws io.heimdall.api.GatewayException 502 {@code upstream_unreachable} when no connection could be made or the
     *                                          response was broken, 504 {@code upstream_timeout} on timeout
     */
    UpstreamResponse send(UpstreamRequest request);
}
