package io.heimdall.core.internal.engine;

import io.heimdall.api.RequestContext;
import io.heimdall.api.auth.Caller;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The gateway's {@link RequestContext}: one per client request, and one per child request a plugin makes. */
public final class DefaultRequestContext implements RequestContext {
    private final String requestId;
    private final Map<String, List<String>> headers;
    private final Instant deadline;
    private final Caller caller;
    private final String clientAddress;
    private final Optional<RequestContext> parent;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Map<String, String[]> responseHeaders = new LinkedHashMap<>();
    private final Map<String, String[]> upstreamHeaders = new LinkedHashMap<>();
    private final AtomicInteger children = new AtomicInteger();
    private volatile boolean committed;
    private volatile String servedBy;
    private volatile int attempts;
    private volatile long bytesOut;
    private volatile long bytesIn = -1;
    private volatile java.util.function.Supplier<Optional<Integer>> cancellation = Optional::empty;

    /**
     * Creates a context.
     *
     * @param requestId     the request id
     * @param headers       the client headers, lower-case names, credentials removed
     * @param deadline      when the request times out
     * @param caller        who is calling
     * @param clientAddress the client's address
     */
    public DefaultRequestContext(String requestId, Map<String, List<String>> headers, Instant deadline, Caller caller,
                                 String clientAddress) {
        this(requestId, headers, deadline, caller, clientAddress, Optional.empty());
    }

    private DefaultRequestContext(String requestId, Map<String, List<String>> headers, Instant deadline, Caller caller,
                                  String clientAddress, Optional<RequestContext> parent) {
        this.requestId = requestId;
        this.headers = Map.copyOf(headers);
        this.deadline = deadline;
        this.caller = caller;
        this.clientAddress = clientAddress;
        this.parent = parent;
    }

    /** A context for an application calling an embedded gateway. */
    public static DefaultRequestContext inProcess(String requestId, Instant deadline) {
        return new DefaultRequestContext(requestId, Map.of(), deadline, Caller.anonymous(), "in-process");
    }

    /**
     * A child request of {@code parent}: request id {@code <parent>.<n>}, the parent's caller, headers and deadline;
     * response headers it sets go nowhere (the parent's response is the client's).
     */
    public static DefaultRequestContext childOf(RequestContext parent) {
        int n = parent instanceof DefaultRequestContext d ? d.children.incrementAndGet() : 1;
        DefaultRequestContext child = new DefaultRequestContext(parent.requestId() + "." + n, parent.headers(),
                parent.deadline(), parent.caller(), parent.clientAddress(), Optional.of(parent));
        parent.upstreamHeaders().forEach(child::setUpstreamHeader);
        return child;
    }

    /** A context of the gateway's own for a request a plugin built on a foreign context (same id, caller, deadline). */
    public static DefaultRequestContext adopt(RequestContext context) {
        if (context instanceof DefaultRequestContext d) {
            return d;
        }
        DefaultRequestContext c = new DefaultRequestContext(context.requestId(), context.headers(), context.deadline(),
                context.caller(), context.clientAddress(), context.parent());
        context.upstreamHeaders().forEach(c::setUpstreamHeader);
        return c;
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
    public Caller caller() {
        return caller;
    }

    @Override
    public String clientAddress() {
        return clientAddress;
    }

    @Override
    public Optional<RequestContext> parent() {
        return parent;
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public void setResponseHeader(String name, String value) {
        synchronized (responseHeaders) {
            if (committed) {
                throw new IllegalStateException("response header '" + name + "' set after the response headers of "
                        + "request " + requestId + " were sent");
            }
            responseHeaders.put(name.toLowerCase(Locale.ROOT), new String[]{name, value});
        }
    }

    /**
     * Sets a response header unless one of that name was set already (the core's default for a header a plugin may set
     * itself, such as a cache's {@code x-heimdall-cache}).
     */
    public void setResponseHeaderIfAbsent(String name, String value) {
        synchronized (responseHeaders) {
            if (!responseHeaders.containsKey(name.toLowerCase(Locale.ROOT))) {
                setResponseHeader(name, value);
            }
        }
    }

    @Override
    public void setUpstreamHeader(String name, String value) {
        synchronized (upstreamHeaders) {
            upstreamHeaders.put(name.toLowerCase(Locale.ROOT), new String[]{name, value});
        }
    }

    @Override
    public Map<String, String> upstreamHeaders() {
        synchronized (upstreamHeaders) {
            if (upstreamHeaders.isEmpty()) {
                return Map.of();
            }
            Map<String, String> out = new LinkedHashMap<>();
            upstreamHeaders.values().forEach(h -> out.put(h[0], h[1]));
            return out;
        }
    }

    /**
     * The headers hooks set for the client response, and marks them sent: a later
     * {@link #setResponseHeader} fails loudly.
     */
    public Map<String, String> commitResponseHeaders() {
        synchronized (responseHeaders) {
            committed = true;
            if (responseHeaders.isEmpty()) {
                return Map.of();
            }
            Map<String, String> out = new LinkedHashMap<>();
            responseHeaders.values().forEach(h -> out.put(h[0], h[1]));
            return out;
        }
    }

    /** Records which {@code provider/model} served the request. */
    public void servedBy(String qualifiedModel) {
        this.servedBy = qualifiedModel;
    }

    /** Which {@code provider/model} served the request, or {@code cache} / {@code hook}, if known. */
    public Optional<String> servedBy() {
        return Optional.ofNullable(servedBy);
    }

    /**
     * Tells the context how to learn that the transport cancelled the request (the watchdog: client gone → 499,
     * deadline → 504), so the pipeline reports the true outcome to hooks and observers.
     */
    public void cancellation(java.util.function.Supplier<Optional<Integer>> status) {
        this.cancellation = status;
    }

    /** The status the request was cancelled with, if the transport cancelled it. */
    Optional<Integer> cancelledStatus() {
        return cancellation.get();
    }

    /** Counts one more upstream attempt and returns its number. */
    int nextAttempt() {
        return ++attempts;
    }

    /** The upstream attempts made so far. */
    public int attempts() {
        return attempts;
    }

    /** Counts response body bytes written to the client. */
    public void sent(long bytes) {
        bytesOut += bytes;
    }

    /** Counts request body bytes read from the client. */
    public void received(long bytes) {
        bytesIn = Math.max(bytesIn, 0) + bytes;
    }

    /** The request body bytes read from the client, -1 when none was read. */
    public long bytesIn() {
        return bytesIn;
    }

    /** The response body bytes written to the client so far. */
    public long bytesOut() {
        return bytesOut;
    }
}
