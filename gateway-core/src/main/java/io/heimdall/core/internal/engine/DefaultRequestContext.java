package io.heimdall.core.internal.engine;

import io.heimdall.api.RequestContext;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The gateway's {@link RequestContext}: one per client request. */
public final class DefaultRequestContext implements RequestContext {
    private final String requestId;
    private final Map<String, List<String>> headers;
    private final Instant deadline;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Map<String, String> responseHeaders = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, String> upstreamHeaders = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile String servedBy;

    /**
     * Creates a context.
     *
     * @param requestId the request id
     * @param headers   the client headers, lower-case names, credentials removed
     * @param deadline  when the request times out
     */
    public DefaultRequestContext(String requestId, Map<String, List<String>> headers, Instant deadline) {
        this.requestId = requestId;
        this.headers = Map.copyOf(headers);
        this.deadline = deadline;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public Map<String, List<String>> headers() {
        return headers;
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public Optional<String> caller() {
        return Optional.empty();
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public void addResponseHeader(String name, String value) {
        responseHeaders.put(name, value);
    }

    @Override
    public void addUpstreamHeader(String name, String value) {
        upstreamHeaders.put(name, value);
    }

    @Override
    public Map<String, String> upstreamHeaders() {
        synchronized (upstreamHeaders) {
            return Map.copyOf(upstreamHeaders);
        }
    }

    /** The headers hooks added for the client response. */
    public Map<String, String> responseHeaders() {
        synchronized (responseHeaders) {
            return new LinkedHashMap<>(responseHeaders);
        }
    }

    /** Records which {@code provider/model} served the request. */
    public void servedBy(String qualifiedModel) {
        this.servedBy = qualifiedModel;
    }

    /** Which {@code provider/model} served the request, or {@code cache}, if known. */
    public Optional<String> servedBy() {
        return Optional.ofNullable(servedBy);
    }
}
