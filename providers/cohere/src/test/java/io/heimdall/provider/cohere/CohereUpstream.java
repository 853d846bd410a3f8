package io.heimdall.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.model.Usage;
import io.heimdall.testkit.tck.SocketUpstream;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenMessage;
import io.heimdall.testkit.tck.SeenRequest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A mock of Cohere's v2 API written from docs.cohere.com's reference (Chat, Chat with streaming, Embed, List models,
 * errors): {@code POST /v2/chat} answers JSON or {@code event:}/{@code data:} SSE frames (message-start,
 * content-start/delta/end, tool-plan-delta, tool-call-start/delta/end, message-end with {@code finish_reason} and
 * {@code usage.billed_units}/{@code usage.tokens}); errors are {@code {"id","message"}} with the status; an in-stream
 * failure is a message-end with {@code finish_reason: ERROR} and {@code error}. {@code POST /v2/embed} and
 * {@code GET /v1/models} answer fixed data. Each request is decoded back into a {@link SeenRequest}.
 */
final class CohereUpstream extends SocketUpstream {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "c14c80c3-18eb-4519-9460-6c92edd8cfb4";

    @Override
    protected SeenRequest decode(Received r) throws IOException {
        JsonNode root = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        return decode(r.method(), r.path(), r.headers(), root, r.body());
    }

    @Override
    protected void answer(Received r, Reply reply, OutputStream out) throws IOException {
        JsonNode root = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        if (r.path().startsWith("/v1/models")) {
            respond(out, 200, "", ("{\"models\":[{\"name\":\"command-a-03-2025\",\"endpoints\":[\"chat\"],"
                    + "\"finetuned\":false,\"context_length\":256000,\"features\":[\"tools\"]},{\"name\":"
                    + "\"embed-v4.0\",\"endpoints\":[\"embed\"],\"finetuned\":false,\"context_length\":128000}],"
                    + "\"next_page_token\":\"\"}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (r.path().equals("/v2/embed") && !(reply instanceof Reply.Failure)) {
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
            case Reply.Drop d -> throw new IllegalStateException("handled by SocketUpstream");
            case Reply.Failure f -> respond(out, commonStatus(f.kind()), f.retryAfter()
                    .map(wait -> "retry-after: " + wait.toSeconds() + "\r\n").orElse(""),
                    error(f.kind(), f.message()));
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

    private static void respond(OutputStream out, int status, String extraHeaders, JsonNode body)
            throws IOException {
        respond(out, status, extraHeaders, JSON.writeValueAsBytes(body));
    }

    private static void event(OutputStream out, String type, String data) throws IOException {
        write(out, "event: " + type + "\ndata: " + data + "\n\n");
    }
}
