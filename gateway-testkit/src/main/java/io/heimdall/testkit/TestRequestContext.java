package io.heimdall.testkit;

import io.heimdall.api.RequestContext;
import io.heimdall.api.auth.Caller;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A mutable {@link RequestContext} for provider and hook tests: set client headers, deadline and caller with the
 * fluent setters, then inspect the response and upstream headers the code under test added. Thread-safe.
 *
 * <pre>{@code
 * TestRequestContext context = new TestRequestContext().header("x-tenant", "blue");
 * provider.chat(request, new ProviderCall("openai", Optional.of(key), context, 1));
 * }</pre>
 */
public final class TestRequestContext implements RequestContext {
    private static final AtomicLong IDS = new AtomicLong();

    private final String requestId;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
    private final Map<String, String> upstreamHeaders = new LinkedHashMap<>();
    private Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    private Caller caller = Caller.anonymous();
    private RequestContext parent;
    private boolean committed;

    /** A context with a generated request id ({@code test-req-<n>}) and a deadline 60 s from now. */
    public TestRequestContext() {
        this("test-req-" + IDS.incrementAndGet());
    }

    /** A context with the given request id and a deadline 60 s from now. */
    public TestRequestContext(String requestId) {
        this.requestId = Objects.requireNonNull(requestId, "requestId");
    }

    /** Adds a client request header (name lower-cased). */
    public synchronized TestRequestContext header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Sets the deadline. */
    public synchronized TestRequestContext deadline(Instant value) {
        this.deadline = Objects.requireNonNull(value, "deadline");
        return this;
    }

    /** Sets the deadline to now plus {@code timeout}. */
    public TestRequestContext timeout(Duration timeout) {
        return deadline(Instant.now().plus(timeout));
    }

    /** Sets the caller: an authenticated caller of this id that may use every model. */
    public synchronized TestRequestContext caller(String value) {
        this.caller = Caller.of(Objects.requireNonNull(value, "caller"));
        return this;
    }

    /** Sets the caller. */
    public synchronized TestRequestContext caller(Caller value) {
        this.caller = Objects.requireNonNull(value, "caller");
        return this;
    }

    /** Makes this a child request of {@code value}. */
    public synchronized TestRequestContext parent(RequestContext value) {
        this.parent = Objects.requireNonNull(value, "parent");
        return this;
    }

    /** Marks the response headers as sent, as a stream's first chunk does: later header changes then fail. */
    public synchronized TestRequestContext commitResponse() {
        this.committed = true;
        return this;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public synchronized Map<String, List<String>> headers() {
        return copy(headers);
    }

    @Override
    public synchronized Instant deadline() {
        return deadline;
    }

    @Override
    public synchronized Caller caller() {
        return caller;
    }

    @Override
    public String clientAddress() {
        return "127.0.0.1";
    }

    @Override
    public synchronized Optional<RequestContext> parent() {
        return Optional.ofNullable(parent);
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    /** Sets a response header, replacing an earlier value of that name, exactly as the gateway does. */
    @Override
    public synchronized void setResponseHeader(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (committed) {
            throw new IllegalStateException("response header '" + name + "' set after the response headers of "
                    + "request " + requestId + " were sent");
        }
        responseHeaders.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        responseHeaders.put(name, new ArrayList<>(List.of(value)));
    }

    @Override
    public synchronized void setUpstreamHeader(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        upstreamHeaders.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        upstreamHeaders.put(name, value);
    }

    @Override
    public synchronized Map<String, String> upstreamHeaders() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(upstreamHeaders));
    }

    /** The headers set with {@link #setResponseHeader}, in insertion order, names as given. */
    public synchronized Map<String, List<String>> responseHeaders() {
        return copy(responseHeaders);
    }

    private static Map<String, List<String>> copy(Map<String, List<String>> map) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public String toString() {
        return "TestRequestContext[" + requestId + "]";
    }
}
