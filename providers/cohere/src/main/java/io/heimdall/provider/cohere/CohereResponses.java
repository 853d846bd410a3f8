package io.heimdall.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.Embedding;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cohere's v2 answers in canonical terms: a chat response (text blocks joined; {@code tool_plan} as the text beside
 * tool calls; citations kept in the message's extra field {@code citations}), usage ({@code tokens} when present, else
 * {@code billed_units}; {@code cached_tokens} as cached), finish reasons, the model list and embeddings.
 */
final class CohereResponses {
    private CohereResponses() {
    }

    /** Cohere's finish reason as the OpenAI one. */
    static FinishReason finishReason(String cohere) {
        return switch (cohere) {
            case "MAX_TOKENS" -> FinishReason.LENGTH;
            case "TOOL_CALL" -> FinishReason.TOOL_CALLS;
            case "ERROR_TOXIC", "CONTENT_FILTER" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.STOP;
        };
    }

    /** The usage object of a response or a {@code message-end} event. */
    static Optional<Usage> usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return Optional.empty();
        }
        JsonNode counts = usage.path("tokens").isObject() ? usage.path("tokens") : usage.path("billed_units");
        long in = counts.path("input_tokens").asLong(0);
        long out = counts.path("output_tokens").asLong(0);
        Optional<Long> cached = usage.hasNonNull("cached_tokens")
                ? Optional.of(usage.path("cached_tokens").asLong()) : Optional.empty();
        return Optional.of(new Usage(in, out, in + out, cached, Optional.empty(), Map.of()));
    }

    /** A non-streamed chat response. */
    static ChatResponse chat(JsonNode root, String model, long created) {
        JsonNode message = root.path("message");
        StringBuilder text = new StringBuilder();
        StringBuilder thinking = new StringBuilder();
        for (JsonNode block : message.path("content")) {
            switch (block.path("type").asText("text")) {
                case "thinking" -> thinking.append(block.path("thinking").asText(""));
                case "text" -> text.append(block.path("text").asText(""));
                default -> {
                    // other block types carry no text
                }
            }
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode c : message.path("tool_calls")) {
            calls.add(ToolCall.function(c.path("id").asText(""), c.path("function").path("name").asText(""),
                    arguments(c.path("function").path("arguments"))));
        }
        String visible = text.isEmpty() && !calls.isEmpty() ? message.path("tool_plan").asText("") : text.toString();
        ChatMessage.Builder b = ChatMessage.builder("assistant").toolCalls(calls);
        if (!visible.isEmpty() || calls.isEmpty()) {
            b.content(visible);
        }
        if (!thinking.isEmpty()) {
            b.reasoningContent(thinking.toString());
        }
        if (message.path("citations").isArray() && !message.path("citations").isEmpty()) {
            b.extra("citations", new RawJson(message.path("citations").toString()));
        }
        FinishReason finish = finishReason(root.path("finish_reason").asText("COMPLETE"));
        return new ChatResponse(root.path("id").asText(""), created, model,
                List.of(new Choice(0, b.build(), Optional.of(finish), Optional.empty())),
                usage(root.get("usage")), Optional.empty(), Optional.empty(), Map.of());
    }

    /** Tool arguments: Cohere sends a JSON string; an object is accepted too. */
    static String arguments(JsonNode arguments) {
        if (arguments == null || arguments.isMissingNode() || arguments.isNull()) {
            return "{}";
        }
        return arguments.isTextual() ? arguments.textValue() : arguments.toString();
    }

    /** The {@code GET /v1/models} list. */
    static List<ModelInfo> models(JsonNode root) {
        List<ModelInfo> out = new ArrayList<>();
        for (JsonNode m : root.path("models")) {
            String name = m.path("name").asText("");
            if (!name.isEmpty()) {
                out.add(new ModelInfo(name, 0L, "cohere"));
            }
        }
        return out;
    }

    /** A {@code POST /v2/embed} answer with {@code embeddings.float}. */
    static EmbeddingResponse embeddings(JsonNode root, String model) {
        List<Embedding> data = new ArrayList<>();
        int index = 0;
        for (JsonNode vector : root.path("embeddings").path("float")) {
            float[] v = new float[vector.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) vector.get(i).asDouble();
            }
            data.add(new Embedding(index++, v));
        }
        long tokens = root.path("meta").path("billed_units").path("input_tokens").asLong(0);
        return new EmbeddingResponse(model, data, Usage.of(tokens, 0));
    }
}
