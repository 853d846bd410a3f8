package io.heimdall.core.internal.http;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * What the core knows about the upstream attempt running on this thread, for the HTTP client it lends providers:
 * headers to add (the request's, the attempt's, the client's {@code x-request-id}), the deadline no wait may pass, and
 * where to report the time to first byte and the upstream headers worth passing on to the client. Bound with
 * {@link #CURRENT} around each attempt, so every provider gets this without code of its own.
 */
public final class UpstreamScope {
    /** The scope of the attempt running on this thread. */
    public static final ScopedValue<UpstreamScope> CURRENT = ScopedValue.newInstance();

    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Instant deadline;
    private final long startNanos;
    private final Duration firstByteTimeout;
    private final Duration idleTimeout;
    private final Map<String, String> passOn = new LinkedHashMap<>();
    private volatile long firstByteNanos = -1;
    private volatile String serverHost;
    private volatile int serverPort;
    private volatile Thread bodyReader;
    private Runnable deferredFlush;
    private RuntimeException flushFailure;

    /**
     * A scope.
     *
     * @param deadline         the request's deadline
     * @param firstByteTimeout the longest wait for response headers
     * @param idleTimeout      the longest wait for the next bytes of a body or stream
     * @param startNanos       when the attempt started ({@link System#nanoTime()})
     */
    public UpstreamScope(Instant deadline, Duration firstByteTimeout, Duration idleTimeout, long startNanos) {
        this.deadline = deadline;
        this.firstByteTimeout = firstByteTimeout;
        this.idleTimeout = idleTimeout;
        this.startNanos = startNanos;
    }

    /** The longest wait for response headers, within the deadline. */
    Duration firstByteWait() {
        return min(firstByteTimeout, remaining());
    }

    /** The longest wait for the next bytes of a body, within the deadline. */
    Duration idleWait() {
        return min(idleTimeout, remaining());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    /** The scope bound to this thread, if any. */
    public static Optional<UpstreamScope> current() {
        return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
    }

    /** Sets a header for every upstream request of this attempt. */
    public synchronized void header(String name, String value) {
        headers.put(name, value);
    }

    /** Applies the headers to a request, without replacing headers the provider set itself. */
    public synchronized void applyTo(Map<String, String> providerHeaders, BiConsumer<String, String> add) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            boolean taken = false;
            for (String k : providerHeaders.keySet()) {
                if (k.equalsIgnoreCase(h.getKey())) {
                    taken = true;
                    break;
                }
            }
            if (!taken) {
                add.accept(h.getKey(), h.getValue());
            }
        }
    }

    /** How long the next wait may last: the remaining time to the deadline, at least 1 ms. */
    public Duration remaining() {
        Duration d = Duration.between(Instant.now(), deadline);
        return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
    }

    /**
     * The upstream socket's timeout: the provider's, but not less than either of the scope's two waits (each is
     * enforced on its own by {@link WaitWatch}), nor more than the remaining time.
     */
    public Duration responseTimeout(Duration providerTimeout) {
        Duration longest = firstByteTimeout.compareTo(idleTimeout) > 0 ? firstByteTimeout : idleTimeout;
        return min(min(providerTimeout, longest), remaining());
    }

    /** Called before each upstream request of this attempt: the host and port it goes to. */
    public void calling(String host, int port) {
        this.serverHost = host;
        this.serverPort = port;
    }

    /** The host the attempt last sent a request to, if it sent one through the gateway's client. */
    public Optional<String> serverAddress() {
        return Optional.ofNullable(serverHost);
    }

    /** That host's port, if known. */
    public java.util.OptionalInt serverPort() {
        return serverPort > 0 ? java.util.OptionalInt.of(serverPort) : java.util.OptionalInt.empty();
    }

    /** Called when an upstream's status line and headers arrived. */
    public void responseArrived(Iterable<Map.Entry<String, String>> responseHeaders) {
        if (firstByteNanos < 0) {
            firstByteNanos = System.nanoTime() - startNanos;
        }
        synchronized (passOn) {
            for (Map.Entry<String, String> h : responseHeaders) {
                // Names are compared without lower-casing each one: most headers are none of these.
                String name = h.getKey();
                if (startsWithIgnoreCase(name, "x-ratelimit-") || startsWithIgnoreCase(name, "anthropic-ratelimit-")) {
                    passOn.put(name.toLowerCase(Locale.ROOT), h.getValue());
                } else if (name.equalsIgnoreCase("x-request-id") || name.equalsIgnoreCase("request-id")
                        || name.equalsIgnoreCase("x-amzn-requestid")) {
                    passOn.put("x-upstream-request-id", h.getValue());
                }
            }
        }
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** Called by the lent client's response body on each read, on the reading thread. */
    void reading() {
        bodyReader = Thread.currentThread();
    }

    /**
     * Whether this thread reads the attempt's upstream body through the gateway's client: output a stream writer
     * leaves unflushed now can be {@link #deferFlush deferred} to that body's next read that may block (or to the
     * stream's end), so events that arrived together leave together, and none waits for the network.
     */
    public boolean readsBody() {
        return bodyReader == Thread.currentThread();
    }

    /** Runs {@code flush} before this thread's next read of the upstream body that may block. */
    public void deferFlush(Runnable flush) {
        deferredFlush = flush;
    }

    /**
     * Called by the lent client's response body before a read that may block: runs the deferred flush, if any. A
     * flush that fails (the client left) is remembered ({@link #flushFailed()}) and thrown out of the read, so the
     * attempt ends at once as the client's doing instead of waiting for the upstream.
     */
    void beforeBlockingRead() {
        Runnable flush = deferredFlush;
        if (flush != null) {
            deferredFlush = null;
            try {
                flush.run();
            } catch (RuntimeException e) {
                flushFailure = e;
                throw e;
            }
        }
    }

    /** Whether a deferred flush failed: whatever the attempt then throws is the client's doing, not the target's. */
    public boolean flushFailed() {
        return flushFailure != null;
    }

    /** The time to first byte of this attempt, if a response arrived. */
    public Optional<Duration> timeToFirstByte() {
        long n = firstByteNanos;
        return n < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(n));
    }

    /** The upstream headers to pass on to the client (rate limits, the upstream's request id). */
    public Map<String, String> passOn() {
        synchronized (passOn) {
            return Map.copyOf(passOn);
        }
    }
}
