package io.heimdall.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.model.Usage;
import io.heimdall.testkit.tck.NativeUpstream;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A mock of the Anthropic API written from its reference: {@code POST /v1/messages} answers a Message or, with
 * {@code "stream":true}, the documented SSE events ({@code message_start}, {@code content_block_start},
 * {@code ping}, {@code content_block_delta} with {@code text_delta} / {@code input_json_delta},
 * {@code content_block_stop}, {@code message_delta}, {@code message_stop}, {@code error}); errors are
 * {@code {"type":"error","error":{"type","message"},"request_id"}} with the documented statuses and a
 * {@code retry-after} header in seconds; {@code GET /v1/models} pages with {@code has_more} / {@code last_id}. Each
 * request is decoded back into a {@link SeenRequest}.
 */
final class AnthropicUpstream implements NativeUpstream {
    /** A literal answer for tests that need exact bytes: chunks are written and flushed one by one. */
    record Raw(int status, Map<String, String> headers, List<String> chunks, int gateAfter, CountDownLatch gate) {
        Raw(int status, Map<String, String> headers, List<String> chunks) {
            this(status, headers, chunks, -1, new CountDownLatch(0));
        }

        static Raw sse(String... events) {
            return new Raw(200, Map.of("Content-Type", "text/event-stream"), List.of(events));
        }

        /**
         * Events of which the ones after the first {@code gateAfter} are sent only once {@code gate} opens; if it
         * does not open within 5 s the connection is dropped, so the stream fails.
         */
        static Raw gated(int gateAfter, CountDownLatch gate, String... events) {
            return new Raw(200, Map.of("Content-Type", "text/event-stream"), List.of(events), gateAfter, gate);
        }

        static Raw json(String body) {
            return json(200, body, Map.of());
        }

        static Raw json(int status, String body, Map<String, String> headers) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put("Content-Type", "application/json");
            return new Raw(status, h, List.of(body));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong IDS = new AtomicLong(1);

    private final LoopbackHttp http;
    private final Queue<Object> queue = new ConcurrentLinkedQueue<>();
    private final List<SeenRequest> seen = new CopyOnWriteArrayList<>();
    private static final java.util.regex.Pattern VERTEX_PATH = java.util.regex.Pattern.compile(
            "/v1/projects/[a-z0-9.:-]+/locations/[a-z0-9-]+/publishers/anthropic/models/([A-Za-z0-9._@-]+)"
                    + ":(rawPredict|streamRawPredict)");

    private final boolean vertex;
    private volatile List<String> models = List.of();

    AnthropicUpstream() {
        this(false);
    }

    /**
     * A mock of the Anthropic API, or with {@code vertex} of Claude on Vertex AI: {@code POST
     * /v1/projects/{p}/locations/{l}/publishers/anthropic/models/{model}:rawPredict} (or {@code :streamRawPredict}),
     * a bearer token, a body with {@code anthropic_version: vertex-2023-10-16} and no {@code model} (else a 400).
     */
    AnthropicUpstream(boolean vertex) {
        this.vertex = vertex;
        http = new LoopbackHttp(this::handle);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + http.port();
    }

    @Override
    public void enqueue(Reply reply) {
        queue.add(reply);
    }

    /** Queues a literal answer. */
    void enqueue(Raw raw) {
        queue.add(raw);
    }

    /** Sets the models {@code GET /v1/models} lists, two per page. */
    void models(List<String> ids) {
        models = List.copyOf(ids);
    }

    @Override
    public List<SeenRequest> requests() {
        return List.copyOf(seen);
    }

    @Override
    public void reset() {
        queue.clear();
        seen.clear();
    }

    @Override
    public void close() {
        http.close();
    }

    private void handle(LoopbackHttp.Request request, LoopbackHttp.Exchange exchange) throws IOException {
        String body = new String(request.body(), StandardCharsets.UTF_8);
        JsonNode root = body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
        if (vertex) {
            String refused = vertexRefusal(request, root);
            if (!refused.isEmpty()) {
                exchange.send(refused.startsWith("Unknown") ? 404 : 400, jsonHeaders(),
                        error(Reply.Kind.BAD_REQUEST, refused).getBytes(StandardCharsets.UTF_8));
                return;
            }
            java.util.regex.Matcher m = VERTEX_PATH.matcher(request.path());
            m.matches();
            ((ObjectNode) root).put("model", m.group(1));
        }
        seen.add(SeenDecoder.decode(request, root, body));
        if (request.method().equals("GET") && request.path().startsWith("/v1/models")) {
            exchange.send(200, Map.of("Content-Type", "application/json"), modelPage(request.path()));
            return;
        }
        Object next = queue.poll();
        if (next == null) {
            next = new Reply.Text(List.of("ok"), "stop", Usage.of(1, 1));
        }
        String model = root.path("model").asText("test-model");
        boolean stream = root.path("stream").asBoolean(false);
        switch (next) {
            case Raw raw -> raw(raw, exchange);
            case Reply.Drop ignored -> {
                // close without a response
            }
            case Reply.Failure f -> {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Content-Type", "application/json");
                headers.put("request-id", "req_" + IDS.incrementAndGet());
                f.retryAfter().ifPresent(d -> headers.put("retry-after", Long.toString(Math.max(1, d.toSeconds()))));
                exchange.send(status(f.kind()), headers, error(f.kind(), f.message()).getBytes(StandardCharsets.UTF_8));
            }
            case Reply.StreamFailure f -> {
                String id = "msg_" + IDS.incrementAndGet();
                exchange.begin(200, sseHeaders());
                exchange.chunk(event("message_start", messageStart(id, model, Usage.of(3, 0))));
                exchange.chunk(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
                if (!f.textBefore().isEmpty()) {
                    exchange.chunk(event("content_block_delta", textDelta(0, f.textBefore())));
                }
                exchange.chunk(event("error", error(f.kind(), f.message())));
                exchange.end();
            }
            case Reply.Text t when stream -> streamText(exchange, model, t);
            case Reply.ToolCalls c when stream -> streamTools(exchange, model, c);
            case Reply.Text t -> exchange.send(200, jsonHeaders(), message(model, List.of(textBlock(t.text())),
                    stopReason(t.finishReason()), t.usage()));
            case Reply.ToolCalls c -> {
                List<ObjectNode> blocks = new ArrayList<>();
                if (!c.text().isEmpty()) {
                    blocks.add(textBlock(c.text()));
                }
                for (Reply.ToolCalls.Call call : c.calls()) {
                    ObjectNode b = JSON.createObjectNode().put("type", "tool_use").put("id", call.id())
                            .put("name", call.name());
                    b.set("input", JSON.readTree(call.arguments()));
                    blocks.add(b);
                }
                exchange.send(200, jsonHeaders(), message(model, blocks, "tool_use", c.usage()));
            }
            default -> throw new IllegalStateException("unknown reply " + next);
        }
    }

    /** Why Vertex AI would refuse this request, or "". */
    private static String vertexRefusal(LoopbackHttp.Request request, JsonNode root) {
        java.util.regex.Matcher m = VERTEX_PATH.matcher(request.path());
        if (!request.method().equals("POST") || !m.matches()) {
            return "Unknown path " + request.path();
        }
        List<String> auth = request.headers().getOrDefault("authorization", List.of());
        if (auth.size() != 1 || !auth.getFirst().startsWith("Bearer ") || auth.getFirst().length() < 8) {
            return "missing bearer token";
        }
        if (root.has("model")) {
            return "model: Extra inputs are not permitted";
        }
        if (!"vertex-2023-10-16".equals(root.path("anthropic_version").asText(""))) {
            return "anthropic_version: vertex-2023-10-16 is required";
        }
        if (root.path("stream").asBoolean(false) != m.group(2).equals("streamRawPredict")) {
            return "stream does not match the method " + m.group(2);
        }
        return "";
    }

    private static void raw(Raw raw, LoopbackHttp.Exchange exchange) throws IOException {
        exchange.begin(raw.status(), raw.headers());
        for (int i = 0; i < raw.chunks().size(); i++) {
            if (i == raw.gateAfter()) {
                try {
                    if (!raw.gate().await(5, TimeUnit.SECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            exchange.chunk(raw.chunks().get(i));
        }
        exchange.end();
    }

    private void streamText(LoopbackHttp.Exchange exchange, String model, Reply.Text t) throws IOException {
        exchange.begin(200, sseHeaders());
        exchange.chunk(event("message_start", messageStart("msg_" + IDS.incrementAndGet(), model, t.usage())));
        exchange.chunk(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
        exchange.chunk(event("ping", "{\"type\": \"ping\"}"));
        for (String piece : t.pieces()) {
            exchange.chunk(event("content_block_delta", textDelta(0, piece)));
        }
        exchange.chunk(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
        end(exchange, stopReason(t.finishReason()), t.usage());
    }

    private void streamTools(LoopbackHttp.Exchange exchange, String model, Reply.ToolCalls c) throws IOException {
        exchange.begin(200, sseHeaders());
        exchange.chunk(event("message_start", messageStart("msg_" + IDS.incrementAndGet(), model, c.usage())));
        int index = 0;
        if (!c.text().isEmpty()) {
            exchange.chunk(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
                    + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
            exchange.chunk(event("content_block_delta", textDelta(0, c.text())));
            exchange.chunk(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
            index++;
        }
        for (Reply.ToolCalls.Call call : c.calls()) {
            ObjectNode block = JSON.createObjectNode().put("type", "tool_use").put("id", call.id())
                    .put("name", call.name());
            block.putObject("input");
            ObjectNode start = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
            start.set("content_block", block);
            exchange.chunk(event("content_block_start", start.toString()));
            exchange.chunk(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
                    + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}"));
            for (String fragment : call.argumentFragments()) {
                ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
                delta.putObject("delta").put("type", "input_json_delta").put("partial_json", fragment);
                exchange.chunk(event("content_block_delta", delta.toString()));
            }
            exchange.chunk(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}"));
            index++;
        }
        end(exchange, "tool_use", c.usage());
    }

    private static void end(LoopbackHttp.Exchange exchange, String stopReason, Usage usage) throws IOException {
        exchange.chunk(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\""
                + stopReason + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + usage.completionTokens()
                + "}}"));
        exchange.chunk(event("message_stop", "{\"type\":\"message_stop\"}"));
        exchange.end();
    }

    static String event(String name, String data) {
        return "event: " + name + "\ndata: " + data + "\n\n";
    }

    private static String textDelta(int index, String text) {
        ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
        delta.putObject("delta").put("type", "text_delta").put("text", text);
        return delta.toString();
    }

    private static String messageStart(String id, String model, Usage usage) {
        ObjectNode message = JSON.createObjectNode().put("id", id).put("type", "message").put("role", "assistant");
        message.putArray("content");
        message.put("model", model).putNull("stop_reason");
        message.putNull("stop_sequence");
        message.set("usage", usage(usage, 1));
        ObjectNode event = JSON.createObjectNode().put("type", "message_start");
        event.set("message", message);
        return event.toString();
    }

    private static byte[] message(String model, List<ObjectNode> content, String stopReason, Usage usage) {
        ObjectNode message = JSON.createObjectNode().put("id", "msg_" + IDS.incrementAndGet()).put("type", "message")
                .put("role", "assistant").put("model", model);
        message.putArray("content").addAll(content);
        message.put("stop_reason", stopReason).putNull("stop_sequence");
        message.set("usage", usage(usage, usage.completionTokens()));
        return message.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Canonical usage the Anthropic way: input_tokens excludes the cache reads. */
    private static ObjectNode usage(Usage usage, long output) {
        long cached = usage.cachedTokens().orElse(0L);
        return JSON.createObjectNode().put("input_tokens", usage.promptTokens() - cached)
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", cached)
                .put("output_tokens", output);
    }

    private static ObjectNode textBlock(String text) {
        return JSON.createObjectNode().put("type", "text").put("text", text);
    }

    private static String stopReason(String finishReason) {
        return switch (finishReason) {
            case "length" -> "max_tokens";
            case "content_filter" -> "refusal";
            default -> "end_turn";
        };
    }

    static int status(Reply.Kind kind) {
        return switch (kind) {
            case RATE_LIMITED -> 429;
            case OVERLOADED -> 529;
            case AUTHENTICATION -> 401;
            case PERMISSION -> 403;
            case CONTEXT_TOO_LONG, BAD_REQUEST -> 400;
            case NOT_FOUND -> 404;
            case SERVER_ERROR -> 500;
        };
    }

    static String error(Reply.Kind kind, String message) {
        String type = switch (kind) {
            case RATE_LIMITED -> "rate_limit_error";
            case OVERLOADED -> "overloaded_error";
            case AUTHENTICATION -> "authentication_error";
            case PERMISSION -> "permission_error";
            case CONTEXT_TOO_LONG, BAD_REQUEST -> "invalid_request_error";
            case NOT_FOUND -> "not_found_error";
            case SERVER_ERROR -> "api_error";
        };
        String text = kind == Reply.Kind.CONTEXT_TOO_LONG && !message.toLowerCase(Locale.ROOT).contains("prompt is too long")
                ? "prompt is too long: 210000 tokens > 200000 maximum (" + message + ")" : message;
        ObjectNode root = JSON.createObjectNode().put("type", "error");
        root.putObject("error").put("type", type).put("message", text);
        root.put("request_id", "req_" + IDS.incrementAndGet());
        return root.toString();
    }

    private byte[] modelPage(String path) {
        int from = 0;
        int at = path.indexOf("after_id=");
        if (at >= 0) {
            String after = path.substring(at + 9).split("&")[0];
            from = models.indexOf(after) + 1;
        }
        int to = Math.min(models.size(), from + 2);
        ObjectNode root = JSON.createObjectNode();
        ArrayNode data = root.putArray("data");
        for (String id : models.subList(from, to)) {
            data.addObject().put("type", "model").put("id", id).put("display_name", id)
                    .put("created_at", "2025-02-19T00:00:00Z");
        }
        root.put("has_more", to < models.size());
        if (to > from) {
            root.put("first_id", models.get(from)).put("last_id", models.get(to - 1));
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> jsonHeaders() {
        return Map.of("Content-Type", "application/json", "request-id", "req_" + IDS.incrementAndGet());
    }

    private static Map<String, String> sseHeaders() {
        return Map.of("Content-Type", "text/event-stream; charset=utf-8", "Cache-Control", "no-cache");
    }

}
