package io.heimdall.testkit;

import io.heimdall.api.RequestContext;

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
    private String caller;

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

    /** Sets the caller name. */
    public synchronized TestRequestContext caller(String value) {
        this.caller = Objects.requireNonNull(value, "caller");
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
    public synchronized Optional<String> caller() {
        return Optional.ofNullable(caller);
    }

    @Override
    public Map<String, Object> attributes() {
        return attributes;
    }

    @Override
    public synchronized void addResponseHeader(String name, String value) {
        responseHeaders.computeIfAbsent(Objects.requireNonNull(name, "name"), k -> new ArrayList<>())
                .add(Objects.requireNonNull(value, "value"));
    }

    @Override
    public synchronized void addUpstreamHeader(String name, String value) {
        upstreamHeaders.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    }

    @Override
    public synchronized Map<String, String> upstreamHeaders() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(upstreamHeaders));
    }

    /** The headers added with {@link #addResponseHeader}, in insertion order, names as given. */
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
