package io.heimdall.core.internal.server;

import io.heimdall.api.model.GatewayError;
import io.heimdall.core.internal.config.GatewayConfig;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import io.helidon.http.Status;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Connection-level protection in front of Helidon's HTTP/1.1 connection handling, installed as the listener's only
 * {@link ServerConnectionSelector}:
 * <ul>
 *   <li>{@code server.max-connections}: a connection beyond the cap gets a 503 and is closed at once (Helidon's own
 *   {@code max-tcp-connections} stops accepting instead, which leaves new connections hanging in the backlog);</li>
 *   <li>{@code server.header-timeout}, {@code server.body-timeout}, {@code server.idle-timeout}: a watchdog closes a
 *   connection whose request head is late, whose body stalls, or that idles between requests (Helidon has only
 *   an idle check every 2 minutes, blind to slow heads and stalled bodies);</li>
 *   <li>request framing, HTTP/1.0, HEAD and {@code Connection: close}: see {@link GuardedConnection}.</li>
 * </ul>
 * The limits are read from the current config at each use, so a reload applies them to open connections too.
 */
public final class ConnectionGuard implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConnectionGuard.class.getName());

    private final Supplier<GatewayConfig.Server> config;
    private final Function<GatewayError, byte[]> errorEncoder;
    private final Http1ConnectionSelector http1;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<GuardedConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastCapWarning = new AtomicLong(System.nanoTime() - Duration.ofHours(1).toNanos());
    private final AtomicBoolean watching = new AtomicBoolean();
    private volatile Thread watchdog;
    private volatile boolean closed;

    /**
     * Creates the guard; its watchdog thread starts with the first connection.
     *
     * @param config       the current server settings (they may change on reload)
     * @param errorEncoder encodes an error in the OpenAI error shape
     */
    public ConnectionGuard(Supplier<GatewayConfig.Server> config, Function<GatewayError, byte[]> errorEncoder) {
        this.config = config;
        this.errorEncoder = errorEncoder;
        this.http1 = Http1ConnectionSelector.builder().config(Http1Config.create()).build();
    }

    /** The selector to install as the listener's only one (with protocol discovery turned off). */
    public ServerConnectionSelector selector() {
        return new Selector();
    }

    /** Connections open now, as counted against {@code server.max-connections}. */
    public int openConnections() {
        return open.get();
    }

    /** Stops the watchdog; open connections are left to the server's own shutdown. */
    @Override
    public void close() {
        closed = true;
        Thread w = watchdog;
        if (w != null) {
            w.interrupt();
        }
    }

    GatewayConfig.Server settings() {
        return config.get();
    }

    /** A complete error response that closes the connection, for answers given below Helidon's routing. */
    byte[] errorResponse(GatewayError error) {
        byte[] body = errorEncoder.apply(error);
        Status status = Status.create(error.status());
        String reason = status.reasonPhrase() == null || status.reasonPhrase().isEmpty()
                ? (status.code() == 431 ? "Request Header Fields Too Large" : "Error") : status.reasonPhrase();
        String head = "HTTP/1.1 " + status.code() + " " + reason + "\r\n"
                + "Content-Type: application/json\r\n"
                + "x-request-id: " + newRequestId() + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + body.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

    void finished(GuardedConnection connection) {
        connections.remove(connection);
        open.decrementAndGet();
    }

    private void watch() {
        while (!closed) {
            GatewayConfig.Server s = config.get();
            Duration shortest = min(min(s.headerTimeout(), s.bodyTimeout()), s.idleTimeout());
            long pause = Math.clamp(shortest.toMillis() / 4, 25, 1000);
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (GuardedConnection c : connections) {
                c.expireIfLate(now, s);
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String newRequestId() {
        return RequestIds.next();
    }

    /** Wraps every accepted connection, or refuses it past the cap. */
    private final class Selector implements ServerConnectionSelector {
        @Override
        public int bytesToIdentifyConnection() {
            return 0;
        }

        @Override
        public Support supports(BufferData data) {
            return Support.SUPPORTED;
        }

        @Override
        public Set<String> supportedApplicationProtocols() {
            return http1.supportedApplicationProtocols();
        }

        @Override
        public ServerConnection connection(ConnectionContext ctx) {
            if (!watching.get() && watching.compareAndSet(false, true) && !closed) {
                watchdog = Thread.ofPlatform().daemon(true).name("heimdall-connection-watchdog")
                        .start(ConnectionGuard.this::watch);
            }
            int max = config.get().maxConnections();
            if (open.incrementAndGet() > max) {
                open.decrementAndGet();
                long now = System.nanoTime();
                long last = lastCapWarning.get();
                if (now - last > Duration.ofMinutes(1).toNanos() && lastCapWarning.compareAndSet(last, now)) {
                    LOG.log(System.Logger.Level.WARNING, "server.max-connections ({0}) reached: refusing new "
                            + "connections with 503 (logged at most once a minute)", max);
                }
                return new Refused(ctx.dataWriter(), errorResponse(GatewayError.of(503, GatewayError.API_ERROR,
                        "The gateway has too many open connections; retry later", "too_many_connections")));
            }
            GuardedConnection c = new GuardedConnection(ConnectionGuard.this, ctx, http1);
            connections.add(c);
            return c;
        }
    }

    /** A connection past the cap: answered with a 503 and closed (the server closes it when handle returns). */
    private record Refused(DataWriter writer, byte[] response) implements ServerConnection {
        @Override
        public void handle(io.helidon.common.concurrency.limits.Limit limit) {
            try {
                writer.writeNow(BufferData.create(response));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "Could not answer a refused connection: {0}", e.toString());
            }
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
            // nothing to stop: handle returns at once
        }
    }
}
