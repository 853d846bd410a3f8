package io.heimdall.plugin.mcp;

import io.heimdall.api.GatewayException;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.endpoint.EndpointRequest;
import io.heimdall.api.endpoint.EndpointResponse;
import io.heimdall.api.endpoint.SseStream;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.HttpHeaders;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The MCP SDK's Streamable HTTP server transport over the gateway's plugin {@link Endpoint} API (the SDK ships only a
 * Servlet one): {@code POST} carries JSON-RPC messages (a request is answered on an SSE stream), {@code GET} opens the
 * session's SSE stream for server notifications, {@code DELETE} ends the session; sessions are named by the
 * {@code Mcp-Session-Id} header and belong to the caller that opened them. The routes are authenticated like every
 * route. The transport context of each message carries the route's {@code RequestContext} under {@link #CONTEXT}.
 */
final class EndpointTransportProvider implements McpStreamableServerTransportProvider {
    /** The transport-context key of the request's {@link io.heimdall.api.RequestContext}. */
    static final String CONTEXT = "heimdall.context";
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final String path;
    private final System.Logger log;
    private final Map<String, McpStreamableServerSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, String> owners = new ConcurrentHashMap<>();
    private volatile McpStreamableServerSession.Factory factory;
    private volatile boolean closing;

    EndpointTransportProvider(String path, System.Logger log) {
        this.path = path;
        this.log = log;
    }

    /** The three routes. */
    List<Endpoint> endpoints() {
        return List.of(Endpoint.post(path, this::post), Endpoint.get(path, this::get),
                Endpoint.of("DELETE", path, this::delete));
    }

    /** Open sessions (for tests). */
    int sessionCount() {
        return sessions.size();
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory value) {
        this.factory = value;
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return Flux.fromIterable(sessions.values())
                .flatMap(s -> s.sendNotification(method, params).onErrorResume(e -> Mono.empty()))
                .then();
    }

    @Override
    public Mono<Void> closeGracefully() {
        closing = true;
        return Flux.fromIterable(sessions.values()).flatMap(s -> s.closeGracefully().onErrorResume(e -> Mono.empty()))
                .then(Mono.fromRunnable(sessions::clear));
    }

    private static McpTransportContext context(EndpointRequest req) {
        return McpTransportContext.create(Map.of(CONTEXT, req.context()));
    }

    private void post(EndpointRequest req, EndpointResponse res) {
        if (closing || factory == null) {
            error(res, 503, McpSchema.ErrorCodes.INTERNAL_ERROR, "The MCP server is shutting down");
            return;
        }
        McpSchema.JSONRPCMessage message;
        try {
            message = McpSchema.deserializeJsonRpcMessage(ServerConnection.MAPPER,
                    new String(req.body(), StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            error(res, 400, McpSchema.ErrorCodes.PARSE_ERROR, "Invalid JSON-RPC message");
            return;
        }
        McpTransportContext ctx = context(req);
        if (message instanceof McpSchema.JSONRPCRequest r && McpSchema.METHOD_INITIALIZE.equals(r.method())) {
            McpSchema.InitializeRequest init = ServerConnection.MAPPER.convertValue(r.params(),
                    new TypeRef<McpSchema.InitializeRequest>() {
                    });
            McpStreamableServerSession.McpStreamableServerSessionInit started = factory.startSession(init);
            String id = started.session().getId();
            sessions.put(id, started.session());
            owners.put(id, req.context().caller().id());
            McpSchema.InitializeResult result = started.initResult()
                    .contextWrite(c -> c.put(McpTransportContext.KEY, ctx)).block();
            res.header(HttpHeaders.MCP_SESSION_ID, id);
            json(res, 200, new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, r.id(), result, null));
            return;
        }
        McpStreamableServerSession session = session(req, res);
        if (session == null) {
            return;
        }
        switch (message) {
            case McpSchema.JSONRPCResponse r -> {
                session.accept(r).contextWrite(c -> c.put(McpTransportContext.KEY, ctx)).block();
                res.status(202).sendEmpty();
            }
            case McpSchema.JSONRPCNotification n -> {
                session.accept(n).contextWrite(c -> c.put(McpTransportContext.KEY, ctx)).block();
                res.status(202).sendEmpty();
            }
            case McpSchema.JSONRPCRequest r -> {
                res.header("cache-control", "no-cache");
                SseTransport transport = new SseTransport(res.sse());
                try {
                    session.responseStream(r, transport).contextWrite(c -> c.put(McpTransportContext.KEY, ctx))
                            .block();
                    transport.await(req.context().deadline());
                } finally {
                    transport.finish();
                }
            }
            default -> error(res, 400, McpSchema.ErrorCodes.INVALID_REQUEST, "Unknown message type");
        }
    }

    private void get(EndpointRequest req, EndpointResponse res) {
        McpStreamableServerSession session = session(req, res);
        if (session == null) {
            return;
        }
        res.header("cache-control", "no-cache");
        SseTransport transport = new SseTransport(res.sse());
        McpStreamableServerSession.McpStreamableServerSessionStream stream = session.listeningStream(transport);
        try {
            while (!transport.closed && !closing) {
                if (transport.awaitFor(KEEP_ALIVE)) {
                    break;
                }
                transport.comment("keep-alive");
            }
        } finally {
            stream.close();
            transport.finish();
        }
    }

    private void delete(EndpointRequest req, EndpointResponse res) {
        McpStreamableServerSession session = session(req, res);
        if (session == null) {
            return;
        }
        String id = session.getId();
        session.delete().contextWrite(c -> c.put(McpTransportContext.KEY, context(req))).block();
        sessions.remove(id);
        owners.remove(id);
        res.status(200).sendEmpty();
    }

    /** The request's session; answers 400 or 404 (and returns null) when there is none for this caller. */
    private McpStreamableServerSession session(EndpointRequest req, EndpointResponse res) {
        String id = req.header(HttpHeaders.MCP_SESSION_ID).orElse("");
        if (id.isBlank()) {
            error(res, 400, McpSchema.ErrorCodes.INVALID_REQUEST, "Session ID required in mcp-session-id header");
            return null;
        }
        McpStreamableServerSession s = sessions.get(id);
        if (s == null || !req.context().caller().id().equals(owners.get(id))) {
            error(res, 404, McpSchema.ErrorCodes.INVALID_REQUEST, "Session not found: " + id);
            return null;
        }
        return s;
    }

    /** A JSON-RPC error without id (the message could not be tied to a request) with this HTTP status. */
    private static void error(EndpointResponse res, int status, int code, String message) {
        Map<String, Object> error = new java.util.LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("jsonrpc", McpSchema.JSONRPC_VERSION);
        body.put("id", null);
        body.put("error", error);
        json(res, status, body);
    }

    private static void json(EndpointResponse res, int status, Object body) {
        try {
            res.status(status).json(ServerConnection.MAPPER.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One SSE response as an SDK transport: each message is an event named {@code message}. */
    private final class SseTransport implements McpStreamableServerTransport {
        private final SseStream sse;
        private final ReentrantLock lock = new ReentrantLock();
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile boolean closed;

        SseTransport(SseStream sse) {
            this.sse = sse;
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return sendMessage(message, null);
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
            return Mono.fromRunnable(() -> {
                lock.lock();
                try {
                    if (!closed) {
                        sse.event("message", ServerConnection.MAPPER.writeValueAsString(message));
                    }
                } catch (IOException | GatewayException e) {
                    log.log(System.Logger.Level.DEBUG, "MCP client stream ended: {0}", e.getMessage());
                    close();
                } finally {
                    lock.unlock();
                }
            });
        }

        void comment(String text) {
            lock.lock();
            try {
                if (!closed) {
                    sse.comment(text);
                }
            } catch (GatewayException e) {
                close();
            } finally {
                lock.unlock();
            }
        }

        /** Waits until the SDK closed this stream, at most until the deadline. */
        void await(Instant deadline) {
            try {
                done.await(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits at most {@code d}; true if the stream was closed. */
        boolean awaitFor(Duration d) {
            try {
                return done.await(d.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.fromRunnable(this::close);
        }

        /** The SDK is done with this stream: the handler's thread ends the response ({@link #finish}). */
        @Override
        public void close() {
            closed = true;
            done.countDown();
        }

        /** Ends the HTTP response; called by the route's own thread. */
        void finish() {
            close();
            lock.lock();
            try {
                sse.close();
            } catch (RuntimeException e) {
                log.log(System.Logger.Level.DEBUG, "closing an MCP client stream: {0}", e.toString());
            } finally {
                lock.unlock();
            }
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> type) {
            return ServerConnection.MAPPER.convertValue(data, type);
        }
    }
}
