package io.heimdall.core.internal.server;

import io.heimdall.api.model.GatewayError;
import io.heimdall.core.internal.config.GatewayConfig;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One client connection: Helidon's HTTP/1.1 connection, fed through a reader that follows the request framing.
 * <p>
 * The reader hands Helidon one request at a time: the whole head at once (checked and maybe rewritten by
 * {@link RequestHead}), then exactly the bytes of its body; bytes of a pipelined next request wait until Helidon asks
 * for more, which it does only once the exchange is complete. So the reader always knows the phase of the exchange,
 * which the {@link ConnectionGuard}'s watchdog uses for the header, body and idle timeouts, and it can end the
 * connection after an exchange whose request said {@code Connection: close} (Helidon 4.5 writes that header but
 * then waits for another request).
 */
final class GuardedConnection implements ServerConnection, Supplier<byte[]> {
    private static final System.Logger LOG = System.getLogger(GuardedConnection.class.getName());
    /** Helidon's default prologue and header limits, plus the empty line. */
    private static final int MAX_HEAD = 4096 + 16384 + 4;
    private static final int CRLFCRLF = 0x0D0A0D0A;
    private static final ScopedValue<GuardedConnection> CURRENT = ScopedValue.newInstance();

    private enum State { IDLE, HEAD, BODY_LENGTH, BODY_CHUNKED, RAW, DONE, END }

    private final ConnectionGuard guard;
    private final ConnectionContext ctx;
    private final HelidonSocket socket;
    private final DataWriter rawWriter;
    private final ResponseRewriter writer;
    private final DataReader reader;
    private final ServerConnection delegate;
    private final long acceptedAt = System.nanoTime();
    private final AtomicBoolean expiring = new AtomicBoolean();

    private volatile State state = State.IDLE;
    private volatile boolean fresh = true;
    private volatile long phaseStart;
    private volatile long readingSince;
    private volatile boolean expired;
    private volatile boolean closeAfter;

    private byte[] buf = new byte[0];
    private int pos;
    private int lim;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream(512);
    private int tail;
    private long remaining;
    private ChunkScanner chunks;
    /** Made by the first streamed response, then kept for the connection's next ones. */
    private ChunkedBody chunked;

    GuardedConnection(ConnectionGuard guard, ConnectionContext ctx, Http1ConnectionSelector http1) {
        this.guard = guard;
        this.ctx = ctx;
        this.socket = ctx.serverSocket();
        this.rawWriter = ctx.dataWriter();
        this.writer = new ResponseRewriter(rawWriter, this);
        this.reader = DataReader.create(this);
        this.delegate = http1.connection(new Context());
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        try {
            // Helidon serves each request of this connection on this thread: its handlers find the connection here
            ScopedValue.where(CURRENT, this).call(() -> {
                delegate.handle(limit);
                return null;
            });
        } finally {
            guard.finished(this);
        }
    }

    /**
     * The body of a chunked response written straight to this connection, for the request being served on this
     * thread; empty outside a connection's thread.
     */
    static Optional<ChunkedBody> chunkedBody() {
        if (!CURRENT.isBound()) {
            return Optional.empty();
        }
        GuardedConnection c = CURRENT.get();
        if (c.chunked == null) {
            c.chunked = new ChunkedBody(c.writer);
        }
        return Optional.of(c.chunked);
    }

    @Override
    public Duration idleTime() {
        return delegate.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        delegate.close(interrupt);
    }

    boolean expired() {
        return expired;
    }

    boolean closesAfterExchange() {
        return closeAfter;
    }

    void closeAfterExchange() {
        closeAfter = true;
    }

    // ------------------------------------------------------------------ reading

    /** The next bytes for Helidon, or null to end the connection. */
    @Override
    public byte[] get() {
        while (true) {
            State s = state;
            if (s == State.END) {
                return null;
            }
            if (s == State.DONE) {
                // Helidon asks for more only when it is done with the exchange.
                if (closeAfter) {
                    state = State.END;
                    return null;
                }
                fresh = false;
                phaseStart = System.nanoTime();
                state = State.IDLE;
            }
            if (pos == lim && !fill()) {
                return null;
            }
            byte[] out = take();
            if (out != null && out.length > 0) {
                return out;
            }
        }
    }

    private boolean fill() {
        byte[] bytes;
        readingSince = System.nanoTime();
        try {
            bytes = socket.get();
        } catch (UncheckedIOException e) {
            throw new ServerConnectionException("Failed to get data from socket", e);
        } finally {
            readingSince = 0;
        }
        if (bytes == null) {
            return false;
        }
        buf = bytes;
        pos = 0;
        lim = bytes.length;
        return true;
    }

    private byte[] take() {
        switch (state) {
            case IDLE -> {
                // RFC 9112 section 2.2: ignore empty lines before a request line.
                while (pos < lim && (buf[pos] == '\r' || buf[pos] == '\n')) {
                    pos++;
                }
                if (pos < lim) {
                    phaseStart = fresh ? acceptedAt : System.nanoTime();
                    head.reset();
                    tail = 0;
                    state = State.HEAD;
                }
                return null;
            }
            case HEAD -> {
                return head();
            }
            case BODY_LENGTH -> {
                int n = (int) Math.min(remaining, lim - pos);
                byte[] out = slice(pos, pos + n);
                remaining -= n;
                if (remaining == 0) {
                    state = State.DONE;
                }
                return out;
            }
            case BODY_CHUNKED -> {
                int end = chunks.scan(buf, pos, lim);
                if (chunks.broken()) {
                    // Helidon finds the same fault in what it gets and answers 400; nothing more is read.
                    state = State.END;
                    return slice(pos, lim);
                }
                if (chunks.finished()) {
                    state = State.DONE;
                }
                return slice(pos, end);
            }
            case RAW -> {
                return slice(pos, lim);
            }
            default -> {
                return null;
            }
        }
    }

    /** Bytes {@code buf[from, to)}, consumed. */
    private byte[] slice(int from, int to) {
        pos = to;
        return from == 0 && to == buf.length ? buf : Arrays.copyOfRange(buf, from, to);
    }

    private byte[] head() {
        // Scan for the end of the head, then copy the bytes seen in one go (not byte by byte).
        int start = pos;
        int size = head.size();
        while (pos < lim) {
            byte c = buf[pos++];
            size++;
            tail = (tail << 8) | (c & 0xff);
            boolean end = tail == CRLFCRLF || (tail & 0xffff) == 0x0A0A || (tail & 0xffffff) == 0x0A0D0A;
            if (end && size > 2) {
                if (head.size() == 0) {
                    // The whole head came in one read (the common case): one copy, not two.
                    return accept(RequestHead.examine(Arrays.copyOfRange(buf, start, pos)));
                }
                head.write(buf, start, pos - start);
                return accept(RequestHead.examine(head.toByteArray()));
            }
            if (size > MAX_HEAD) {
                return refuse(GatewayError.of(431, GatewayError.INVALID_REQUEST, "The HTTP request was refused: its "
                        + "head is larger than " + MAX_HEAD + " bytes", "request_header_fields_too_large"));
            }
        }
        head.write(buf, start, pos - start);
        return null;
    }

    private byte[] accept(RequestHead.Outcome outcome) {
        switch (outcome) {
            case RequestHead.Accepted a -> {
                closeAfter = a.close();
                writer.begin(a.http10(), a.head());
                switch (a.framing()) {
                    case LENGTH -> {
                        remaining = a.contentLength();
                        state = State.BODY_LENGTH;
                    }
                    case CHUNKED -> {
                        chunks = new ChunkScanner();
                        state = State.BODY_CHUNKED;
                    }
                    case NONE -> state = State.DONE;
                }
                return a.bytes();
            }
            case RequestHead.Rejected r -> {
                return refuse(r.error());
            }
            case RequestHead.Unparsed u -> {
                // Helidon refuses it with a 4xx and closes the connection.
                closeAfter = true;
                writer.begin(false, false);
                state = State.RAW;
                return u.bytes();
            }
        }
    }

    private byte[] refuse(GatewayError error) {
        state = State.END;
        LOG.log(System.Logger.Level.DEBUG, "Refused a request from {0}: {1}", peer(), error.message());
        try {
            rawWriter.writeNow(BufferData.create(guard.errorResponse(error)));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Could not answer {0}: {1}", peer(), e.toString());
        }
        return null;
    }

    // ------------------------------------------------------------------ timeouts

    /** Called by the watchdog: closes the connection if its current phase has lasted too long. */
    void expireIfLate(long now, GatewayConfig.Server limits) {
        if (expiring.get()) {
            return;
        }
        long reading = readingSince;
        State s = state;
        switch (s) {
            case IDLE -> {
                if (reading == 0) {
                    return;
                }
                if (fresh) {
                    expireAfter(now, acceptedAt, limits.headerTimeout(), false, "sent no request within "
                            + "server.header-timeout");
                } else {
                    expireAfter(now, phaseStart, limits.idleTimeout(), false, "idle for server.idle-timeout");
                }
            }
            case HEAD -> expireAfter(now, phaseStart, limits.headerTimeout(), true,
                    "The request head did not arrive within " + text(limits.headerTimeout())
                            + " (server.header-timeout)");
            case BODY_LENGTH, BODY_CHUNKED, RAW -> {
                if (reading != 0) {
                    expireAfter(now, reading, limits.bodyTimeout(), !writer.started(),
                            "The request body stalled for more than " + text(limits.bodyTimeout())
                                    + " (server.body-timeout)");
                }
            }
            default -> {
            }
        }
    }

    private void expireAfter(long now, long since, Duration limit, boolean answer, String reason) {
        if (now - since <= limit.toNanos() || !expiring.compareAndSet(false, true)) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "Closing the connection from {0}: {1}", peer(), reason);
        // Off the watchdog thread: a write may block on a client that does not read.
        Thread.startVirtualThread(() -> {
            expired = true;
            if (answer) {
                try {
                    rawWriter.writeNow(BufferData.create(guard.errorResponse(GatewayError.of(408,
                            GatewayError.INVALID_REQUEST, reason, "request_timeout"))));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.TRACE, "Could not send 408: {0}", e.toString());
                }
            }
            socket.close();
        });
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private String peer() {
        try {
            PeerInfo p = ctx.remotePeer();
            return p.host() + ":" + p.port();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    /** What Helidon's connection sees: the original context with this reader and the rewriting writer. */
    private final class Context implements ConnectionContext {
        @Override
        public ListenerContext listenerContext() {
            return ctx.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return ctx.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return writer;
        }

        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public Router router() {
            return ctx.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return ctx.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return socket;
        }

        @Override
        public PeerInfo remotePeer() {
            return ctx.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return ctx.localPeer();
        }

        @Override
        public boolean isSecure() {
            return ctx.isSecure();
        }

        @Override
        public String socketId() {
            return ctx.socketId();
        }

        @Override
        public String childSocketId() {
            return ctx.childSocketId();
        }
    }
}
