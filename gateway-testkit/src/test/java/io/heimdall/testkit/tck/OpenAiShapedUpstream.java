package io.heimdall.testkit.tck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.model.Usage;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link NativeUpstream} whose "native" wire is the OpenAI one: the reference implementation that proves the native
 * contract passable, and a worked example for provider authors (one raw socket per request, {@code connection: close}).
 */
final class OpenAiShapedUpstream implements NativeUpstream {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerSocket server;
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<SeenRequest> seen = new CopyOnWriteArrayList<>();

    OpenAiShapedUpstream() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread.ofVirtual().start(this::accept);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
    }

    @Override
    public void enqueue(Reply reply) {
        replies.add(reply);
    }

    @Override
    public List<SeenRequest> requests() {
        return List.copyOf(seen);
    }

    @Override
    public void reset() {
        replies.clear();
        seen.clear();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String[] requestLine = line(in).split(" ");
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(h.substring(colon + 1).trim());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", List.of("0")).getFirst());
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            JsonNode root = body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
            seen.add(decode(requestLine[0], requestLine[1], headers, root, body));
            Reply reply = Optional.ofNullable(replies.poll()).orElse(Reply.text("ok"));
            OutputStream out = socket.getOutputStream();
            boolean stream = root.path("stream").asBoolean(false);
            switch (reply) {
                case Reply.Drop d -> socket.setSoLinger(true, 0);
                case Reply.Failure f -> respond(out, status(f.kind()), f.retryAfter()
                        .map(r -> "retry-after: " + r.toSeconds() + "\r\n").orElse(""), error(f.kind(), f.message()));
                case Reply.StreamFailure f -> {
                    startSse(out);
                    sse(out, chunk(delta("role", "assistant").put("content", f.textBefore()), null));
                    sse(out, error(f.kind(), f.message()));
                }
                case Reply.Text t when stream -> {
                    startSse(out);
                    sse(out, chunk(delta("role", "assistant").put("content", ""), null));
                    for (String piece : t.pieces()) {
                        sse(out, chunk(delta("content", piece), null));
                    }
                    sse(out, chunk(JSON.createObjectNode(), t.finishReason()));
                    sse(out, usageChunk(t.usage()));
                    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                }
                case Reply.Text t -> respond(out, 200, "", completion(message(t.text(), List.of()),
                        t.finishReason(), t.usage()));
                case Reply.ToolCalls c when stream -> {
                    startSse(out);
                    sse(out, chunk(delta("role", "assistant").put("content", c.text()), null));
                    for (int i = 0; i < c.calls().size(); i++) {
                        Reply.ToolCalls.Call call = c.calls().get(i);
                        for (int f = 0; f < call.argumentFragments().size(); f++) {
                            ObjectNode tc = JSON.createObjectNode().put("index", i);
                            ObjectNode fn = tc.putObject("function");
                            if (f == 0) {
                                tc.put("id", call.id()).put("type", "function");
                                fn.put("name", call.name());
                            }
                            fn.put("arguments", call.argumentFragments().get(f));
                            ObjectNode d = JSON.createObjectNode();
                            d.putArray("tool_calls").add(tc);
                            sse(out, chunk(d, null));
                        }
                    }
                    sse(out, chunk(JSON.createObjectNode(), "tool_calls"));
                    sse(out, usageChunk(c.usage()));
                    out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
                }
                case Reply.ToolCalls c -> respond(out, 200, "", completion(message(c.text(), c.calls()),
                        "tool_calls", c.usage()));
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            // the client went away or sent garbage: nothing to answer
        }
    }

    private static SeenRequest decode(String method, String path, Map<String, List<String>> headers, JsonNode root,
                                      String body) {
        String system = "";
        List<SeenMessage> messages = new ArrayList<>();
        for (JsonNode m : root.path("messages")) {
            String role = m.path("role").asText();
            StringBuilder text = new StringBuilder();
            int images = 0;
            if (m.path("content").isArray()) {
                for (JsonNode part : m.path("content")) {
                    if (part.path("type").asText().equals("image_url")) {
                        images++;
                    } else {
                        text.append(part.path("text").asText());
                    }
                }
            } else {
                text.append(m.path("content").asText(""));
            }
            if (role.equals("system")) {
                system = text.toString();
                continue;
            }
            List<String> ids = new ArrayList<>();
            m.path("tool_calls").forEach(tc -> ids.add(tc.path("id").asText()));
            messages.add(new SeenMessage(role, text.toString(), ids, m.path("tool_call_id").asText(""), images));
        }
        List<String> tools = new ArrayList<>();
        root.path("tools").forEach(t -> tools.add(t.path("function").path("name").asText()));
        JsonNode choice = root.path("tool_choice");
        String toolChoice = choice.isTextual() ? choice.asText() : choice.path("function").path("name").asText("");
        List<String> stop = new ArrayList<>();
        root.path("stop").forEach(s -> stop.add(s.asText()));
        return new SeenRequest(method, path, headers, root.path("model").asText(), system, messages, tools, toolChoice,
                number(root, "temperature").map(JsonNode::asDouble), number(root, "top_p").map(JsonNode::asDouble),
                number(root, "max_tokens").map(JsonNode::asInt), stop, root.path("stream").asBoolean(false),
                root.path("response_format").path("type").asText(""), body);
    }

    private static Optional<JsonNode> number(JsonNode root, String field) {
        return root.path(field).isNumber() ? Optional.of(root.path(field)) : Optional.empty();
    }

    private static int status(Reply.Kind kind) {
        return switch (kind) {
            case RATE_LIMITED -> 429;
            case OVERLOADED -> 503;
            case AUTHENTICATION -> 401;
            case PERMISSION -> 403;
            case CONTEXT_TOO_LONG, BAD_REQUEST -> 400;
            case NOT_FOUND -> 404;
            case SERVER_ERROR -> 500;
        };
    }

    private static ObjectNode error(Reply.Kind kind, String message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode e = root.putObject("error").put("message", message).put("type", switch (kind) {
            case RATE_LIMITED -> "rate_limit_error";
            case AUTHENTICATION -> "authentication_error";
            case PERMISSION -> "permission_error";
            case CONTEXT_TOO_LONG, BAD_REQUEST -> "invalid_request_error";
            case NOT_FOUND -> "not_found_error";
            case OVERLOADED, SERVER_ERROR -> "api_error";
        });
        e.putNull("param");
        if (kind == Reply.Kind.CONTEXT_TOO_LONG) {
            e.put("code", "context_length_exceeded");
        } else {
            e.putNull("code");
        }
        return root;
    }

    private static ObjectNode message(String text, List<Reply.ToolCalls.Call> calls) {
        ObjectNode m = JSON.createObjectNode().put("role", "assistant");
        if (text.isEmpty() && !calls.isEmpty()) {
            m.putNull("content");
        } else {
            m.put("content", text);
        }
        if (!calls.isEmpty()) {
            ArrayNode array = m.putArray("tool_calls");
            for (Reply.ToolCalls.Call c : calls) {
                ObjectNode tc = array.addObject().put("id", c.id()).put("type", "function");
                tc.putObject("function").put("name", c.name()).put("arguments", c.arguments());
            }
        }
        return m;
    }

    private static ObjectNode completion(ObjectNode message, String finish, Usage usage) {
        ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-ref").put("object", "chat.completion")
                .put("created", 1_700_000_000L).put("model", "test-model");
        root.putArray("choices").addObject().put("index", 0).put("finish_reason", finish).set("message", message);
        root.set("usage", usage(usage));
        return root;
    }

    private static ObjectNode usage(Usage usage) {
        return JSON.createObjectNode().put("prompt_tokens", usage.promptTokens())
                .put("completion_tokens", usage.completionTokens()).put("total_tokens", usage.totalTokens());
    }

    private static ObjectNode delta(String field, String value) {
        return JSON.createObjectNode().put(field, value);
    }

    private static ObjectNode chunk(ObjectNode delta, String finish) {
        ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-ref").put("object", "chat.completion.chunk")
                .put("created", 1_700_000_000L).put("model", "test-model");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.set("delta", delta);
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        return root;
    }

    private static ObjectNode usageChunk(Usage usage) {
        ObjectNode root = JSON.createObjectNode().put("id", "chatcmpl-ref").put("object", "chat.completion.chunk")
                .put("created", 1_700_000_000L).put("model", "test-model");
        root.putArray("choices");
        root.set("usage", usage(usage));
        return root;
    }

    private static void respond(OutputStream out, int status, String extraHeaders, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        out.write(("HTTP/1.1 " + status + " X\r\ncontent-type: application/json\r\ncontent-length: " + bytes.length
                + "\r\n" + extraHeaders + "connection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(bytes);
    }

    private static void startSse(OutputStream out) throws IOException {
        out.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
                .getBytes(StandardCharsets.UTF_8));
    }

    private static void sse(OutputStream out, JsonNode data) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(data) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                buf.write(b);
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
