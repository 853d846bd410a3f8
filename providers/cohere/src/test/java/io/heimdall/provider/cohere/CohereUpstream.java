package io.heimdall.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.model.Usage;
import io.heimdall.testkit.tck.NativeUpstream;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenMessage;
import io.heimdall.testkit.tck.SeenRequest;

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
 * A mock of Cohere's v2 API written from docs.cohere.com's reference (Chat, Chat with streaming, Embed, List models,
 * errors): {@code POST /v2/chat} answers JSON or {@code event:}/{@code data:} SSE frames (message-start,
 * content-start/delta/end, tool-plan-delta, tool-call-start/delta/end, message-end with {@code finish_reason} and
 * {@code usage.billed_units}/{@code usage.tokens}); errors are {@code {"id","message"}} with the status; an in-stream
 * failure is a message-end with {@code finish_reason: ERROR} and {@code error}. {@code POST /v2/embed} and
 * {@code GET /v1/models} answer fixed data. Each request is decoded back into a {@link SeenRequest}.
 */
final class CohereUpstream implements NativeUpstream {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "c14c80c3-18eb-4519-9460-6c92edd8cfb4";

    private final ServerSocket server;
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<SeenRequest> seen = new CopyOnWriteArrayList<>();

    CohereUpstream() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread.ofVirtual().start(this::accept);
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
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
            String path = requestLine[1];
            seen.add(decode(requestLine[0], path, headers, root, body));
            Reply reply = Optional.ofNullable(replies.poll()).orElse(Reply.text("ok"));
            OutputStream out = socket.getOutputStream();
            if (path.startsWith("/v1/models")) {
                respond(out, 200, "", JSON.readTree("{\"models\":[{\"name\":\"command-a-03-2025\",\"endpoints\":"
                        + "[\"chat\"],\"finetuned\":false,\"context_length\":256000,\"features\":[\"tools\"]},"
                        + "{\"name\":\"embed-v4.0\",\"endpoints\":[\"embed\"],\"finetuned\":false,"
                        + "\"context_length\":128000}],\"next_page_token\":\"\"}"));
                return;
            }
            if (path.equals("/v2/embed") && !(reply instanceof Reply.Failure)) {
                ObjectNode e = JSON.createObjectNode().put("id", ID).put("response_type", "embeddings_by_type");
                ArrayNode vectors = e.putObject("embeddings").putArray("float");
                root.path("texts").forEach(t -> vectors.addArray().add(0.25).add(-0.5).add(t.asText().length()));
                e.set("texts", root.path("texts"));
                e.putObject("meta").putObject("billed_units").put("input_tokens", root.path("texts").size());
                respond(out, 200, "", e);
                return;
            }
            boolean stream = root.path("stream").asBoolean(false);
            switch (reply) {
                case Reply.Drop d -> socket.setSoLinger(true, 0);
                case Reply.Failure f -> respond(out, status(f.kind()), f.retryAfter()
                        .map(r -> "retry-after: " + r.toSeconds() + "\r\n").orElse(""), error(f.kind(), f.message()));
                case Reply.StreamFailure f -> {
                    startSse(out);
                    messageStart(out);
                    event(out, "content-start", "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":"
                            + "{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}");
                    contentDelta(out, f.textBefore());
                    ObjectNode end = JSON.createObjectNode().put("type", "message-end");
                    end.putObject("delta").put("error", f.message()).put("finish_reason", "ERROR");
                    event(out, "message-end", JSON.writeValueAsString(end));
                }
                case Reply.Text t when stream -> {
                    startSse(out);
                    messageStart(out);
                    event(out, "content-start", "{\"type\":\"content-start\",\"index\":0,\"delta\":{\"message\":"
                            + "{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}");
                    for (String piece : t.pieces()) {
                        contentDelta(out, piece);
                    }
                    event(out, "content-end", "{\"type\":\"content-end\",\"index\":0}");
                    messageEnd(out, finish(t.finishReason()), t.usage());
                }
                case Reply.Text t -> {
                    ObjectNode m = JSON.createObjectNode().put("role", "assistant");
                    m.putArray("content").addObject().put("type", "text").put("text", t.text());
                    respond(out, 200, "", response(m, finish(t.finishReason()), t.usage()));
                }
                case Reply.ToolCalls c when stream -> {
                    startSse(out);
                    messageStart(out);
                    if (!c.text().isEmpty()) {
                        ObjectNode plan = JSON.createObjectNode().put("type", "tool-plan-delta");
                        plan.putObject("delta").putObject("message").put("tool_plan", c.text());
                        event(out, "tool-plan-delta", JSON.writeValueAsString(plan));
                    }
                    for (int i = 0; i < c.calls().size(); i++) {
                        Reply.ToolCalls.Call call = c.calls().get(i);
                        ObjectNode start = JSON.createObjectNode().put("type", "tool-call-start").put("index", i);
                        ObjectNode tc = start.putObject("delta").putObject("message").putObject("tool_calls")
                                .put("id", call.id()).put("type", "function");
                        tc.putObject("function").put("name", call.name()).put("arguments", "");
                        event(out, "tool-call-start", JSON.writeValueAsString(start));
                        for (String fragment : call.argumentFragments()) {
                            ObjectNode delta = JSON.createObjectNode().put("type", "tool-call-delta").put("index", i);
                            delta.putObject("delta").putObject("message").putObject("tool_calls")
                                    .putObject("function").put("arguments", fragment);
                            event(out, "tool-call-delta", JSON.writeValueAsString(delta));
                        }
                        event(out, "tool-call-end", "{\"type\":\"tool-call-end\",\"index\":" + i + "}");
                    }
                    messageEnd(out, "TOOL_CALL", c.usage());
                }
                case Reply.ToolCalls c -> {
                    ObjectNode m = JSON.createObjectNode().put("role", "assistant").put("tool_plan", c.text());
                    ArrayNode calls = m.putArray("tool_calls");
                    for (Reply.ToolCalls.Call call : c.calls()) {
                        calls.addObject().put("id", call.id()).put("type", "function").putObject("function")
                                .put("name", call.name()).put("arguments", call.arguments());
                    }
                    respond(out, 200, "", response(m, "TOOL_CALL", c.usage()));
                }
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
            JsonNode content = m.path("content");
            if (content.isArray()) {
                for (JsonNode part : content) {
                    switch (part.path("type").asText()) {
                        case "image_url" -> images++;
                        case "document" -> text.append(part.path("document").path("data").asText());
                        default -> text.append(part.path("text").asText());
                    }
                }
            } else {
                text.append(content.asText(""));
            }
            if (role.equals("system")) {
                system = text.toString();
                continue;
            }
            if (role.equals("assistant") && text.isEmpty()) {
                text.append(m.path("tool_plan").asText(""));
            }
            List<String> ids = new ArrayList<>();
            m.path("tool_calls").forEach(tc -> ids.add(tc.path("id").asText()));
            messages.add(new SeenMessage(role, text.toString(), ids, m.path("tool_call_id").asText(""), images));
        }
        List<String> tools = new ArrayList<>();
        root.path("tools").forEach(t -> tools.add(t.path("function").path("name").asText()));
        String toolChoice = switch (root.path("tool_choice").asText("")) {
            case "REQUIRED" -> "required";
            case "NONE" -> "none";
            default -> tools.isEmpty() ? "" : "auto";
        };
        List<String> stop = new ArrayList<>();
        root.path("stop_sequences").forEach(s -> stop.add(s.asText()));
        JsonNode rf = root.path("response_format");
        String format = !rf.path("type").asText("").equals("json_object") ? ""
                : rf.has("json_schema") ? "json_schema" : "json_object";
        return new SeenRequest(method, path, headers, root.path("model").asText(), system, messages, tools,
                toolChoice, number(root, "temperature").map(JsonNode::asDouble),
                number(root, "p").map(JsonNode::asDouble), number(root, "max_tokens").map(JsonNode::asInt), stop,
                root.path("stream").asBoolean(false), format, body);
    }

    private static Optional<JsonNode> number(JsonNode root, String field) {
        return root.path(field).isNumber() ? Optional.of(root.path(field)) : Optional.empty();
    }

    private static String finish(String canonical) {
        return switch (canonical) {
            case "length" -> "MAX_TOKENS";
            case "stop" -> "COMPLETE";
            default -> throw new IllegalArgumentException("Cohere v2 has no finish reason for " + canonical);
        };
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
        String text = kind == Reply.Kind.CONTEXT_TOO_LONG ? "too many tokens: total number of tokens in the prompt "
                + "cannot exceed 4081 - received 4680. Try using a shorter prompt, or enabling prompt truncating. "
                + message : message;
        return JSON.createObjectNode().put("id", "9d1b4a2e-0c7f-4c38-9f0e-6f4e0d7d1c11").put("message", text);
    }

    private static ObjectNode usage(Usage usage) {
        ObjectNode u = JSON.createObjectNode();
        u.putObject("billed_units").put("input_tokens", usage.promptTokens())
                .put("output_tokens", usage.completionTokens());
        u.putObject("tokens").put("input_tokens", usage.promptTokens()).put("output_tokens", usage.completionTokens());
        return u;
    }

    private static ObjectNode response(ObjectNode message, String finish, Usage usage) {
        ObjectNode root = JSON.createObjectNode().put("id", ID).put("finish_reason", finish);
        root.set("message", message);
        root.set("usage", usage(usage));
        return root;
    }

    private static void messageStart(OutputStream out) throws IOException {
        event(out, "message-start", "{\"id\":\"" + ID + "\",\"type\":\"message-start\",\"delta\":{\"message\":{"
                + "\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],\"citations\":[]}}}");
    }

    private static void contentDelta(OutputStream out, String text) throws IOException {
        ObjectNode delta = JSON.createObjectNode().put("type", "content-delta").put("index", 0);
        delta.putObject("delta").putObject("message").putObject("content").put("text", text);
        event(out, "content-delta", JSON.writeValueAsString(delta));
    }

    private static void messageEnd(OutputStream out, String finish, Usage usage) throws IOException {
        ObjectNode end = JSON.createObjectNode().put("type", "message-end");
        ObjectNode delta = end.putObject("delta").put("finish_reason", finish);
        delta.set("usage", usage(usage));
        event(out, "message-end", JSON.writeValueAsString(end));
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

    private static void event(OutputStream out, String type, String data) throws IOException {
        out.write(("event: " + type + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
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
