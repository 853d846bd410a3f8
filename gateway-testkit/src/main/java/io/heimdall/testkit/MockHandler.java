package io.heimdall.testkit;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.heimdall.testkit.internal.Buffer;
import io.heimdall.testkit.internal.ChatInfo;
import io.heimdall.testkit.internal.EmbeddingInfo;
import io.heimdall.testkit.internal.Ids;
import io.heimdall.testkit.internal.MockError;
import io.heimdall.testkit.internal.OpenAiJson;
import io.heimdall.testkit.internal.OpenAiJson.ChunkKind;
import io.heimdall.testkit.internal.OpenAiJson.StreamHeader;
import io.heimdall.testkit.internal.Words;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The one Helidon handler of {@link MockOpenAiServer}: dispatches by method and path, applies scripted behaviours. */
final class MockHandler implements Handler {
    private static final byte[] EMPTY = new byte[0];
    private static final Header JSON = HeaderValues.CONTENT_TYPE_JSON;
    private static final Header EVENT_STREAM = HeaderValues.createCached(HeaderNames.CONTENT_TYPE,
            "text/event-stream; charset=utf-8");
    private static final Header OPENAI_VERSION = HeaderValues.createCached("openai-version", "2020-10-01");
    private static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final String MALFORMED_JSON = "{\n  \"id\": \"chatcmpl-malformed\",\n  \"object\": \"chat."
            + "completion\",\n  \"choices\": [\n    {\n      \"index\": 0,\n      \"message\": {\"role\": \"assi";
    private static final int ARGUMENT_FRAGMENT = 8;
    /** The path of the mock's own counters (not an OpenAI endpoint; never counted, recorded or scripted). */
    static final String STATS_PATH = "/_mock/stats";

    private enum Endpoint { CHAT, EMBEDDINGS, MODELS, MODEL }

    private final MockOpenAiServer server;
    private final byte[] modelList;

    MockHandler(MockOpenAiServer server) {
        this.server = server;
        Buffer out = new Buffer(512);
        OpenAiJson.writeModelList(out, server.models);
        this.modelList = out.toByteArray();
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String method = req.prologue().method().text();
        String path = req.path().rawPath();
        byte[] body = readBody(req);
        if (path.equals(STATS_PATH) && method.equals("GET")) {
            res.header(JSON);
            res.send(MockStats.json(server).getBytes(StandardCharsets.UTF_8));
            return;
        }
        server.count(path);
        if (server.recording()) {
            server.record(record(req, method, path, body));
        }
        res.header(OPENAI_VERSION);
        res.header(HeaderValues.create(REQUEST_ID, Ids.request()));
        Exchange ex = server.begin(req.remotePeer().port());
        try {
            handle(req, res, method, path, body, ex);
        } finally {
            server.end(ex);
        }
    }

    private void handle(ServerRequest req, ServerResponse res, String method, String path, byte[] body,
                        Exchange ex) {
        Endpoint endpoint = endpoint(method, path);
        if (endpoint == null) {
            sendError(res, ex, new MockError(404, "invalid_request_error", "Invalid URL (" + method + " " + path
                    + ")", null, null));
            return;
        }
        MockBehavior behavior = server.nextBehavior();
        long wait = server.latencyNanos() + (behavior == null ? 0 : behavior.delay.toNanos());
        if (wait > 0 && !ex.pause(wait)) {
            throw clientGone();
        }
        if (behavior != null) {
            behavior.headers.forEach(res::header);
            switch (behavior.kind) {
                case DROP -> throw new CloseConnectionException("mock: dropping the connection as scripted");
                case HANG -> {
                    ex.awaitOver();
                    throw new CloseConnectionException("mock: the hung request ended");
                }
                case RESET -> {
                    ex.resetOnClose();
                    throw new CloseConnectionException("mock: resetting the connection as scripted");
                }
                case ERROR -> {
                    sendError(res, ex, scriptedError(behavior, req, body));
                    return;
                }
                case RAW -> {
                    res.status(behavior.status);
                    res.header(HeaderNames.CONTENT_TYPE, behavior.contentType);
                    ex.answered();
                    res.send(behavior.text.getBytes(StandardCharsets.UTF_8));
                    return;
                }
                default -> {
                    // applied below, once the request is understood
                }
            }
        }
        try {
            MockError authError = checkKey(req);
            if (authError != null) {
                sendError(res, ex, authError);
                return;
            }
            switch (endpoint) {
                case CHAT -> chat(res, ex, OpenAiJson.parseChat(body), behavior);
                case EMBEDDINGS -> embeddings(res, ex, OpenAiJson.parseEmbeddings(body), behavior);
                case MODELS -> bytes(res, ex, modelList, modelList.length, behavior, "{\"object\":\"list\"}\n");
                case MODEL -> model(res, ex, path.substring("/v1/models/".length()), behavior);
            }
        } catch (MockError e) {
            sendError(res, ex, e);
        }
    }

    private static CloseConnectionException clientGone() {
        return new CloseConnectionException("mock: the client closed the connection (or the mock stops)");
    }

    /** Azure OpenAI's deployment paths, served as the OpenAI endpoint they stand for. */
    private static final java.util.regex.Pattern AZURE = java.util.regex.Pattern.compile(
            "/openai/deployments/[^/]+/(chat/completions|embeddings)");

    private static Endpoint endpoint(String method, String path) {
        java.util.regex.Matcher azure = AZURE.matcher(path);
        if (azure.matches()) {
            return endpoint(method, "/v1/" + azure.group(1));
        }
        if (path.equals("/openai/models")) {
            return endpoint(method, "/v1/models");
        }
        return switch (path) {
            case "/v1/chat/completions" -> method.equals("POST") ? Endpoint.CHAT : null;
            case "/v1/embeddings" -> method.equals("POST") ? Endpoint.EMBEDDINGS : null;
            case "/v1/models" -> method.equals("GET") ? Endpoint.MODELS : null;
            default -> method.equals("GET") && path.startsWith("/v1/models/")
                    && path.length() > "/v1/models/".length() ? Endpoint.MODEL : null;
        };
    }

    private static byte[] readBody(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return EMPTY;
        }
        try {
            return req.content().inputStream().readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static RecordedRequest record(ServerRequest req, String method, String path, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header h : req.headers()) {
            headers.computeIfAbsent(h.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(h.allValues());
        }
        String query = req.query().rawValue();
        String fullPath = query == null || query.isEmpty() ? path : path + "?" + query;
        return new RecordedRequest(method, fullPath, headers, new String(body, StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ chat

    private void chat(ServerResponse res, Exchange ex, ChatInfo info, MockBehavior behavior) {
        MockBehavior.Kind kind = behavior == null ? MockBehavior.Kind.NORMAL : behavior.kind;
        boolean scriptedReply = kind == MockBehavior.Kind.REPLY;
        String tool = scriptedReply ? null : info.toolToCall();
        String text = tool != null ? OpenAiJson.toolArguments(info.lastUserText)
                : scriptedReply ? behavior.text : MockOpenAiServer.ECHO_PREFIX + info.lastUserText;
        List<String> pieces = tool != null ? Words.fragments(text, ARGUMENT_FRAGMENT)
                : info.stream ? Words.pieces(text) : null;
        int promptTokens = info.promptTokens();
        int completionTokens = pieces != null ? pieces.size() : Words.pieceCount(text);
        String id = Ids.completion();
        long created = System.currentTimeMillis() / 1000;
        String toolCallId = tool == null ? null : Ids.toolCall();
        if (info.stream) {
            stream(res, ex, info, behavior, kind, new StreamHeader(id, created, info.model, info.includeUsage,
                    info.includeObfuscation), text,
                    pieces, tool, toolCallId, promptTokens, completionTokens);
            return;
        }
        switch (kind) {
            case MALFORMED -> malformed(res, ex);
            case STREAM_ERROR -> sendError(res, ex, new MockError(500, behavior.type, behavior.message, null,
                    behavior.code));
            default -> {
                Buffer out = new Buffer(1024);
                OpenAiJson.writeCompletion(out, id, created, info.model, text, toolCallId, tool, promptTokens,
                        completionTokens);
                bytes(res, ex, out.array(), out.size(), behavior, "{\"id\":\"" + id + "\",\"object\":\"chat."
                        + "completion\",\"created\":" + created + ",\"model\":" + quote(info.model) + "}\n");
            }
        }
    }

    static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    private void stream(ServerResponse res, Exchange ex, ChatInfo info, MockBehavior behavior,
                        MockBehavior.Kind kind, StreamHeader header, String text, List<String> pieces, String tool,
                        String toolCallId, int promptTokens, int completionTokens) {
        res.status(200);
        res.header(EVENT_STREAM);
        Events events = new Events(res.outputStream(), ex, behavior, server.chunkDelayNanos());
        Buffer buf = new Buffer(512);
        if (kind == MockBehavior.Kind.MISSING_FIELDS) {
            buf.ascii("data: {\"object\":\"chat.completion.chunk\"}\n\n");
            if (events.send(buf)) {
                buf.reset();
                OpenAiJson.writeDone(buf);
                events.last(buf);
            }
            return;
        }
        if (tool == null) {
            OpenAiJson.writeChunkEvent(buf, header, ChunkKind.ROLE, null, null);
        } else {
            OpenAiJson.writeChunkEvent(buf, header, ChunkKind.TOOL_START, toolCallId, tool);
        }
        if (!events.send(buf)) {
            return;
        }
        if (kind == MockBehavior.Kind.MALFORMED) {
            buf.reset();
            buf.ascii("data: {\"id\":\"").ascii(header.id()).ascii("\",\"object\":\"chat.completion.chunk\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\n\n");
            if (events.send(buf)) {
                buf.reset();
                OpenAiJson.writeDone(buf);
                events.last(buf);
            }
            return;
        }
        for (String piece : pieces) {
            buf.reset();
            OpenAiJson.writeChunkEvent(buf, header, tool == null ? ChunkKind.CONTENT : ChunkKind.TOOL_ARGUMENTS,
                    piece, null);
            if (!events.send(buf)) {
                return;
            }
        }
        buf.reset();
        OpenAiJson.writeChunkEvent(buf, header, ChunkKind.FINISH, tool == null ? "stop" : "tool_calls", null);
        if (!events.send(buf)) {
            return;
        }
        if (info.includeUsage) {
            buf.reset();
            OpenAiJson.writeUsageEvent(buf, header, promptTokens, completionTokens);
            if (!events.send(buf)) {
                return;
            }
        }
        buf.reset();
        OpenAiJson.writeDone(buf);
        events.last(buf);
    }

    /**
     * Writes SSE events, applying a scripted drop, reset or error event at the right count, and pausing between events
     * (or before each, trickling).
     */
    private static final class Events {
        private final OutputStream out;
        private final Exchange ex;
        private final int cutAfter;
        private final boolean reset;
        private final int errorAfter;
        private final MockBehavior behavior;
        private final long pauseNanos;
        private final boolean trickle;
        private int sent;

        Events(OutputStream out, Exchange ex, MockBehavior behavior, long pauseNanos) {
            this.out = out;
            this.ex = ex;
            this.behavior = behavior;
            MockBehavior.Kind kind = behavior == null ? MockBehavior.Kind.NORMAL : behavior.kind;
            this.trickle = kind == MockBehavior.Kind.TRICKLE;
            this.pauseNanos = trickle ? behavior.interval.toNanos() : pauseNanos;
            this.reset = kind == MockBehavior.Kind.RESET_MID_STREAM;
            this.cutAfter = kind == MockBehavior.Kind.DROP_MID_STREAM || reset ? behavior.afterChunks : -1;
            this.errorAfter = kind == MockBehavior.Kind.STREAM_ERROR ? behavior.afterChunks : -1;
            if (trickle) {
                try {
                    out.flush(); // the status line and headers at once, the events slowly
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        /** Sends one event; false when the stream ended here (a scripted error event was sent instead). */
        boolean send(Buffer event) {
            try {
                if ((sent > 0 || trickle) && pauseNanos > 0 && !ex.pause(pauseNanos)) {
                    throw clientGone();
                }
                if (sent == cutAfter) {
                    cut();
                }
                if (sent == errorAfter) {
                    Buffer err = new Buffer(256);
                    err.ascii("data: ");
                    OpenAiJson.writeError(err, behavior.type, behavior.message, behavior.param, behavior.code, false);
                    err.ascii("\n\n");
                    ex.answered();
                    out.write(err.array(), 0, err.size());
                    out.close();
                    return false;
                }
                out.write(event.array(), 0, event.size());
                out.flush();
                sent++;
                return true;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Sends the last event and ends the body (or cuts the connection, as scripted). */
        void last(Buffer event) {
            if (sent != cutAfter) {
                ex.answered();
            }
            if (!send(event)) {
                return;
            }
            if (cutAfter >= 0) {
                cut();
            }
            try {
                out.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private void cut() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            if (reset) {
                ex.resetOnClose();
                throw new CloseConnectionException("mock: resetting the stream as scripted");
            }
            throw new CloseConnectionException("mock: dropping the stream as scripted");
        }
    }

    // ------------------------------------------------------------------ embeddings and models

    private void embeddings(ServerResponse res, Exchange ex, EmbeddingInfo info, MockBehavior behavior) {
        MockBehavior.Kind kind = behavior == null ? MockBehavior.Kind.NORMAL : behavior.kind;
        if (kind == MockBehavior.Kind.MALFORMED) {
            malformed(res, ex);
            return;
        }
        if (kind == MockBehavior.Kind.STREAM_ERROR) {
            sendError(res, ex, new MockError(500, behavior.type, behavior.message, null, behavior.code));
            return;
        }
        int dims = info.effectiveDimensions();
        List<float[]> vectors = new ArrayList<>(info.inputs.size());
        int tokens = 0;
        for (String input : info.inputs) {
            vectors.add(MockOpenAiServer.embedding(input, dims));
            tokens += Math.max(1, Words.count(input));
        }
        Buffer out = new Buffer(info.base64 ? 64 + dims * 6 : 64 + dims * 14);
        OpenAiJson.writeEmbeddings(out, info.model, vectors, info.base64, tokens);
        bytes(res, ex, out.array(), out.size(), behavior, "{\"object\":\"list\",\"model\":" + quote(info.model)
                + "}\n");
    }

    private void model(ServerResponse res, Exchange ex, String id, MockBehavior behavior) {
        for (OpenAiJson.Model m : server.models) {
            if (m.id().equals(id)) {
                Buffer out = new Buffer(256);
                OpenAiJson.writeModel(out, m);
                bytes(res, ex, out.array(), out.size(), behavior, "{\"object\":\"model\",\"created\":"
                        + m.created() + ",\"owned_by\":" + quote(m.ownedBy()) + "}\n");
                return;
            }
        }
        sendError(res, ex, new MockError(404, "invalid_request_error", "The model '" + id + "' does not exist", "model",
                "model_not_found"));
    }

    /**
     * Sends a JSON body, or applies a non-stream variant of a scripted behaviour to it; {@code incomplete} is the
     * body for {@link MockBehavior#missingFields()}.
     */
    private static void bytes(ServerResponse res, Exchange ex, byte[] body, int length, MockBehavior behavior,
                              String incomplete) {
        MockBehavior.Kind kind = behavior == null ? MockBehavior.Kind.NORMAL : behavior.kind;
        switch (kind) {
            case MALFORMED -> malformed(res, ex);
            case MISSING_FIELDS -> {
                res.status(200);
                res.header(JSON);
                ex.answered();
                res.send(incomplete.getBytes(StandardCharsets.UTF_8));
            }
            case STREAM_ERROR -> sendError(res, ex, new MockError(500, behavior.type, behavior.message, null,
                    behavior.code));
            case DROP_MID_STREAM, RESET_MID_STREAM -> {
                res.status(200);
                res.header(JSON);
                OutputStream out = res.outputStream();
                try {
                    out.write(body, 0, length / 2);
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                if (kind == MockBehavior.Kind.RESET_MID_STREAM) {
                    ex.resetOnClose();
                    throw new CloseConnectionException("mock: resetting the body as scripted");
                }
                throw new CloseConnectionException("mock: dropping the body as scripted");
            }
            case TRICKLE -> trickle(res, ex, body, length, behavior);
            default -> {
                res.status(200);
                res.header(JSON);
                ex.answered();
                res.send(body, 0, length);
            }
        }
    }

    /** Sends the status line and headers (with the content length) at once, then the body a piece at a time. */
    private static void trickle(ServerResponse res, Exchange ex, byte[] body, int length, MockBehavior behavior) {
        res.status(200);
        res.header(JSON);
        res.contentLength(length);
        long pause = behavior.interval.toNanos();
        try {
            OutputStream out = res.outputStream();
            out.flush();
            for (int off = 0; off < length; off += behavior.pieceBytes) {
                if (!ex.pause(pause)) {
                    throw clientGone();
                }
                int n = Math.min(behavior.pieceBytes, length - off);
                if (off + n == length) {
                    ex.answered();
                }
                out.write(body, off, n);
                out.flush();
            }
            out.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void malformed(ServerResponse res, Exchange ex) {
        res.status(200);
        res.header(JSON);
        ex.answered();
        res.send(MALFORMED_JSON.getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ errors

    private static void sendError(ServerResponse res, Exchange ex, MockError e) {
        Buffer out = new Buffer(512);
        OpenAiJson.writeError(out, e.type(), e.getMessage(), e.param(), e.code(), true);
        res.status(e.status());
        res.header(JSON);
        ex.answered();
        res.send(out.array(), 0, out.size());
    }

    private MockError checkKey(ServerRequest req) {
        if (server.apiKey == null) {
            return null;
        }
        String key = bearer(req);
        if (key == null) {
            return new MockError(401, "invalid_request_error", "You didn't provide an API key. You need to provide "
                    + "your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY),"
                    + " or as the password field (with blank username) if you're accessing the API from your browser "
                    + "and are prompted for a username and password. You can obtain an API key from "
                    + "https://platform.openai.com/account/api-keys.", null, null);
        }
        if (!key.equals(server.apiKey)) {
            return incorrectKey(key);
        }
        return null;
    }

    private static String bearer(ServerRequest req) {
        String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return auth.substring(7).trim();
    }

    private static MockError incorrectKey(String key) {
        return new MockError(401, "invalid_request_error", "Incorrect API key provided: " + mask(key) + ". You "
                + "can find your API key at https://platform.openai.com/account/api-keys.", null, "invalid_api_key");
    }

    /** Masks a key as OpenAI does in its 401 message: a short prefix, stars, the last four characters. */
    static String mask(String key) {
        if (key.length() <= 8) {
            return "*".repeat(key.length());
        }
        int prefix = Math.min(3, key.length() - 8);
        return key.substring(0, prefix) + "*".repeat(key.length() - prefix - 4) + key.substring(key.length() - 4);
    }

    private static MockError scriptedError(MockBehavior b, ServerRequest req, byte[] body) {
        if (b.message != null) {
            return new MockError(b.status, b.type, b.message, b.param, b.code);
        }
        return switch (b.status) {
            case 400 -> new MockError(400, "invalid_request_error", "The mock was scripted to reject this request.",
                    b.param, b.code);
            case 401 -> {
                String key = bearer(req);
                yield key == null
                        ? new MockError(401, "invalid_request_error", "You didn't provide an API key.", null, null)
                        : incorrectKey(key);
            }
            case 403 -> new MockError(403, "request_forbidden", "Country, region, or territory not supported",
                    b.param, b.code == null ? "unsupported_country_region_territory" : b.code);
            case 404 -> new MockError(404, "invalid_request_error", "The model `" + requestedModel(body)
                    + "` does not exist or you do not have access to it.", b.param,
                    b.code == null ? "model_not_found" : b.code);
            case 429 -> new MockError(429, "requests", "Rate limit reached for requests", b.param,
                    b.code == null ? "rate_limit_exceeded" : b.code);
            case 500 -> new MockError(500, "server_error", "The server had an error while processing your request. "
                    + "Sorry about that!", b.param, b.code);
            case 503 -> new MockError(503, "server_error", "The engine is currently overloaded, please try again "
                    + "later.", b.param, b.code);
            default -> new MockError(b.status, b.status < 500 ? "invalid_request_error" : "server_error",
                    "Mock error " + b.status + ".", b.param, b.code);
        };
    }

    private static String requestedModel(byte[] body) {
        try {
            return OpenAiJson.parseChat(body).model;
        } catch (MockError notChat) {
            try {
                return OpenAiJson.parseEmbeddings(body).model;
            } catch (MockError notEmbeddings) {
                return "unknown";
            }
        }
    }
}
