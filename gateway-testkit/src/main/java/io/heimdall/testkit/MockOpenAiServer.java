package io.heimdall.testkit;

import io.heimdall.testkit.internal.Embeddings;
import io.heimdall.testkit.internal.OpenAiJson;
import io.helidon.webserver.WebServer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A mock upstream that speaks the OpenAI API wire format over a real socket, on Helidon WebServer (one virtual thread
 * per request). Endpoints: {@code POST /v1/chat/completions} (JSON or, with {@code "stream":true}, server-sent events
 * ending in {@code data: [DONE]}), {@code POST /v1/embeddings}, {@code GET /v1/models} and
 * {@code GET /v1/models/{id}}; any other path answers 404 in OpenAI's error shape.
 *
 * <p>By default it answers deterministically: the reply is {@code "Echo: "} followed by the text of the last
 * {@code user} message, streamed one word per chunk; if the request has {@code tools} and {@code tool_choice} is not
 * {@code none}, the assistant instead calls the first tool (or the forced one) with arguments
 * {@code {"query":"<last user text>"}}, except under {@code auto} when the last message is already a tool result.
 * Token counts: prompt = words of all messages + 4 per message, completion = number of stream chunks of the answer.
 * Stream chunks carry OpenAI's random {@code obfuscation} padding field unless the request sets
 * {@code stream_options.include_obfuscation} to false; with {@code include_usage} every chunk has
 * {@code "usage":null} and a chunk with usage and no choices precedes {@code data: [DONE]}.
 * Embeddings are {@link #embedding(String, int) deterministic} vectors of 1536 floats (3072 for
 * {@code *-3-large}, or {@code dimensions}).
 *
 * <p>Tests script faults with {@link #enqueue}, slow everything down with {@link #latency(Duration)}, and inspect what
 * arrived with {@link #requests()}. All methods are thread-safe.
 *
 * <pre>{@code
 * try (MockOpenAiServer mock = MockOpenAiServer.start()) {
 *     mock.enqueue(MockBehavior.status(429, 2));
 *     // point the client at mock.baseUrl() = http://127.0.0.1:<port>/v1
 * }
 * }</pre>
 */
public final class MockOpenAiServer implements AutoCloseable {
    /** What every default reply starts with. */
    public static final String ECHO_PREFIX = "Echo: ";
    /** The models {@code GET /v1/models} lists unless configured otherwise. */
    public static final List<String> DEFAULT_MODELS = List.of("gpt-4o-mini", "gpt-4o", "text-embedding-3-small",
            "text-embedding-3-large");

    private final WebServer server;
    private final String host;
    private final int recordLimit;
    private final Duration defaultLatency;
    private final Duration defaultChunkDelay;
    private final ConcurrentLinkedQueue<MockBehavior> behaviors = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<RecordedRequest> recorded = new ArrayDeque<>();
    private final LongAdder received = new LongAdder();
    private volatile long latencyNanos;
    private volatile long chunkDelayNanos;
    final String apiKey;
    final List<OpenAiJson.Model> models;

    private MockOpenAiServer(Builder b) {
        this.host = b.host;
        this.recordLimit = b.recordLimit;
        this.defaultLatency = b.latency;
        this.defaultChunkDelay = b.chunkDelay;
        this.latencyNanos = b.latency.toNanos();
        this.chunkDelayNanos = b.chunkDelay.toNanos();
        this.apiKey = b.apiKey;
        List<OpenAiJson.Model> list = new ArrayList<>();
        for (String id : b.models) {
            list.add(new OpenAiJson.Model(id, 1_700_000_000L, id.startsWith("text-embedding") ? "system"
                    : "openai"));
        }
        this.models = List.copyOf(list);
        MockHandler handler = new MockHandler(this);
        this.server = WebServer.builder()
                .host(b.host)
                .port(b.port)
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofMillis(100))
                .featuresDiscoverServices(false)
                .routing(r -> r.any(handler))
                .build()
                .start();
    }

    /** Starts a mock on {@code 127.0.0.1} and an ephemeral port. */
    public static MockOpenAiServer start() {
        return builder().start();
    }

    /** Starts a mock on {@code 127.0.0.1} and the given port ({@code 0} for an ephemeral one). */
    public static MockOpenAiServer start(int port) {
        return builder().port(port).start();
    }

    /** A builder for a mock with non-default settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port the mock listens on. */
    public int port() {
        return server.port();
    }

    /** The address the mock listens on. */
    public String host() {
        return host;
    }

    /** The OpenAI base URL of the mock, {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/v1";
    }

    /** Queues behaviours, each consumed by one of the next requests in order. */
    public MockOpenAiServer enqueue(MockBehavior... next) {
        for (MockBehavior b : next) {
            behaviors.add(Objects.requireNonNull(b, "behavior"));
        }
        return this;
    }

    /** How many queued behaviours have not been consumed yet. */
    public int pendingBehaviors() {
        return behaviors.size();
    }

    /** Sets the latency added before every response (on top of a behaviour's own delay). */
    public MockOpenAiServer latency(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + value);
        }
        latencyNanos = value.toNanos();
        return this;
    }

    /** The latency added before every response. */
    public Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    /** Sets a pause between the SSE events of a stream (default none). */
    public MockOpenAiServer streamChunkDelay(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + value);
        }
        chunkDelayNanos = value.toNanos();
        return this;
    }

    /** The pause between the SSE events of a stream. */
    public Duration streamChunkDelay() {
        return Duration.ofNanos(chunkDelayNanos);
    }

    /** The recorded requests, oldest first (at most the builder's record limit, the most recent ones). */
    public List<RecordedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    /** The most recent recorded request. */
    public Optional<RecordedRequest> lastRequest() {
        synchronized (recorded) {
            return Optional.ofNullable(recorded.peekLast());
        }
    }

    /** How many requests arrived since start or the last {@link #reset()}, recorded or not. */
    public long requestCount() {
        return received.sum();
    }

    /** Forgets the recorded requests. */
    public void clearRequests() {
        synchronized (recorded) {
            recorded.clear();
        }
    }

    /**
     * Drops queued behaviours and recorded requests, zeroes the request count, and restores the latency and stream
     * chunk delay the server was built with.
     */
    public void reset() {
        behaviors.clear();
        clearRequests();
        received.reset();
        latencyNanos = defaultLatency.toNanos();
        chunkDelayNanos = defaultChunkDelay.toNanos();
    }

    /** Stops the server; in-flight requests get a short grace period. */
    @Override
    public void close() {
        server.stop();
    }

    /** The default reply to a chat request whose last user message has this text. */
    public static String echo(String userText) {
        return ECHO_PREFIX + userText;
    }

    /** The arguments of the default tool call for this last user message text: {@code {"query":"<text>"}}. */
    public static String toolArguments(String userText) {
        return OpenAiJson.toolArguments(userText);
    }

    /**
     * The embedding the mock returns for a text: a unit vector built from one pseudo-random vector per lower-cased
     * word plus a smaller one for the whole text, so equal texts give equal vectors and texts sharing words similar
     * ones.
     */
    public static float[] embedding(String text, int dimensions) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be >= 1: " + dimensions);
        }
        return Embeddings.of(text, dimensions);
    }

    @Override
    public String toString() {
        return "MockOpenAiServer[" + (server.isRunning() ? baseUrl() : "stopped") + "]";
    }

    // ------------------------------------------------------------------ used by MockHandler

    MockBehavior nextBehavior() {
        return behaviors.poll();
    }

    boolean recording() {
        return recordLimit > 0;
    }

    void count() {
        received.increment();
    }

    void record(RecordedRequest request) {
        synchronized (recorded) {
            if (recorded.size() >= recordLimit) {
                recorded.pollFirst();
            }
            recorded.addLast(request);
        }
    }

    long latencyNanos() {
        return latencyNanos;
    }

    long chunkDelayNanos() {
        return chunkDelayNanos;
    }

    /** Builds and starts a {@link MockOpenAiServer}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Duration latency = Duration.ZERO;
        private Duration chunkDelay = Duration.ZERO;
        private int recordLimit = 10_000;
        private String apiKey;
        private List<String> models = DEFAULT_MODELS;

        private Builder() {
        }

        /** The address to listen on; default {@code 127.0.0.1}. */
        public Builder host(String value) {
            this.host = Objects.requireNonNull(value, "host");
            return this;
        }

        /** The port; default {@code 0}, an ephemeral port. */
        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + value);
            }
            this.port = value;
            return this;
        }

        /** Latency added before every response; default none. */
        public Builder latency(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative: " + value);
            }
            this.latency = value;
            return this;
        }

        /** A pause between the SSE events of a stream; default none. */
        public Builder streamChunkDelay(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative: " + value);
            }
            this.chunkDelay = value;
            return this;
        }

        /**
         * How many of the most recent requests {@link #requests()} keeps; default 10,000. {@code 0} records none,
         * which benchmarks should use.
         */
        public Builder recordLimit(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("recordLimit must be >= 0: " + value);
            }
            this.recordLimit = value;
            return this;
        }

        /**
         * Requires {@code Authorization: Bearer <key>} on every request and answers 401 as OpenAI does otherwise;
         * by default any key, or none, is accepted.
         */
        public Builder apiKey(String value) {
            this.apiKey = Objects.requireNonNull(value, "apiKey");
            return this;
        }

        /** The model ids {@code GET /v1/models} lists; default {@link #DEFAULT_MODELS}. */
        public Builder models(List<String> value) {
            this.models = List.copyOf(value);
            return this;
        }

        /** Starts the server; returns once it listens. */
        public MockOpenAiServer start() {
            return new MockOpenAiServer(this);
        }
    }
}
