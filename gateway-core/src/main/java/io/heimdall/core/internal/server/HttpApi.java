package io.heimdall.core.internal.server;

import io.heimdall.core.internal.config.SecretResolver;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.auth.Caller;
import io.heimdall.api.endpoint.Access;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.core.internal.engine.DefaultRequestContext;
import io.heimdall.core.internal.engine.Engine;
import io.heimdall.core.internal.engine.Generation;
import io.heimdall.core.internal.engine.PluginRoutes;
import io.heimdall.core.internal.inflight.CancelReason;
import io.heimdall.core.internal.inflight.ClientConnection;
import io.heimdall.core.internal.inflight.InFlightRequest;
import io.heimdall.core.internal.inflight.InFlightRequests;
import io.heimdall.core.internal.wire.JacksonOpenAiWire;
import io.helidon.http.DirectHandler;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The OpenAI-compatible HTTP API. Every response carries {@code x-request-id} and, once known,
 * {@code x-heimdall-provider}; every error is {@code {"error":{...}}} with a fitting status.
 */
public final class HttpApi {
    /**
     * The server's response write buffer ({@code write-buffer-size}), which the gateway sets: a streamed answer's
     * deferred flushes hold at most this much, so each is one socket write ({@link SseWriter}).
     */
    public static final int WRITE_BUFFER_SIZE = 4096;
    private static final System.Logger LOG = System.getLogger(HttpApi.class.getName());
    private static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName PROVIDER = HeaderNames.create("x-heimdall-provider");
    private static final HeaderName ATTEMPTS = HeaderNames.create("x-heimdall-attempts");
    private static final HeaderName TIMEOUT_HEADER = HeaderNames.create("x-heimdall-timeout");
    private static final Header JSON = HeaderValues.create(HeaderNames.CONTENT_TYPE, "application/json");
    private static final Header SSE = HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    private static final Header NO_CACHE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache");
    private static final Header NO_BUFFERING = HeaderValues.create(HeaderNames.create("x-accel-buffering"), "no");
    private static final Set<String> HIDDEN_HEADERS = Set.of("authorization", "proxy-authorization", "api-key",
            "x-api-key", "cookie");

    private final Engine engine;
    private final JacksonOpenAiWire wire;
    private final LongSupplier maxBodyBytes;
    private final Supplier<Duration> requestTimeout;
    private final Supplier<Duration> maxClientTimeout;
    private final InFlightRequests inflight;
    private final SecretResolver secrets;

    /**
     * Creates the API.
     *
     * @param engine         the pipeline
     * @param wire           the codec
     * @param maxBodyBytes   the current body size limit (it may change on reload)
     * @param requestTimeout   the current per-request deadline
     * @param maxClientTimeout the cap on a deadline a client asks for with {@code x-heimdall-timeout}
     * @param inflight         the watchdog every request registers with
     * @param secrets          resolves the admin token of {@code Access.ADMIN} routes
     */
    public HttpApi(Engine engine, JacksonOpenAiWire wire, LongSupplier maxBodyBytes, Supplier<Duration> requestTimeout,
                   Supplier<Duration> maxClientTimeout, InFlightRequests inflight, SecretResolver secrets) {
        this.inflight = inflight;
        this.secrets = secrets;
        this.engine = engine;
        this.wire = wire;
        this.maxBodyBytes = maxBodyBytes;
        this.requestTimeout = requestTimeout;
        this.maxClientTimeout = maxClientTimeout;
    }

    /** Registers the routes. */
    public void routing(HttpRouting.Builder routing) {
        for (String prefix : List.of("/v1", "")) {
            routing.post(prefix + "/chat/completions", this::chat)
                    .post(prefix + "/embeddings", this::embeddings)
                    .get(prefix + "/models", this::models)
                    .get(prefix + "/models/*", this::model);
        }
        routing.get("/health", (req, res) -> {
            res.header(REQUEST_ID, requestId(req));
            res.header(JSON);
            res.send("{\"status\":\"ok\"}");
        });
        routing.get("/ready", (req, res) -> {
            res.header(REQUEST_ID, requestId(req));
            res.header(JSON);
            if (engine.current().isPresent()) {
                res.send("{\"status\":\"ready\"}");
            } else {
                res.status(Status.SERVICE_UNAVAILABLE_503);
                res.send("{\"status\":\"starting\"}");
            }
        });
        routing.any(this::fallthrough);
    }

    /** Plugin routes, else 404 for unknown paths and 405 (with {@code Allow}) for known paths. */
    private void fallthrough(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        String method = req.prologue().method().text();
        Optional<Generation> generation = engine.current();
        if (generation.isPresent()) {
            Optional<PluginRoutes.Match> match = generation.get().routes().find(method, path);
            if (match.isEmpty() && method.equals("HEAD")) {
                match = generation.get().routes().find("GET", path);
            }
            if (match.isPresent()) {
                PluginRoutes.Match m = match.get();
                guarded(req, res, (requestId, ctx) -> engine.within(g -> servePlugin(req, res, requestId, ctx, g,
                        m)));
                return;
            }
        }
        boolean known = path.matches("(/v1)?/(chat/completions|embeddings|models(/.+)?)") || path.equals("/health")
                || path.equals("/ready");
        java.util.Set<String> pluginMethods = generation.map(g -> g.routes().methods(path)).orElse(java.util.Set.of());
        GatewayError error;
        if (known || !pluginMethods.isEmpty()) {
            String allow = known ? AllowedMethods.of(path) : String.join(", ", pluginMethods);
            res.header(HeaderNames.ALLOW, allow);
            error = GatewayError.of(405, GatewayError.INVALID_REQUEST, "Method " + sanitize(method)
                    + " is not allowed on " + sanitize(path) + " (allowed: " + allow + ")", "method_not_allowed");
        } else {
            error = GatewayError.of(404, GatewayError.NOT_FOUND, "Unknown path " + sanitize(path)
                    + "; see /v1/chat/completions, /v1/embeddings, /v1/models", "unknown_url");
        }
        sendError(req, res, requestId(req), error);
    }

    private void servePlugin(ServerRequest req, ServerResponse res, String requestId, ContextRef ref, Generation g,
                             PluginRoutes.Match m) {
        Endpoint endpoint = m.route().endpoint();
        open(req, requestId, ref, endpoint.access());
        DefaultRequestContext ctx = ref.value;
        PluginEndpoint exchange = new PluginEndpoint(req, res, ctx, m.params(), () -> readBody(req, ctx),
                () -> {
                    res.header(REQUEST_ID, requestId);
                    addContextHeaders(res, ctx);
                });
        try {
            endpoint.handler().handle(exchange, exchange);
        } catch (GatewayException e) {
            if (!exchange.committed()) {
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, "Route {0} of plugin {1} failed after its response began: {2}",
                    endpoint.describe(), m.route().pluginId(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            engine.metrics().pluginError(m.route().pluginId(), "endpoint");
            if (!exchange.committed()) {
                LOG.log(System.Logger.Level.ERROR, "Route " + endpoint.describe() + " of plugin "
                        + m.route().pluginId() + " failed on request " + requestId, e);
                throw new GatewayException(GatewayError.internal("Route " + endpoint.describe() + " failed; see the "
                        + "gateway log for request " + requestId), e);
            }
            LOG.log(System.Logger.Level.ERROR, "Route " + endpoint.describe() + " failed mid-response", e);
            return;
        }
        if (!exchange.committed()) {
            exchange.sendEmpty();
        }
    }

    /** The body of a route: may set {@code ctx.value} once it has a context, and throw GatewayException. */
    @FunctionalInterface
    private interface Exchange {
        void run(String requestId, ContextRef ctx);
    }

    /**
     * The request context once created (so that errors carry the headers hooks added), and the request's registration
     * with the in-flight watchdog, which cancels it when its client goes away or its deadline passes.
     */
    private static final class ContextRef {
        private DefaultRequestContext value;
        private InFlightRequest inflight;

        /**
         * Ends the registration (clearing an interrupt the watchdog delivered) and says what a failure really was:
         * the deadline (504) or the client leaving (499) when the watchdog cancelled the request, else {@code error}.
         */
        GatewayError settle(GatewayError error) {
            if (inflight == null) {
                return error;
            }
            inflight.close();
            Optional<CancelReason> why = inflight.cancelled();
            if (why.isEmpty()) {
                return error;
            }
            return why.get() == CancelReason.DEADLINE
                    ? GatewayError.of(504, GatewayError.TIMEOUT, "The request did not complete before its deadline ("
                    + "routing.timeouts.total, or the x-heimdall-timeout header)", "request_timeout")
                    : GatewayError.of(499, GatewayError.INVALID_REQUEST, "The client closed the connection",
                    "client_closed_request");
        }

        void release() {
            if (inflight != null) {
                inflight.close();
            }
        }
    }

    /** Creates the request's context (authenticating the caller) and registers it with the watchdog. */
    private void open(ServerRequest req, String requestId, ContextRef ref, boolean authenticate) {
        open(req, requestId, ref, authenticate ? Access.CALLER : Access.PUBLIC);
    }

    private void open(ServerRequest req, String requestId, ContextRef ref, Access access) {
        ref.value = context(req, requestId, access);
        watch(req, ref);
    }

    /** Creates the request's context only: the body is read next, and then {@link #watch} registers it. */
    private void openUnwatched(ServerRequest req, String requestId, ContextRef ref) {
        ref.value = context(req, requestId, Access.CALLER);
    }

    /**
     * Registers the request with the in-flight watchdog (503 when the gateway is full). Done after the body is read:
     * an interrupt while the thread reads the client's socket would close it with no answer; the body's own wait is
     * bounded by {@code server.body-timeout}, and a deadline that passed meanwhile is answered with 504 at once.
     */
    private void watch(ServerRequest req, ContextRef ref) {
        Optional<ClientConnection> connection = ClientConnection.of(req.localPeer().address(),
                req.remotePeer().address());
        Optional<InFlightRequest> registered = connection.isPresent()
                ? inflight.tryRegister(Thread.currentThread(), ref.value.deadline(), connection.get())
                : inflight.tryRegister(Thread.currentThread(), ref.value.deadline());
        if (registered.isEmpty()) {
            throw new GatewayException(GatewayError.of(503, GatewayError.API_ERROR, "The gateway is at its limit of "
                    + "requests in flight (routing.max-in-flight); retry shortly", "gateway_overloaded")
                    .withRetryAfter(Duration.ofSeconds(1)));
        }
        ref.inflight = registered.get();
        InFlightRequest registration = registered.get();
        ref.value.cancellation(() -> registration.cancelled().map(r -> r == CancelReason.DEADLINE ? 504 : 499));
    }

    /** Runs a route, turning every failure into an OpenAI-shaped error response. */
    private void guarded(ServerRequest req, ServerResponse res, Exchange exchange) {
        String requestId = requestId(req);
        ContextRef ctx = new ContextRef();
        try {
            exchange.run(requestId, ctx);
        } catch (GatewayException e) {
            sendError(req, res, requestId, ctx.settle(e.error()), ctx.value);
        } catch (RuntimeException e) {
            GatewayError internal = GatewayError.internal("Internal error; see the gateway log for request "
                    + requestId);
            GatewayError settled = ctx.settle(internal);
            if (settled == internal) {
                LOG.log(System.Logger.Level.ERROR, "Request " + requestId + " failed", e);
            }
            sendError(req, res, requestId, settled, ctx.value);
        } finally {
            ctx.release();
        }
    }

    /** Counts a response body as sent: observers learn the request ended before it is written. */
    private static byte[] counted(DefaultRequestContext ctx, byte[] body) {
        ctx.sent(body.length);
        return body;
    }

    private static void sendJson(ServerResponse res, String requestId, DefaultRequestContext ctx, byte[] body) {
        res.header(REQUEST_ID, requestId);
        addContextHeaders(res, ctx);
        res.header(JSON);
        res.send(body);
    }

    private void chat(ServerRequest req, ServerResponse res) {
        guarded(req, res, (requestId, ctx) -> {
            openUnwatched(req, requestId, ctx);
            ChatRequest request = wire.decodeChatRequest(readBody(req, ctx.value));
            watch(req, ctx);
            if (request.stream()) {
                stream(req, res, request, ctx);
            } else {
                // Encoded (and counted) before observers learn the end, sent after: a client that has its answer
                // finds the metrics and logs already updated.
                byte[] body = engine.serveChat(request, ctx.value, new Engine.ChatFinish<>() {
                    @Override
                    public byte[] response(ChatResponse response) {
                        return counted(ctx.value, wire.encodeChatResponse(response));
                    }

                    @Override
                    public boolean writesJson() {
                        return true;
                    }

                    @Override
                    public byte[] json(byte[] upstreamBody) {
                        return counted(ctx.value, upstreamBody);
                    }
                });
                sendJson(res, requestId, ctx.value, body);
            }
        });
    }

    private void stream(ServerRequest req, ServerResponse res, ChatRequest request, ContextRef ref) {
        DefaultRequestContext ctx = ref.value;
        SseWriter writer = new SseWriter(res, ctx, wire, () -> {
            res.header(REQUEST_ID, ctx.requestId());
            addContextHeaders(res, ctx);
            res.header(SSE);
            res.header(NO_CACHE);
            res.header(NO_BUFFERING);
        }, GuardedConnection.chunkedBody());
        try {
            engine.serveStream(request, ctx, writer);
            ref.release();
            writer.done();
        } catch (GatewayException e) {
            GatewayError error = ref.settle(e.error());
            if (writer.started()) {
                writer.error(error);
            } else {
                sendError(req, res, ctx.requestId(), error, ctx);
            }
        } catch (RuntimeException e) {
            GatewayError internal = GatewayError.internal("Internal error; see the gateway log for request "
                    + ctx.requestId());
            GatewayError error = ref.settle(internal);
            if (error == internal) {
                LOG.log(System.Logger.Level.ERROR, "Request " + ctx.requestId() + " failed", e);
            }
            if (writer.started()) {
                writer.error(error);
            } else {
                sendError(req, res, ctx.requestId(), error, ctx);
            }
        }
    }

    private void embeddings(ServerRequest req, ServerResponse res) {
        guarded(req, res, (requestId, ctx) -> {
            openUnwatched(req, requestId, ctx);
            EmbeddingRequest request = wire.decodeEmbeddingRequest(readBody(req, ctx.value));
            watch(req, ctx);
            boolean base64 = request.encodingFormat().map("base64"::equals).orElse(false);
            byte[] body = engine.serveEmbeddings(request, ctx.value,
                    response -> counted(ctx.value, wire.encodeEmbeddingResponse(response, base64)));
            sendJson(res, requestId, ctx.value, body);
        });
    }

    private void models(ServerRequest req, ServerResponse res) {
        guarded(req, res, (requestId, ctx) -> {
            open(req, requestId, ctx, true);
            sendJson(res, requestId, null, wire.encodeModelList(engine.listModels(ctx.value)));
        });
    }

    /** {@code GET /v1/models/{model}}: one model of the list, where the id may itself contain a slash. */
    private void model(ServerRequest req, ServerResponse res) {
        guarded(req, res, (requestId, ctx) -> {
            String path = req.path().path();
            String id = java.net.URLDecoder.decode(path.substring(path.indexOf("/models/") + "/models/".length()),
                    StandardCharsets.UTF_8);
            open(req, requestId, ctx, true);
            io.heimdall.api.model.ModelInfo found = engine.listModels(ctx.value).stream().filter(m -> m.id().equals(id))
                    .findFirst().orElseThrow(() -> new GatewayException(GatewayError.modelNotFound(id)));
            sendJson(res, requestId, null, wire.encodeModel(found));
        });
    }

    /**
     * Answers requests that Helidon refuses before routing (malformed request line or headers, headers too large) in
     * the OpenAI error shape too, with a fresh request id; the connection is closed.
     */
    public DirectHandler directHandler() {
        return (request, eventType, status, headers, message) -> {
            String requestId = newRequestId();
            String reason = message == null || message.isBlank() ? status.reasonPhrase() : message;
            reason = sanitize(reason.length() > 200 ? reason.substring(0, 200) : reason);
            GatewayError error = GatewayError.of(status.code() < 400 ? 400 : status.code(),
                    status.code() >= 500 ? GatewayError.API_ERROR : GatewayError.INVALID_REQUEST,
                    "The HTTP request was refused: " + reason, "bad_http_request");
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .header(HeaderNames.CONTENT_TYPE, "application/json")
                    .header(REQUEST_ID, requestId)
                    .keepAlive(false)
                    .entity(wire.encodeError(error))
                    .build();
        };
    }

    // ------------------------------------------------------------------ helpers

    /** Reads the request body (bounded by the body limit) and counts its bytes on the context. */
    private byte[] readBody(ServerRequest req, DefaultRequestContext ctx) {
        byte[] body = readBody(req);
        ctx.received(body.length);
        return body;
    }

    private byte[] readBody(ServerRequest req) {
        long limit = maxBodyBytes.getAsLong();
        if (req.headers().contentLength().isPresent() && req.headers().contentLength().getAsLong() > limit) {
            throw tooLarge(limit);
        }
        if (!req.content().hasEntity()) {
            throw new GatewayException(GatewayError.invalidRequest("The request body is empty; expected a JSON "
                    + "object", null));
        }
        long declared = req.headers().contentLength().orElse(-1);
        try (InputStream in = req.content().inputStream()) {
            // With a Content-Length (already checked against the limit), read exactly that; else up to limit + 1.
            byte[] body = in.readNBytes((int) (declared >= 0 ? declared
                    : Math.min(Integer.MAX_VALUE - 8, limit + 1)));
            if (body.length > limit) {
                throw tooLarge(limit);
            }
            return body;
        } catch (GatewayException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // A client fault (a body shorter than its Content-Length, bad chunk framing, a stall): 400, no trace.
            LOG.log(System.Logger.Level.DEBUG, "The request body could not be read: {0}", e.toString());
            throw new GatewayException(GatewayError.of(400, GatewayError.INVALID_REQUEST, "The request body could "
                    + "not be read: it ended early or its framing is invalid", "invalid_request_body"), e);
        }
    }

    private static GatewayException tooLarge(long limit) {
        return new GatewayException(GatewayError.of(413, GatewayError.INVALID_REQUEST,
                "The request body is larger than the limit of " + limit + " bytes (server.max-body-size)",
                "request_too_large"));
    }

    /** The request's context: headers without credentials, the caller (authenticated if asked), the deadline. */
    private DefaultRequestContext context(ServerRequest req, String requestId, Access access) {
        Map<String, List<String>> headers = new HashMap<>();
        for (Header h : req.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (!HIDDEN_HEADERS.contains(name)) {
                headers.put(name, h.allValues());
            }
        }
        Caller caller = Caller.anonymous();
        Optional<Generation> g = access == Access.PUBLIC ? Optional.empty() : engine.current();
        if (g.isPresent()) {
            caller = access == Access.ADMIN ? CallerAuth.authenticateAdmin(g.get(), req, headers, secrets)
                    : CallerAuth.authenticate(g.get(), req, headers);
        }
        DefaultRequestContext ctx = new DefaultRequestContext(requestId, headers, Instant.now().plus(deadline(req)),
                caller, CallerAuth.clientAddress(req));
        // The HTTP route the request came in on, for hooks with per-route rules (documented in writing-a-plugin.md).
        ctx.attributes().put("heimdall.route", req.path().path());
        return ctx;
    }

    /** The request's time budget: the configured one, shortened by {@code x-heimdall-timeout} within the cap. */
    private Duration deadline(ServerRequest req) {
        Duration configured = requestTimeout.get();
        Optional<String> asked = req.headers().first(TIMEOUT_HEADER);
        if (asked.isEmpty()) {
            return configured;
        }
        double seconds;
        try {
            seconds = Double.parseDouble(asked.get().strip());
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new GatewayException(GatewayError.invalidRequest("Header x-heimdall-timeout must be a positive "
                    + "number of seconds (decimals allowed), got '" + sanitize(asked.get()) + "'",
                    "x-heimdall-timeout"));
        }
        Duration wanted = Duration.ofNanos((long) Math.min(seconds * 1e9, Long.MAX_VALUE / 2.0));
        // The client's value replaces routing.timeouts.total for this request, up to routing.timeouts.max-client.
        Duration cap = maxClientTimeout.get();
        return wanted.compareTo(cap) < 0 ? wanted : cap;
    }

    private static void addContextHeaders(ServerResponse res, DefaultRequestContext ctx) {
        if (ctx == null) {
            return;
        }
        ctx.servedBy().ifPresent(p -> res.header(PROVIDER, p));
        if (ctx.attempts() > 0) {
            res.header(ATTEMPTS, Integer.toString(ctx.attempts()));
        }
        for (Map.Entry<String, String> h : ctx.commitResponseHeaders().entrySet()) {
            res.header(HeaderNames.create(h.getKey()), h.getValue());
        }
    }

    private void sendError(ServerRequest req, ServerResponse res, String requestId, GatewayError error) {
        sendError(req, res, requestId, error, null);
    }

    private void sendError(ServerRequest req, ServerResponse res, String requestId, GatewayError error,
                           DefaultRequestContext ctx) {
        if (res.isSent()) {
            return;
        }
        int status = error.status() == 499 ? 400 : error.status();
        res.status(Status.create(status));
        res.header(REQUEST_ID, requestId);
        addContextHeaders(res, ctx);
        error.retryAfter().ifPresent(d -> res.header(HeaderNames.RETRY_AFTER,
                Long.toString(Math.max(1, (d.toMillis() + 999) / 1000))));
        res.header(JSON);
        if (req.prologue().method() == Method.HEAD) {
            res.send();
        } else {
            res.send(wire.encodeError(error));
        }
    }

    /** The client's request id if it is a sane token, else a new random one. */
    /** What a client-given request id may contain. */
    private static final java.util.regex.Pattern GIVEN_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:@/+=-]+");

    static String requestId(ServerRequest req) {
        String given = req.headers().first(REQUEST_ID).orElse(null);
        if (given != null && given.length() <= 128 && GIVEN_ID.matcher(given).matches()) {
            return given;
        }
        return newRequestId();
    }

    private static String newRequestId() {
        return RequestIds.next();
    }

    private static String sanitize(String path) {
        String p = path.length() > 100 ? path.substring(0, 100) + "..." : path;
        return p.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
