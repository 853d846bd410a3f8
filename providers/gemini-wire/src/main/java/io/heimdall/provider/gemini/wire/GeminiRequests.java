package io.heimdall.provider.gemini.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ResponseFormat;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolChoice;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Canonical chat request → Gemini {@code GenerateContentRequest}: system and developer messages become
 * {@code systemInstruction}; user, assistant ({@code model}) and tool messages become {@code contents} with
 * {@code text}, {@code inlineData}, {@code fileData}, {@code functionCall} and {@code functionResponse} parts
 * (consecutive tool results share one content, as Gemini expects); tools become {@code functionDeclarations} with
 * their JSON Schema in {@code parametersJsonSchema}; sampling fields, {@code response_format} and reasoning go into
 * {@code generationConfig}. Fields a Gemini endpoint understands ({@code safetySettings}, {@code cachedContent},
 * {@code labels}, {@code generationConfig}, {@code thinkingConfig}) pass through from the request's extra fields.
 */
final class GeminiRequests {
    /** Extra request fields passed through at the top level, by any accepted spelling → Gemini name. */
    private static final Map<String, String> PASS_THROUGH = Map.of(
            "safetySettings", "safetySettings", "safety_settings", "safetySettings",
            "cachedContent", "cachedContent", "cached_content", "cachedContent",
            "labels", "labels");

    private GeminiRequests() {
    }

    static ObjectNode encode(ChatRequest request, String provider) {
        return encode(request, provider, true);
    }

    /**
     * The request body.
     *
     * @param callIds whether function calls and responses may carry an {@code id} (the Gemini Developer API); Vertex
     *                AI v1 has no such field and rejects it, so there calls are matched by name only
     */
    static ObjectNode encode(ChatRequest request, String provider, boolean callIds) {
        ObjectNode root = Json.object();
        ArrayNode contents = root.putArray("contents");
        ArrayNode systemParts = Json.MAPPER.createArrayNode();
        Map<String, String> callNames = new HashMap<>();
        ArrayNode toolResults = null;
        List<ChatMessage> messages = request.messages();
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String at = "messages[" + i + "]";
            switch (m.role()) {
                case "system", "developer" -> {
                    String text = m.text();
                    if (!text.isEmpty()) {
                        systemParts.addObject().put("text", text);
                    }
                }
                case "user" -> {
                    toolResults = null;
                    ArrayNode parts = userParts(m, at, provider);
                    if (!parts.isEmpty()) {
                        content(contents, "user").set("parts", parts);
                    }
                }
                case "assistant" -> {
                    toolResults = null;
                    ArrayNode parts = modelParts(m, at, callNames, callIds);
                    if (!parts.isEmpty()) {
                        content(contents, "model").set("parts", parts);
                    }
                }
                case "tool" -> {
                    if (toolResults == null) {
                        toolResults = content(contents, "user").putArray("parts");
                    }
                    toolResults.add(functionResponse(m, at, callNames, callIds));
                }
                default -> throw GatewayException.badRequest("Provider '" + provider + "' does not support the "
                        + "message role '" + m.role() + "'", at + ".role");
            }
        }
        if (!systemParts.isEmpty()) {
            root.putObject("systemInstruction").set("parts", systemParts);
        }
        tools(request, root, provider);
        ObjectNode config = generationConfig(request);
        if (!config.isEmpty()) {
            root.set("generationConfig", config);
        }
        for (Map.Entry<String, RawJson> e : request.extra().entrySet()) {
            String name = PASS_THROUGH.get(e.getKey());
            if (name != null) {
                root.set(name, Json.parse(e.getValue()));
            }
        }
        return root;
    }

    private static ObjectNode content(ArrayNode contents, String role) {
        ObjectNode c = contents.addObject();
        c.put("role", role);
        return c;
    }

    private static ArrayNode userParts(ChatMessage m, String at, String provider) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        if (m.content().isEmpty()) {
            return parts;
        }
        MessageContent content = m.content().get();
        if (content instanceof MessageContent.Text t) {
            parts.addObject().put("text", t.text());
            return parts;
        }
        List<ContentPart> list = ((MessageContent.Parts) content).parts();
        for (int j = 0; j < list.size(); j++) {
            String partAt = at + ".content[" + j + "]";
            switch (list.get(j)) {
                case ContentPart.Text t -> parts.addObject().put("text", t.text());
                case ContentPart.Image img -> parts.add(Media.image(img.url(), partAt, provider));
                case ContentPart.Other other -> parts.add(Media.other(other, partAt, provider));
            }
        }
        return parts;
    }

    private static ArrayNode modelParts(ChatMessage m, String at, Map<String, String> callNames,
                                        boolean callIds) {
        ArrayNode parts = Json.MAPPER.createArrayNode();
        String text = m.text();
        if (!text.isEmpty()) {
            parts.addObject().put("text", text);
        }
        List<ToolCall> calls = m.toolCalls();
        for (int j = 0; j < calls.size(); j++) {
            ToolCall call = calls.get(j);
            callNames.put(call.id(), call.name());
            ObjectNode part = parts.addObject();
            ObjectNode fc = part.putObject("functionCall");
            if (callIds && ToolCallIds.upstream(call.id())) {
                fc.put("id", call.id());
            }
            fc.put("name", call.name());
            fc.set("args", arguments(call.arguments(), at + ".tool_calls[" + j + "].function.arguments"));
            signatureOf(call).ifPresent(s -> part.put("thoughtSignature", s));
        }
        Optional<String> signature = m.thinkingBlocks().stream().filter(b -> !b.redacted())
                .map(ThinkingBlock::signature).flatMap(Optional::stream).filter(s -> !s.isEmpty()).findFirst();
        if (signature.isPresent()) {
            ObjectNode target = null;
            for (JsonNode p : parts) {
                if (!p.has("thoughtSignature")) {
                    target = (ObjectNode) p;
                    break;
                }
            }
            if (target == null) {
                target = parts.insertObject(0).put("text", "");
            }
            target.put("thoughtSignature", signature.get());
        }
        return parts;
    }

    /** A call's thought signature, kept as {@code extra_content.google.thought_signature}. */
    static Optional<String> signatureOf(ToolCall call) {
        RawJson extra = call.extra().get("extra_content");
        if (extra == null) {
            return Optional.empty();
        }
        JsonNode google = Json.parse(extra).path("google");
        return Json.text(google, "thought_signature").or(() -> Json.text(google, "thoughtSignature"));
    }

    private static JsonNode arguments(String arguments, String at) {
        if (arguments.isBlank()) {
            return Json.object();
        }
        JsonNode args = Json.parse(arguments).orElseThrow(() -> GatewayException.badRequest(
                "The tool call arguments are not valid JSON", at));
        if (!args.isObject()) {
            throw GatewayException.badRequest("The tool call arguments must be a JSON object", at);
        }
        return args;
    }

    private static ObjectNode functionResponse(ChatMessage m, String at, Map<String, String> callNames,
                                               boolean callIds) {
        String id = m.toolCallId().orElse("");
        String name = callNames.get(id);
        if (name == null) {
            name = m.name().orElseThrow(() -> GatewayException.badRequest("The tool message answers '" + id
                    + "', which is not a tool call of an earlier assistant message", at + ".tool_call_id"));
        }
        ObjectNode part = Json.object();
        ObjectNode fr = part.putObject("functionResponse");
        if (callIds && ToolCallIds.upstream(id)) {
            fr.put("id", id);
        }
        fr.put("name", name);
        String text = m.text();
        Optional<JsonNode> parsed = Json.parse(text).filter(JsonNode::isObject);
        if (parsed.isPresent()) {
            fr.set("response", parsed.get());
        } else {
            fr.putObject("response").put("output", text);
        }
        return part;
    }

    private static void tools(ChatRequest request, ObjectNode root, String provider) {
        if (!request.tools().isEmpty()) {
            ArrayNode declarations = root.putArray("tools").addObject().putArray("functionDeclarations");
            for (int i = 0; i < request.tools().size(); i++) {
                Tool tool = request.tools().get(i);
                if (!"function".equals(tool.type())) {
                    throw GatewayException.badRequest("Provider '" + provider + "' does not support tools of type '"
                            + tool.type() + "'", "tools[" + i + "].type");
                }
                ObjectNode d = declarations.addObject();
                d.put("name", tool.name());
                tool.description().ifPresent(s -> d.put("description", s));
                tool.parameters().ifPresent(p -> d.set("parametersJsonSchema", Json.parse(p)));
            }
        }
        if (request.toolChoice().isPresent()) {
            ToolChoice choice = request.toolChoice().get();
            ObjectNode fcc = Json.object();
            switch (choice.mode()) {
                case "none" -> fcc.put("mode", "NONE");
                case "auto" -> fcc.put("mode", "AUTO");
                case "required" -> fcc.put("mode", "ANY");
                case "function" -> {
                    fcc.put("mode", "ANY");
                    fcc.putArray("allowedFunctionNames").add(choice.function().orElse(""));
                }
                default -> throw GatewayException.badRequest("Provider '" + provider
                        + "' does not support this tool_choice", "tool_choice");
            }
            if (!request.tools().isEmpty() || "none".equals(choice.mode())) {
                root.putObject("toolConfig").set("functionCallingConfig", fcc);
            }
        }
    }

    private static ObjectNode generationConfig(ChatRequest r) {
        ObjectNode g = Json.object();
        r.temperature().ifPresent(v -> g.put("temperature", v));
        r.topP().ifPresent(v -> g.put("topP", v));
        Optional.ofNullable(r.extra().get("top_k")).ifPresent(v -> g.set("topK", Json.parse(v)));
        r.tokenLimit().ifPresent(v -> g.put("maxOutputTokens", v));
        if (!r.stop().isEmpty()) {
            ArrayNode stops = g.putArray("stopSequences");
            r.stop().forEach(stops::add);
        }
        r.seed().ifPresent(v -> g.put("seed", v));
        r.n().filter(n -> n != 1).ifPresent(v -> g.put("candidateCount", v));
        r.presencePenalty().ifPresent(v -> g.put("presencePenalty", v));
        r.frequencyPenalty().ifPresent(v -> g.put("frequencyPenalty", v));
        r.responseFormat().ifPresent(f -> responseFormat(f, g));
        Thinking.config(r).ifPresent(t -> g.set("thinkingConfig", t));
        RawJson passed = r.extra().getOrDefault("generationConfig", r.extra().get("generation_config"));
        if (passed != null && Json.parse(passed) instanceof ObjectNode o) {
            g.setAll(o);
        }
        return g;
    }

    private static void responseFormat(ResponseFormat f, ObjectNode g) {
        switch (f.type().toLowerCase(Locale.ROOT)) {
            case "json_object" -> g.put("responseMimeType", "application/json");
            case "json_schema" -> {
                g.put("responseMimeType", "application/json");
                f.schema().ifPresent(s -> g.set("responseJsonSchema", Json.parse(s)));
            }
            default -> {
                // text: Gemini's default
            }
        }
    }
}
