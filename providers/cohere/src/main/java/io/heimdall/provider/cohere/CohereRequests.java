package io.heimdall.provider.cohere;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ResponseFormat;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolChoice;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Canonical requests in Cohere's v2 wire format. Chat: {@code system} / {@code developer} messages become
 * {@code system} messages; text and image parts become Cohere content blocks ({@code image_url}); an assistant's text
 * beside tool calls is its {@code tool_plan}; {@code top_p} is {@code p}, {@code stop} is {@code stop_sequences};
 * {@code tool_choice} {@code required} / {@code none} are {@code REQUIRED} / {@code NONE} ({@code auto} is Cohere's
 * default and sent as nothing; a named function is sent as that single tool with {@code REQUIRED});
 * {@code response_format} json_schema is {@code json_object} with {@code json_schema}. Cohere's own fields
 * ({@code documents}, {@code citation_options}, {@code safety_mode}, {@code k}, {@code thinking},
 * {@code strict_tools}, ...) pass through from the request's extra fields; OpenAI-only ones are not sent, except
 * {@code reasoning_effort}, which becomes {@code thinking: {type: enabled}} ({@code disabled} for {@code none} or
 * {@code minimal}) unless the request sets {@code thinking} itself.
 */
final class CohereRequests {
    /** OpenAI fields Cohere does not know: never passed through. */
    private static final Set<String> OPENAI_ONLY = Set.of("logit_bias", "logprobs", "top_logprobs", "user",
            "service_tier", "store", "metadata", "modalities", "audio", "prediction", "reasoning_effort",
            "stream_options", "parallel_tool_calls", "n", "web_search_options", "prompt_cache_key",
            "safety_identifier", "verbosity");

    private final ObjectMapper json;

    CohereRequests(ObjectMapper json) {
        this.json = json;
    }

    /** The body of {@code POST /v2/chat}. */
    byte[] chat(ChatRequest r, boolean stream, String provider) {
        if (r.n().filter(n -> n > 1).isPresent()) {
            throw new GatewayException(GatewayError.of(400, GatewayError.INVALID_REQUEST,
                    "Provider '" + provider + "' (cohere) does not support n > 1", "unsupported_parameter")
                    .withParam("n"));
        }
        ObjectNode body = json.createObjectNode();
        body.put("model", r.model());
        ArrayNode messages = body.putArray("messages");
        for (ChatMessage m : r.messages()) {
            messages.add(message(m));
        }
        List<Tool> tools = r.tools();
        if (r.toolChoice().isPresent()) {
            ToolChoice choice = r.toolChoice().get();
            switch (choice.mode()) {
                case "required" -> body.put("tool_choice", "REQUIRED");
                case "none" -> body.put("tool_choice", "NONE");
                case "function" -> {
                    String name = choice.function().orElse("");
                    tools = tools.stream().filter(t -> t.name().equals(name)).toList();
                    body.put("tool_choice", "REQUIRED");
                }
                default -> {
                    // auto: Cohere's default
                }
            }
        }
        if (!tools.isEmpty()) {
            ArrayNode array = body.putArray("tools");
            for (Tool t : tools) {
                ObjectNode tool = array.addObject().put("type", "function");
                ObjectNode fn = tool.putObject("function").put("name", t.name());
                t.description().ifPresent(d -> fn.put("description", d));
                fn.set("parameters", t.parameters().map(this::tree).orElseGet(() -> json.createObjectNode()
                        .put("type", "object")));
            }
            if (r.tools().stream().anyMatch(t -> t.strict().orElse(false))) {
                body.put("strict_tools", true);
            }
        }
        r.responseFormat().ifPresent(f -> responseFormat(body, f));
        r.temperature().ifPresent(v -> body.put("temperature", v));
        r.topP().ifPresent(v -> body.put("p", v));
        r.tokenLimit().ifPresent(v -> body.put("max_tokens", v));
        if (!r.stop().isEmpty()) {
            ArrayNode stop = body.putArray("stop_sequences");
            r.stop().forEach(stop::add);
        }
        r.seed().ifPresent(v -> body.put("seed", v));
        r.frequencyPenalty().ifPresent(v -> body.put("frequency_penalty", v));
        r.presencePenalty().ifPresent(v -> body.put("presence_penalty", v));
        if (r.extra().containsKey("reasoning_effort") && !r.extra().containsKey("thinking")) {
            // Cohere's reasoning models take thinking: {type: enabled | disabled} (and an optional token_budget).
            String effort = tree(r.extra().get("reasoning_effort")).asText("");
            body.putObject("thinking").put("type", effort.equals("none") || effort.equals("minimal")
                    ? "disabled" : "enabled");
        }
        for (Map.Entry<String, RawJson> e : r.extra().entrySet()) {
            if (!OPENAI_ONLY.contains(e.getKey()) && !body.has(e.getKey())) {
                body.set(e.getKey(), tree(e.getValue()));
            }
        }
        body.put("stream", stream);
        return bytes(body);
    }

    private void responseFormat(ObjectNode body, ResponseFormat f) {
        switch (f.type()) {
            case "json_object" -> body.putObject("response_format").put("type", "json_object");
            case "json_schema" -> {
                ObjectNode rf = body.putObject("response_format").put("type", "json_object");
                f.schema().ifPresent(s -> rf.set("json_schema", tree(s)));
            }
            default -> {
                // text: Cohere's default
            }
        }
    }

    private ObjectNode message(ChatMessage m) {
        ObjectNode out = json.createObjectNode();
        switch (m.role()) {
            case "system", "developer" -> out.put("role", "system").put("content", m.text());
            case "tool" -> {
                out.put("role", "tool").put("tool_call_id", m.toolCallId().orElse(""));
                // A tool result is a document Cohere can cite; plain text is a one-document list.
                ArrayNode content = out.putArray("content");
                content.addObject().put("type", "document").putObject("document").put("data", m.text());
            }
            case "assistant" -> {
                out.put("role", "assistant");
                if (!m.toolCalls().isEmpty()) {
                    if (!m.text().isEmpty()) {
                        out.put("tool_plan", m.text());
                    }
                    ArrayNode calls = out.putArray("tool_calls");
                    for (ToolCall c : m.toolCalls()) {
                        calls.addObject().put("id", c.id()).put("type", "function").putObject("function")
                                .put("name", c.name()).put("arguments", c.arguments());
                    }
                } else {
                    out.put("content", m.text());
                }
            }
            default -> {
                out.put("role", "user");
                content(out, m.content().orElse(MessageContent.of("")));
            }
        }
        return out;
    }

    private void content(ObjectNode out, MessageContent content) {
        if (content instanceof MessageContent.Text t) {
            out.put("content", t.text());
            return;
        }
        ArrayNode parts = out.putArray("content");
        for (ContentPart p : ((MessageContent.Parts) content).parts()) {
            switch (p) {
                case ContentPart.Text t -> parts.addObject().put("type", "text").put("text", t.text());
                case ContentPart.Image i -> {
                    ObjectNode image = parts.addObject().put("type", "image_url").putObject("image_url")
                            .put("url", i.url());
                    i.detail().ifPresent(d -> image.put("detail", d));
                }
                case ContentPart.Other o -> parts.add(tree(o.json()));
            }
        }
    }

    /** The body of {@code POST /v2/embed}: floats only, with the configured {@code input_type} by default. */
    byte[] embed(EmbeddingRequest r, String defaultInputType) {
        ObjectNode body = json.createObjectNode();
        body.put("model", r.model());
        ArrayNode texts = body.putArray("texts");
        r.input().forEach(texts::add);
        body.put("input_type", r.extra().containsKey("input_type")
                ? tree(r.extra().get("input_type")).asText(defaultInputType) : defaultInputType);
        body.putArray("embedding_types").add("float");
        r.dimensions().ifPresent(d -> body.put("output_dimension", d));
        r.extra().forEach((k, v) -> {
            if (!body.has(k) && !OPENAI_ONLY.contains(k)) {
                body.set(k, tree(v));
            }
        });
        return bytes(body);
    }

    private JsonNode tree(RawJson raw) {
        try {
            return json.readTree(raw.json());
        } catch (JsonProcessingException e) {
            throw new GatewayException(GatewayError.invalidRequest("a field is not valid JSON", null));
        }
    }

    private byte[] bytes(ObjectNode body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
