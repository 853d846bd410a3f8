package io.heimdall.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.CacheControl;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ResponseFormat;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolChoice;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Translates a canonical (OpenAI) chat request into a Converse request body: system blocks, alternating
 * user/assistant messages of content blocks (text, image, toolUse, toolResult, reasoningContent, cachePoint),
 * {@code inferenceConfig}, {@code toolConfig}, {@code outputConfig} for {@code response_format}, and
 * {@code additionalModelRequestFields} for model-specific fields and reasoning. The same body serves Converse and
 * ConverseStream.
 */
final class ConverseRequests {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Converse request fields a client may send as they are (top level). */
    static final Set<String> NATIVE_FIELDS = Set.of("guardrailConfig", "performanceConfig", "promptVariables",
            "requestMetadata", "additionalModelResponseFieldPaths", "serviceTier");
    /** Client fields that go into {@code additionalModelRequestFields} under the same name. */
    static final Set<String> MODEL_FIELDS = Set.of("thinking", "top_k", "reasoning_config", "output_config");
    /** Thinking budgets (tokens) for Claude models by {@code reasoning_effort}. */
    static final Map<String, Integer> THINKING_BUDGET = Map.of("minimal", 1024, "low", 2048, "medium", 8192,
            "high", 24576);

    private final String provider;

    ConverseRequests(String provider) {
        this.provider = provider;
    }

    /** The Converse body for a request. */
    byte[] body(ChatRequest request) {
        try {
            return JSON.writeValueAsBytes(build(request));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Converse request as a JSON tree. */
    ObjectNode build(ChatRequest request) {
        if (request.n().filter(n -> n > 1).isPresent()) {
            throw new GatewayException(io.heimdall.api.model.GatewayError.invalidRequest(
                    "Provider '" + provider + "' (Bedrock Converse) returns one choice only: n must be 1", "n"));
        }
        ObjectNode root = JSON.createObjectNode();
        ArrayNode system = JSON.createArrayNode();
        ArrayNode messages = JSON.createArrayNode();
        boolean toolBlocks = false;
        List<ChatMessage> in = request.messages();
        for (int i = 0; i < in.size(); i++) {
            ChatMessage m = in.get(i);
            String where = "messages[" + i + "]";
            switch (m.role()) {
                case "system", "developer" -> {
                    appendText(system, m.content(), where);
                    m.cacheControl().ifPresent(c -> system.add(cachePoint(c)));
                }
                case "user" -> append(messages, "user", userBlocks(m, where));
                case "assistant" -> {
                    toolBlocks |= !m.toolCalls().isEmpty();
                    append(messages, "assistant", assistantBlocks(m, where));
                }
                case "tool", "function" -> {
                    toolBlocks = true;
                    append(messages, "user", toolResult(m, where));
                }
                default -> throw GatewayException.badRequest("Provider '" + provider + "' cannot send a message of "
                        + "role '" + m.role() + "' to Bedrock", where + ".role");
            }
        }
        root.set("messages", messages);
        if (!system.isEmpty()) {
            root.set("system", system);
        }
        ObjectNode inference = JSON.createObjectNode();
        Optional<Integer> limit = request.tokenLimit();
        ObjectNode additional = additionalFields(request);
        if (additional.has("thinking") && additional.get("thinking").has("budget_tokens")) {
            int budget = additional.get("thinking").get("budget_tokens").asInt();
            if (limit.isEmpty() || limit.get() <= budget) {
                limit = Optional.of(budget + limit.orElse(4096));
            }
        }
        limit.ifPresent(v -> inference.put("maxTokens", v));
        request.temperature().ifPresent(v -> inference.put("temperature", v));
        request.topP().ifPresent(v -> inference.put("topP", v));
        if (!request.stop().isEmpty()) {
            ArrayNode stop = inference.putArray("stopSequences");
            request.stop().forEach(stop::add);
        }
        if (!inference.isEmpty()) {
            root.set("inferenceConfig", inference);
        }
        toolConfig(request, toolBlocks).ifPresent(t -> root.set("toolConfig", t));
        request.responseFormat().flatMap(this::outputConfig).ifPresent(o -> root.set("outputConfig", o));
        if (!additional.isEmpty()) {
            root.set("additionalModelRequestFields", additional);
        }
        for (Map.Entry<String, RawJson> e : request.extra().entrySet()) {
            if (NATIVE_FIELDS.contains(e.getKey())) {
                root.set(e.getKey(), parse(e.getValue(), e.getKey()));
            }
        }
        return root;
    }

    /** Merges a message into the previous one of the same role: Converse requires alternating roles. */
    private static void append(ArrayNode messages, String role, ArrayNode blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        if (!messages.isEmpty() && role.equals(messages.get(messages.size() - 1).get("role").asText())) {
            ((ArrayNode) messages.get(messages.size() - 1).get("content")).addAll(blocks);
            return;
        }
        ObjectNode m = messages.addObject();
        m.put("role", role);
        m.set("content", blocks);
    }

    private void appendText(ArrayNode blocks, Optional<MessageContent> content, String where) {
        if (content.isEmpty()) {
            return;
        }
        switch (content.get()) {
            case MessageContent.Text t -> {
                if (!t.text().isEmpty()) {
                    blocks.addObject().put("text", t.text());
                }
            }
            case MessageContent.Parts p -> {
                for (int j = 0; j < p.parts().size(); j++) {
                    part(blocks, p.parts().get(j), where + ".content[" + j + "]");
                }
            }
        }
    }

    private void part(ArrayNode blocks, ContentPart part, String where) {
        switch (part) {
            case ContentPart.Text t -> {
                if (!t.text().isEmpty()) {
                    blocks.addObject().put("text", t.text());
                }
                t.cacheControl().ifPresent(c -> blocks.add(cachePoint(c)));
            }
            case ContentPart.Image img -> {
                blocks.add(image(img.url(), where + ".image_url"));
                img.cacheControl().ifPresent(c -> blocks.add(cachePoint(c)));
            }
            case ContentPart.Other o -> {
                JsonNode node = parse(o.json(), where);
                JsonNode inner = node.get(o.type());
                if (!Set.of("document", "video", "guardContent", "cachePoint").contains(o.type())
                        || inner == null || !inner.isObject()) {
                    throw GatewayException.badRequest("Provider '" + provider + "' (Bedrock) does not support "
                            + "content parts of type '" + o.type() + "'", where);
                }
                blocks.addObject().set(o.type(), inner);
            }
        }
    }

    /** An image block: a base64 {@code data:} URL as bytes, an {@code s3://} URL as an S3 location. */
    ObjectNode image(String url, String where) {
        ObjectNode block = JSON.createObjectNode();
        ObjectNode image = block.putObject("image");
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma).toLowerCase(Locale.ROOT);
            if (comma < 0 || !meta.endsWith(";base64") || !meta.startsWith("image/")) {
                throw GatewayException.badRequest("Provider '" + provider + "': an image data URL must be "
                        + "data:image/<format>;base64,<data>", where);
            }
            image.put("format", format(meta.substring(6, meta.length() - 7), where));
            String data = url.substring(comma + 1);
            try {
                Base64.getDecoder().decode(data.strip());
            } catch (IllegalArgumentException e) {
                throw GatewayException.badRequest("Provider '" + provider + "': the image data is not valid base64",
                        where);
            }
            image.putObject("source").put("bytes", data.strip());
            return block;
        }
        if (url.startsWith("s3://")) {
            int dot = url.lastIndexOf('.');
            image.put("format", format(dot < 0 ? "" : url.substring(dot + 1).toLowerCase(Locale.ROOT), where));
            image.putObject("source").putObject("s3Location").put("uri", url);
            return block;
        }
        throw GatewayException.badRequest("Provider '" + provider + "' (Bedrock Converse) accepts images as base64 "
                + "data URLs or s3:// URLs only, not http(s) URLs: the gateway does not fetch them", where);
    }

    private String format(String subtype, String where) {
        return switch (subtype) {
            case "png", "gif", "webp" -> subtype;
            case "jpeg", "jpg" -> "jpeg";
            default -> throw GatewayException.badRequest("Provider '" + provider + "' (Bedrock) accepts png, jpeg, "
                    + "gif and webp images, not '" + subtype + "'", where);
        };
    }

    private ArrayNode userBlocks(ChatMessage m, String where) {
        ArrayNode blocks = JSON.createArrayNode();
        appendText(blocks, m.content(), where + ".content");
        m.cacheControl().ifPresent(c -> blocks.add(cachePoint(c)));
        return blocks;
    }

    private ArrayNode assistantBlocks(ChatMessage m, String where) {
        ArrayNode blocks = JSON.createArrayNode();
        for (ThinkingBlock t : m.thinkingBlocks()) {
            ObjectNode reasoning = blocks.addObject().putObject("reasoningContent");
            if (t.redacted()) {
                reasoning.put("redactedContent", t.redactedData().orElse(""));
            } else {
                ObjectNode text = reasoning.putObject("reasoningText");
                text.put("text", t.thinking());
                t.signature().ifPresent(s -> text.put("signature", s));
            }
        }
        appendText(blocks, m.content(), where + ".content");
        for (int j = 0; j < m.toolCalls().size(); j++) {
            ToolCall call = m.toolCalls().get(j);
            ObjectNode use = blocks.addObject().putObject("toolUse");
            use.put("toolUseId", toolUseId(call.id()));
            use.put("name", call.name());
            use.set("input", arguments(call.arguments(), where + ".tool_calls[" + j + "].function.arguments"));
        }
        m.cacheControl().ifPresent(c -> blocks.add(cachePoint(c)));
        return blocks;
    }

    private JsonNode arguments(String arguments, String where) {
        if (arguments.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(arguments);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        throw GatewayException.badRequest("Provider '" + provider + "' (Bedrock) needs tool call arguments that "
                + "are a JSON object", where);
    }

    private ArrayNode toolResult(ChatMessage m, String where) {
        ArrayNode blocks = JSON.createArrayNode();
        String id = m.toolCallId().orElseThrow(() -> GatewayException.badRequest(
                "A tool message needs tool_call_id", where + ".tool_call_id"));
        ObjectNode result = blocks.addObject().putObject("toolResult");
        result.put("toolUseId", toolUseId(id));
        ArrayNode content = result.putArray("content");
        appendText(content, m.content(), where + ".content");
        if (content.isEmpty()) {
            content.addObject().put("text", "");
        }
        m.cacheControl().ifPresent(c -> blocks.add(cachePoint(c)));
        return blocks;
    }

    /**
     * A tool call id as Converse accepts it ({@code [a-zA-Z0-9_-]+}, at most 64 characters): ids another provider
     * assigned (a fallback in the middle of a conversation) are mapped the same way in the call and in its result.
     */
    static String toolUseId(String id) {
        StringBuilder out = new StringBuilder(Math.min(id.length(), 64));
        for (int i = 0; i < id.length() && out.length() < 64; i++) {
            char c = id.charAt(i);
            out.append(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
                    ? c : '_');
        }
        return out.isEmpty() ? "_" : out.toString();
    }

    private static ObjectNode cachePoint(CacheControl control) {
        ObjectNode block = JSON.createObjectNode();
        ObjectNode point = block.putObject("cachePoint");
        point.put("type", "default");
        control.ttl().ifPresent(ttl -> point.put("ttl", ttl));
        return block;
    }

    private Optional<ObjectNode> toolConfig(ChatRequest request, boolean toolBlocks) {
        Optional<ToolChoice> choice = request.toolChoice();
        boolean none = choice.filter(c -> c.mode().equals("none")).isPresent();
        if (request.tools().isEmpty() || none && !toolBlocks) {
            return Optional.empty();
        }
        ObjectNode config = JSON.createObjectNode();
        ArrayNode tools = config.putArray("tools");
        for (int i = 0; i < request.tools().size(); i++) {
            Tool tool = request.tools().get(i);
            String where = "tools[" + i + "].function.parameters";
            ObjectNode spec = tools.addObject().putObject("toolSpec");
            spec.put("name", tool.name());
            tool.description().filter(d -> !d.isBlank()).ifPresent(d -> spec.put("description", d));
            JsonNode schema = tool.parameters().map(p -> parse(p, where))
                    .orElseGet(() -> JSON.createObjectNode().put("type", "object").set("properties",
                            JSON.createObjectNode()));
            spec.putObject("inputSchema").set("json", schema);
            tool.strict().ifPresent(s -> spec.put("strict", s));
            tool.cacheControl().ifPresent(c -> tools.add(cachePoint(c)));
        }
        if (choice.isPresent() && !none) {
            ToolChoice c = choice.get();
            ObjectNode out = JSON.createObjectNode();
            switch (c.mode()) {
                case "auto" -> out.putObject("auto");
                case "required" -> out.putObject("any");
                case "function" -> out.putObject("tool").put("name", c.function().orElse(""));
                default -> throw GatewayException.badRequest("Provider '" + provider + "' (Bedrock) does not "
                        + "support this tool_choice", "tool_choice");
            }
            config.set("toolChoice", out);
        }
        return Optional.of(config);
    }

    /** {@code response_format} as {@code outputConfig.textFormat} (json_object: any JSON object). */
    private Optional<ObjectNode> outputConfig(ResponseFormat format) {
        String schema;
        String name;
        switch (format.type()) {
            case "text" -> {
                return Optional.empty();
            }
            case "json_object" -> {
                schema = "{\"type\":\"object\"}";
                name = "json_object";
            }
            case "json_schema" -> {
                schema = format.schema().map(RawJson::json).orElse("{\"type\":\"object\"}");
                name = format.name().orElse("response");
            }
            default -> throw GatewayException.badRequest("Provider '" + provider + "' (Bedrock) does not support "
                    + "response_format type '" + format.type() + "'", "response_format.type");
        }
        ObjectNode config = JSON.createObjectNode();
        ObjectNode text = config.putObject("textFormat");
        text.put("type", "json_schema");
        ObjectNode json = text.putObject("structure").putObject("jsonSchema");
        json.put("schema", schema);
        json.put("name", name);
        return Optional.of(config);
    }

    /** {@code additionalModelRequestFields}: the client's own, known model fields, and reasoning. */
    private ObjectNode additionalFields(ChatRequest request) {
        ObjectNode out = JSON.createObjectNode();
        for (String key : List.of("additionalModelRequestFields", "additional_model_request_fields")) {
            RawJson raw = request.extra().get(key);
            if (raw != null) {
                JsonNode node = parse(raw, key);
                if (!node.isObject()) {
                    throw GatewayException.badRequest(key + " must be an object", key);
                }
                out.setAll((ObjectNode) node);
            }
        }
        for (String key : MODEL_FIELDS) {
            RawJson raw = request.extra().get(key);
            if (raw != null && !out.has(key)) {
                out.set(key, parse(raw, key));
            }
        }
        RawJson effort = request.extra().get("reasoning_effort");
        if (effort != null && !out.has("thinking") && !out.has("reasoning_config")) {
            JsonNode node = parse(effort, "reasoning_effort");
            String value = node.asText("");
            if (request.model().contains("anthropic.")) {
                Integer budget = THINKING_BUDGET.get(value);
                if (budget != null) {
                    out.putObject("thinking").put("type", "enabled").put("budget_tokens", budget);
                } else if (!value.equals("none")) {
                    throw GatewayException.badRequest("reasoning_effort must be one of none, minimal, low, medium, "
                            + "high", "reasoning_effort");
                }
            } else {
                out.set("reasoning_effort", node);
            }
        }
        return out;
    }

    private JsonNode parse(RawJson raw, String where) {
        try {
            return JSON.readTree(raw.json());
        } catch (IOException e) {
            throw GatewayException.badRequest("Not valid JSON", where);
        }
    }
}
