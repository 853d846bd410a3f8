package io.heimdall.testkit;

import io.heimdall.testkit.internal.Embeddings;
import io.heimdall.testkit.internal.OpenAiJson;
import io.helidon.webserver.WebServer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

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
 * arrived with {@link #requests()}. For load and chaos, {@link #setDefault} applies a behaviour to every request and
 * {@link #setChaos} to a seeded random share of them; a request takes the first of: the next
 * {@linkplain #enqueue queued} behaviour, the chaos failure if the draw says so, the default. All methods are
 * thread-safe.
 *
 * <p>Connection tracking (on unless the builder turns it off): the mock accepts connections itself and relays them to
 * its HTTP server on loopback, so it can {@linkplain #openConnections() count open connections}, see a client close
 * before its request was answered ({@link #abandonedRequests()}), wake a {@link MockBehavior#hang() hung} or trickling
 * handler at once, and reset connections (RST). A client's end of input counts as its close: HTTP clients do not
 * half-close. The {@code await...} methods wait, with a bound, for these counters.
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
    private final Map<String, LongAdder> receivedByPath = new ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Front front;
    private volatile MockBehavior defaultBehavior;
    private volatile Chaos chaos;
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
        InetAddress loopback = InetAddress.getLoopbackAddress();
        this.server = WebServer.builder()
                .host(b.trackConnections ? loopback.getHostAddress() : b.host)
                .port(b.trackConnections ? 0 : b.port)
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofMillis(100))
                .featuresDiscoverServices(false)
                .routing(r -> r.any(handler))
                .build()
                .start();
        Front f = null;
        if (b.trackConnections) {
            try {
                f = new Front(b.host, b.port, new InetSocketAddress(loopback, server.port()));
            } catch (RuntimeException e) {
                server.stop();
                throw e;
            }
        }
        this.front = f;
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
        return front != null ? front.port() : server.port();
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
            checkSupported(Objects.requireNonNull(b, "behavior"));
        }
        behaviors.addAll(List.of(next));
        return this;
    }

    /**
     * Applies {@code behavior} to every request to a known endpoint that has no queued behaviour (and that chaos does
     * not fail), until replaced or {@link #reset()}; {@code setDefault(MockBehavior.normal())} restores the echo.
     *
     * @throws IllegalStateException for a reset behaviour without connection tracking
     */
    public MockOpenAiServer setDefault(MockBehavior behavior) {
        checkSupported(Objects.requireNonNull(behavior, "behavior"));
        defaultBehavior = behavior.kind == MockBehavior.Kind.NORMAL && behavior.delay.isZero()
                && behavior.headers.isEmpty() ? null : behavior;
        return this;
    }

    /**
     * Fails a share of the requests with {@code failure}: each request to a known endpoint without a queued behaviour
     * draws a number from a sequence fixed by {@code seed} (the n-th such request since this call gets the n-th
     * number), and fails if it is below {@code failureRate}; the others get the {@linkplain #setDefault default}. The
     * same seed and request order give the same requests failed. Replaces earlier chaos.
     *
     * @param failureRate from 0 (none) to 1 (all)
     * @throws IllegalStateException for a reset behaviour without connection tracking
     */
    public MockOpenAiServer setChaos(double failureRate, MockBehavior failure, long seed) {
        if (!(failureRate >= 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("failureRate must be in [0, 1]: " + failureRate);
        }
        checkSupported(Objects.requireNonNull(failure, "failure"));
        chaos = new Chaos(failureRate, failure, seed, new AtomicLong());
        return this;
    }

    /** Stops the chaos of {@link #setChaos}. */
    public MockOpenAiServer clearChaos() {
        chaos = null;
        return this;
    }

    private void checkSupported(MockBehavior b) {
        if (b.kind.resets() && front == null) {
            throw new IllegalStateException(b + " needs connection tracking, which this mock was built without");
        }
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

    /**
     * How many requests to this path (without the query, e.g. {@code /v1/chat/completions}) arrived since start or
     * the last {@link #reset()}, whatever their method.
     */
    public long requestCount(String path) {
        LongAdder n = receivedByPath.get(Objects.requireNonNull(path, "path"));
        return n == null ? 0 : n.sum();
    }

    /** {@link #requestCount(String)} for every path that had a request, sorted by path. */
    public Map<String, Long> requestCounts() {
        Map<String, Long> out = new TreeMap<>();
        receivedByPath.forEach((path, n) -> out.put(path, n.sum()));
        return out;
    }

    /** How many requests are being answered right now: read, and not yet fully answered or given up. */
    public int activeRequests() {
        return active.get();
    }

    /** Whether this mock tracks connections (see the class comment); on unless the builder turned it off. */
    public boolean tracksConnections() {
        return front != null;
    }

    /**
     * How many client connections the mock accepted and has not closed yet, idle keep-alive ones included.
     *
     * @throws IllegalStateException without connection tracking
     */
    public int openConnections() {
        return tracking().openConnections();
    }

    /**
     * How many requests, since start or the last {@link #reset()}, had their client close the connection before the
     * mock finished answering (a {@link MockBehavior#hang() hang}, a trickle, a delay, a stream cut short by the
     * client). A request the mock itself ended (drop, reset, stop) is not counted.
     *
     * @throws IllegalStateException without connection tracking
     */
    public long abandonedRequests() {
        return tracking().abandonedRequests();
    }

    /** Waits until at most {@code atMost} connections are open; false if that did not happen {@code within}. */
    public boolean awaitOpenConnections(int atMost, Duration within) {
        tracking();
        return await(() -> openConnections() <= atMost, within);
    }

    /** Waits until at least {@code atLeast} requests were abandoned; false if that did not happen {@code within}. */
    public boolean awaitAbandonedRequests(long atLeast, Duration within) {
        tracking();
        return await(() -> abandonedRequests() >= atLeast, within);
    }

    /** Waits until at least {@code atLeast} requests are being answered; false if not {@code within}. */
    public boolean awaitActiveRequests(int atLeast, Duration within) {
        return await(() -> activeRequests() >= atLeast, within);
    }

    /**
     * Checks {@code condition} every few milliseconds until it holds, at most for {@code within}; whether it held.
     * For example {@code mock.await(() -> mock.requestCount() == 3, Duration.ofSeconds(2))}.
     */
    public boolean await(BooleanSupplier condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return condition.getAsBoolean();
            }
            LockSupport.parkNanos(2_000_000L);
            if (Thread.currentThread().isInterrupted()) {
                return condition.getAsBoolean();
            }
        }
        return true;
    }

    private Front tracking() {
        if (front == null) {
            throw new IllegalStateException("this mock was built without connection tracking");
        }
        return front;
    }

    /** Forgets the recorded requests. */
    public void clearRequests() {
        synchronized (recorded) {
            recorded.clear();
        }
    }

    /**
     * Drops queued behaviours, the default behaviour, chaos and recorded requests, zeroes the request counts and
     * {@link #abandonedRequests()}, and restores the latency and stream chunk delay the server was built with. Open
     * connections and requests being answered are left alone.
     */
    public void reset() {
        behaviors.clear();
        defaultBehavior = null;
        chaos = null;
        clearRequests();
        received.reset();
        receivedByPath.clear();
        if (front != null) {
            front.resetCounters();
        }
        latencyNanos = defaultLatency.toNanos();
        chunkDelayNanos = defaultChunkDelay.toNanos();
    }

    /** Stops the server: closes the open connections (waking hung requests), then stops the HTTP server. */
    @Override
    public void close() {
        stopped.countDown();
        if (front != null) {
            front.close();
        }
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

    /** Chaos: a failure rate, the failure, and a seeded sequence of draws. */
    private record Chaos(double rate, MockBehavior failure, long seed, AtomicLong draws) {
        boolean fails() {
            long z = seed + draws.getAndIncrement() * 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            return (z >>> 11) * 0x1.0p-53 < rate;
        }
    }

    // ------------------------------------------------------------------ used by MockHandler

    /** The behaviour of the next request to a known endpoint: queued, else chaos's failure, else the default. */
    MockBehavior nextBehavior() {
        MockBehavior b = behaviors.poll();
        if (b != null) {
            return b;
        }
        Chaos c = chaos;
        if (c != null && c.fails()) {
            return c.failure();
        }
        return defaultBehavior;
    }

    /** Starts answering a request that arrived from {@code remotePort} (as the HTTP server sees it). */
    Exchange begin(int remotePort) {
        active.incrementAndGet();
        if (front != null) {
            Optional<Front.Conn> conn = front.conn(remotePort);
            if (conn.isPresent()) {
                return conn.get().begin();
            }
            // Relayed connections are registered before their first byte reaches the server, so a missing one has
            // closed since: its client left while the request was relayed (or the mock stops).
            return front.alreadyClosed();
        }
        return Exchange.detached(stopped);
    }

    void end(Exchange exchange) {
        exchange.end();
        active.decrementAndGet();
    }

    boolean recording() {
        return recordLimit > 0;
    }

    void count(String path) {
        received.increment();
        LongAdder n = receivedByPath.get(path);
        if (n == null) {
            n = receivedByPath.computeIfAbsent(path, k -> new LongAdder());
        }
        n.increment();
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
        private boolean trackConnections = true;

        private Builder() {
        }

        /**
         * Whether to track connections (see the class comment); default true. Off, the HTTP server listens itself,
         * with no relay hop (for benchmarks): {@link #openConnections()} and {@link #abandonedRequests()} throw,
         * reset behaviours are refused, and a hung request is held until the server stops.
         */
        public Builder trackConnections(boolean value) {
            this.trackConnections = value;
            return this;
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
