package io.heimdall.provider.anthropic.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
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

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a canonical chat request as a Messages API body ({@code POST /v1/messages}, or Vertex AI's
 * {@code :rawPredict}). System and developer messages become the top-level {@code system} (as text blocks when any
 * carries {@code cache_control}); consecutive {@code tool} messages become one user message of {@code tool_result}
 * blocks; an assistant's thinking blocks go back first in its content, signed as they came; images become base64 or
 * URL sources; {@code reasoning_effort} becomes {@code thinking.budget_tokens}; {@code response_format} json_schema
 * becomes {@code output_config.format} (a forced tool on older models), json_object a forced tool whose input is the
 * answer. Fields the canonical
 * model does not know pass through unless they are OpenAI-only.
 */
public final class MessagesRequestEncoder {
    /** The tool forced for {@code response_format: json_object}; its input is returned as the content. */
    public static final String JSON_TOOL = "json_response";

    /** Thinking budgets for {@code reasoning_effort}. */
    static final Map<String, Integer> BUDGETS = Map.of("minimal", 1024, "low", 2048, "medium", 8192, "high", 24576);

    private static final Pattern ID_CHARS = Pattern.compile("[a-zA-Z0-9_-]+");

    /** Models without structured outputs: Claude 2, Instant, 3.x, and Sonnet 4 / Opus 4 (4.0). */
    private static final Pattern NO_STRUCTURED_OUTPUTS = Pattern.compile(
            "claude-(2|instant|3)|claude-(sonnet|opus)-4($|[@:_]|-20|-v)");

    /** Extra fields of OpenAI's API the Messages API rejects: never sent. */
    private static final Set<String> OPENAI_ONLY = Set.of("reasoning_effort", "logit_bias", "logprobs",
            "top_logprobs", "modalities", "audio", "prediction", "store", "web_search_options", "verbosity",
            "safety_identifier", "prompt_cache_key", "prompt_cache_retention", "functions", "function_call",
            "stream_options", "metadata");
    /** Fields an extra may not replace. */
    private static final Set<String> OWN = Set.of("model", "messages", "stream", "max_tokens", "anthropic_version",
            "system");

    private MessagesRequestEncoder() {
    }

    /**
     * Encodes a request.
     *
     * @param request the canonical request, {@code model} set to the upstream name
     * @param stream  whether to ask for a stream
     * @param options how the endpoint wants the body
     * @return the body and the forced JSON tool, if any
     * @throws GatewayException 400 naming the field for what the Messages API cannot take
     */
    public static EncodedRequest encode(ChatRequest request, boolean stream, MessagesOptions options) {
        String provider = options.provider();
        ObjectNode root = Json.object();
        if (options.modelInBody()) {
            root.put("model", request.model());
        }
        options.bodyVersion().ifPresent(v -> root.put("anthropic_version", v));
        if (request.n().filter(n -> n != 1).isPresent()) {
            throw unsupported(provider, "n", "more than one choice (n)");
        }
        checkZero(request.presencePenalty(), provider, "presence_penalty");
        checkZero(request.frequencyPenalty(), provider, "frequency_penalty");

        Optional<Integer> thinkingBudget = thinkingBudget(request, provider);
        int maxTokens = request.tokenLimit().orElse(options.defaultMaxTokens());
        if (request.tokenLimit().isEmpty() && thinkingBudget.isPresent() && thinkingBudget.get() >= maxTokens) {
            maxTokens = thinkingBudget.get() + options.defaultMaxTokens();
        }
        root.put("max_tokens", maxTokens);

        writeMessages(root, request.messages(), provider);
        Optional<String> jsonTool = writeTools(root, request, provider);
        request.temperature().ifPresent(t -> root.put("temperature", t));
        request.topP().ifPresent(p -> root.put("top_p", p));
        if (!request.stop().isEmpty()) {
            ArrayNode stops = root.putArray("stop_sequences");
            request.stop().forEach(stops::add);
        }
        if (stream) {
            root.put("stream", true);
        }
        request.user().ifPresent(u -> root.putObject("metadata").put("user_id", u));
        request.extra().forEach((key, value) -> {
            if (key.equals("metadata")) {
                JsonNode meta = Json.raw(value, key);
                if (meta.isObject() && meta.size() == 1 && meta.has("user_id")) {
                    root.set(key, meta);
                }
            } else if (!OPENAI_ONLY.contains(key) && !OWN.contains(key)) {
                root.set(key, Json.raw(value, key));
            }
        });
        if (!root.has("thinking")) {
            thinkingBudget.ifPresent(b -> root.putObject("thinking").put("type", "enabled").put("budget_tokens", b));
        }
        try {
            return new EncodedRequest(Json.MAPPER.writeValueAsBytes(root), jsonTool);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The budget from {@code reasoning_effort} (or a passed-through {@code thinking}'s), else empty. */
    private static Optional<Integer> thinkingBudget(ChatRequest request, String provider) {
        RawJson thinking = request.extra().get("thinking");
        if (thinking != null) {
            JsonNode node = Json.raw(thinking, "thinking");
            JsonNode budget = node.path("budget_tokens");
            return budget.canConvertToInt() ? Optional.of(budget.intValue()) : Optional.empty();
        }
        RawJson effort = request.extra().get("reasoning_effort");
        if (effort == null) {
            return Optional.empty();
        }
        JsonNode node = Json.raw(effort, "reasoning_effort");
        if (node.isNull()) {
            return Optional.empty();
        }
        String value = node.asText().toLowerCase(Locale.ROOT);
        if (value.equals("none")) {
            return Optional.empty();
        }
        Integer budget = BUDGETS.get(value);
        if (budget == null) {
            throw new GatewayException(GatewayError.invalidRequest("Provider '" + provider
                    + "' does not support reasoning_effort '" + node.asText()
                    + "' (use minimal, low, medium, high or none)", "reasoning_effort"));
        }
        return Optional.of(budget);
    }

    // ------------------------------------------------------------------ messages

    private static void writeMessages(ObjectNode root, List<ChatMessage> messages, String provider) {
        ArrayNode system = Json.MAPPER.createArrayNode();
        boolean systemCache = false;
        ArrayNode out = Json.MAPPER.createArrayNode();
        ArrayNode toolResults = null;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            String param = "messages[" + i + "]";
            if (!m.role().equals("tool") && toolResults != null) {
                out.addObject().put("role", "user").set("content", toolResults);
                toolResults = null;
            }
            switch (m.role()) {
                case "system", "developer" -> {
                    ArrayNode blocks = blocks(m, param, provider, false);
                    for (JsonNode b : blocks) {
                        systemCache |= b.has("cache_control");
                        system.add(b);
                    }
                }
                case "user" -> {
                    ObjectNode msg = out.addObject().put("role", "user");
                    msg.set("content", plainOrBlocks(m, param, provider));
                }
                case "assistant" -> assistant(m, param, provider).ifPresent(out::add);
                case "tool" -> {
                    if (toolResults == null) {
                        toolResults = Json.MAPPER.createArrayNode();
                    }
                    ObjectNode result = toolResults.addObject().put("type", "tool_result")
                            .put("tool_use_id", toolUseId(m.toolCallId().orElseThrow(() -> GatewayException
                                    .badRequest("a tool message needs a tool_call_id", param + ".tool_call_id"))));
                    if (m.content().orElse(null) instanceof MessageContent.Parts) {
                        result.set("content", blocks(m.toBuilder().cacheControl(null).build(), param, provider,
                                true));
                    } else {
                        result.put("content", m.text());
                    }
                    Json.cacheControl(result, m.cacheControl());
                }
                default -> throw GatewayException.badRequest("Provider '" + provider + "' does not support role '"
                        + m.role() + "'", param + ".role");
            }
        }
        if (toolResults != null) {
            out.addObject().put("role", "user").set("content", toolResults);
        }
        if (!system.isEmpty()) {
            if (system.size() == 1 && !systemCache && system.get(0).size() == 2) {
                root.put("system", system.get(0).get("text").asText());
            } else {
                root.set("system", system);
            }
        }
        root.set("messages", out);
    }

    /** A user message's content: its string if it is a plain string without cache marker, else blocks. */
    private static JsonNode plainOrBlocks(ChatMessage m, String param, String provider) {
        if (m.content().orElse(null) instanceof MessageContent.Text t && m.cacheControl().isEmpty()) {
            return Json.MAPPER.getNodeFactory().textNode(t.text());
        }
        return blocks(m, param, provider, true);
    }

    /** A message's content as content blocks; the message's cache marker goes on the last block. */
    private static ArrayNode blocks(ChatMessage m, String param, String provider, boolean images) {
        ArrayNode blocks = Json.MAPPER.createArrayNode();
        MessageContent content = m.content().orElse(MessageContent.of(""));
        if (content instanceof MessageContent.Text t) {
            if (!t.text().isEmpty() || m.cacheControl().isPresent()) {
                blocks.addObject().put("type", "text").put("text", t.text());
            }
        } else if (content instanceof MessageContent.Parts parts) {
            for (int j = 0; j < parts.parts().size(); j++) {
                blocks.add(part(parts.parts().get(j), param + ".content[" + j + "]", provider, images));
            }
        }
        if (m.cacheControl().isPresent() && !blocks.isEmpty()) {
            ((ObjectNode) blocks.get(blocks.size() - 1)).set("cache_control",
                    Json.cacheControl(m.cacheControl().get()));
        }
        return blocks;
    }

    private static ObjectNode part(ContentPart part, String param, String provider, boolean images) {
        return switch (part) {
            case ContentPart.Text t -> {
                ObjectNode b = Json.object().put("type", "text").put("text", t.text());
                Json.putAll(b, t.extra(), param);
                Json.cacheControl(b, t.cacheControl());
                yield b;
            }
            case ContentPart.Image img -> {
                if (!images) {
                    throw unsupported(provider, param, "images in system messages");
                }
                ObjectNode b = Json.object().put("type", "image");
                b.set("source", imageSource(img.url(), param + ".image_url.url", provider));
                Json.cacheControl(b, img.cacheControl());
                yield b;
            }
            case ContentPart.Other o -> other(o, param, provider);
        };
    }

    /** A data: URL as a base64 source, an http(s) URL as a URL source. */
    static ObjectNode imageSource(String url, String param, String provider) {
        ObjectNode source = Json.object();
        if (url.regionMatches(true, 0, "data:", 0, 5)) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma);
            if (comma < 0 || !meta.toLowerCase(Locale.ROOT).endsWith(";base64")) {
                throw GatewayException.badRequest("Provider '" + provider
                        + "' needs images as base64 data: URLs or http(s) URLs", param);
            }
            source.put("type", "base64").put("media_type", meta.substring(0, meta.length() - 7))
                    .put("data", url.substring(comma + 1));
        } else if (url.regionMatches(true, 0, "https://", 0, 8) || url.regionMatches(true, 0, "http://", 0, 7)) {
            source.put("type", "url").put("url", url);
        } else {
            throw GatewayException.badRequest("Provider '" + provider
                    + "' needs images as base64 data: URLs or http(s) URLs", param);
        }
        return source;
    }

    /** An OpenAI {@code file} with inline PDF data becomes a document; Anthropic-native blocks pass through. */
    private static ObjectNode other(ContentPart.Other o, String param, String provider) {
        JsonNode node = Json.raw(o.json(), param);
        if (o.type().equals("input_audio")) {
            throw unsupported(provider, param, "audio input");
        }
        if (o.type().equals("file")) {
            String data = node.path("file").path("file_data").asText("");
            if (!data.startsWith("data:")) {
                throw unsupported(provider, param, "file parts other than inline base64 data");
            }
            ObjectNode doc = Json.object().put("type", "document");
            ObjectNode source = imageSource(data, param + ".file.file_data", provider);
            doc.set("source", source);
            if (node.has("cache_control")) {
                doc.set("cache_control", node.get("cache_control"));
            }
            return doc;
        }
        return (ObjectNode) node;
    }

    /** An assistant turn: thinking blocks first, then text, then tool_use blocks; empty if it has nothing. */
    private static Optional<ObjectNode> assistant(ChatMessage m, String param, String provider) {
        ArrayNode content = Json.MAPPER.createArrayNode();
        for (ThinkingBlock t : m.thinkingBlocks()) {
            ObjectNode b = content.addObject().put("type", t.type());
            if (t.redacted()) {
                b.put("data", t.redactedData().orElseThrow());
            } else {
                b.put("thinking", t.thinking());
                t.signature().ifPresent(s -> b.put("signature", s));
            }
            Json.putAll(b, t.extra(), param + ".thinking_blocks");
        }
        ChatMessage withoutMarker = m.toBuilder().cacheControl(null).build();
        content.addAll(blocks(withoutMarker, param, provider, true));
        for (int j = 0; j < m.toolCalls().size(); j++) {
            ToolCall call = m.toolCalls().get(j);
            String p = param + ".tool_calls[" + j + "].function.arguments";
            JsonNode input = call.arguments().isBlank() ? Json.object() : Json.raw(new RawJson(call.arguments()), p);
            if (!input.isObject()) {
                throw GatewayException.badRequest("Provider '" + provider
                        + "' needs tool call arguments to be a JSON object", p);
            }
            ObjectNode b = content.addObject().put("type", "tool_use").put("id", toolUseId(call.id()))
                    .put("name", call.name());
            b.set("input", input);
        }
        if (content.isEmpty()) {
            return Optional.empty();
        }
        m.cacheControl().ifPresent(cc -> ((ObjectNode) content.get(content.size() - 1))
                .set("cache_control", Json.cacheControl(cc)));
        ObjectNode msg = Json.object().put("role", "assistant");
        if (content.size() == 1 && content.get(0).size() == 2 && "text".equals(content.get(0).path("type").asText())) {
            msg.put("content", content.get(0).get("text").asText());
        } else {
            msg.set("content", content);
        }
        return Optional.of(msg);
    }

    // ------------------------------------------------------------------ tools and output format

    /**
     * Writes tools, tool_choice and the output format; returns the forced JSON tool's name, if one was added. A JSON
     * schema goes into {@code output_config.format} (structured outputs) on models that have it, else, as for
     * {@code json_object}, into a forced tool whose input is the answer (only when the request has no tools).
     */
    private static Optional<String> writeTools(ObjectNode root, ChatRequest request, String provider) {
        Optional<ResponseFormat> format = request.responseFormat().filter(f -> !f.type().equals("text"));
        if (format.isPresent() && !format.get().type().equals("json_object")
                && !format.get().type().equals("json_schema")) {
            throw unsupported(provider, "response_format.type", "response_format '" + format.get().type() + "'");
        }
        Optional<JsonNode> schema = format.filter(f -> f.type().equals("json_schema")).map(f -> f.schema()
                .map(s -> Json.raw(s, "response_format.json_schema.schema"))
                .orElseGet(() -> Json.object().put("type", "object")));
        boolean nativeFormat = schema.isPresent() && (structuredOutputs(request.model()) || !request.tools().isEmpty());
        if (nativeFormat) {
            root.putObject("output_config").putObject("format").put("type", "json_schema").set("schema",
                    schema.get());
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = root.putArray("tools");
            for (int i = 0; i < request.tools().size(); i++) {
                tools.add(tool(request.tools().get(i), "tools[" + i + "]", provider));
            }
        } else if (format.isPresent() && !nativeFormat) {
            ObjectNode tool = root.putArray("tools").addObject().put("name", JSON_TOOL)
                    .put("description", "Respond with a JSON object.");
            tool.set("input_schema", schema.orElseGet(() -> Json.object().put("type", "object")));
            root.putObject("tool_choice").put("type", "tool").put("name", JSON_TOOL);
            return Optional.of(JSON_TOOL);
        }
        Optional<ObjectNode> choice = request.toolChoice().map(c -> toolChoice(c, provider));
        boolean noParallel = request.parallelToolCalls().filter(p -> !p).isPresent() && !request.tools().isEmpty();
        if (noParallel) {
            ObjectNode c = choice.orElseGet(() -> Json.object().put("type", "auto"));
            if (!"none".equals(c.path("type").asText())) {
                c.put("disable_parallel_tool_use", true);
            }
            choice = Optional.of(c);
        }
        choice.ifPresent(c -> root.set("tool_choice", c));
        return Optional.empty();
    }

    /**
     * A tool call id as the Messages API accepts it ({@code [a-zA-Z0-9_-]+}): ids another provider made (a fallback
     * mid-conversation) have other characters replaced by {@code _}, the same way in the call and in its result.
     */
    static String toolUseId(String id) {
        return ID_CHARS.matcher(id).matches() ? id : id.isEmpty() ? "_" : id.replaceAll("[^a-zA-Z0-9_-]", "_");
    }

    /** Whether the model takes {@code output_config.format} (unknown names: yes). */
    static boolean structuredOutputs(String model) {
        return !NO_STRUCTURED_OUTPUTS.matcher(model.toLowerCase(Locale.ROOT)).find();
    }

    private static ObjectNode tool(Tool tool, String param, String provider) {
        if (!tool.type().equals("function")) {
            throw unsupported(provider, param + ".type", "tools of type '" + tool.type() + "'");
        }
        ObjectNode out = Json.object().put("name", tool.name());
        tool.description().ifPresent(d -> out.put("description", d));
        out.set("input_schema", tool.parameters().map(p -> Json.raw(p, param + ".function.parameters"))
                .orElseGet(() -> Json.object().put("type", "object")));
        tool.strict().ifPresent(s -> out.put("strict", s));
        Json.cacheControl(out, tool.cacheControl());
        return out;
    }

    private static ObjectNode toolChoice(ToolChoice choice, String provider) {
        return switch (choice.mode()) {
            case "auto" -> Json.object().put("type", "auto");
            case "required" -> Json.object().put("type", "any");
            case "none" -> Json.object().put("type", "none");
            case "function" -> Json.object().put("type", "tool").put("name", choice.function().orElseThrow());
            case "raw" -> {
                JsonNode raw = Json.raw(choice.raw().orElseThrow(), "tool_choice");
                if (!raw.isObject()) {
                    throw unsupported(provider, "tool_choice", "this tool_choice");
                }
                yield (ObjectNode) raw;
            }
            default -> throw unsupported(provider, "tool_choice", "tool_choice '" + choice.mode() + "'");
        };
    }

    // ------------------------------------------------------------------ helpers

    private static void checkZero(Optional<Double> value, String provider, String field) {
        if (value.filter(v -> v != 0.0).isPresent()) {
            throw unsupported(provider, field, field);
        }
    }

    static GatewayException unsupported(String provider, String param, String what) {
        return new GatewayException(new GatewayError(400, GatewayError.INVALID_REQUEST,
                "Provider '" + provider + "' (Anthropic Messages API) does not support " + what, Optional.of(param),
                Optional.of("unsupported"), Optional.empty()));
    }

}
