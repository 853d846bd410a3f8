package io.heimdall.provider.anthropic.messages;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a Messages API {@code Message} into a canonical chat completion: text blocks joined as the content,
 * {@code tool_use} blocks as tool calls (input as JSON text), {@code thinking} and {@code redacted_thinking} blocks as
 * thinking blocks with their signatures (and the readable text as {@code reasoning_content}), {@code stop_reason}
 * mapped, usage with cache reads and writes counted in the prompt tokens.
 */
public final class MessagesResponseDecoder {
    private MessagesResponseDecoder() {
    }

    /**
     * Decodes a response body.
     *
     * @param body     the Message JSON
     * @param provider the provider name, for errors
     * @param model    the model to name when the body names none (Vertex AI)
     * @param created  the creation time to report, seconds since the epoch
     * @param jsonTool the forced JSON tool of the request, whose input is the content
     * @throws io.heimdall.api.GatewayException 502 {@code bad_upstream_response} for a body that is not a Message
     */
    public static ChatResponse decode(byte[] body, String provider, String model, long created,
                                      Optional<String> jsonTool) {
        JsonNode root = Json.upstream(body, provider);
        JsonNode content = root.get("content");
        if (content == null || !content.isArray()) {
            throw Json.badUpstream(provider, "a message without content");
        }
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        List<ThinkingBlock> thinking = new ArrayList<>();
        boolean jsonAnswer = false;
        for (JsonNode block : content) {
            switch (Json.text(block, "type")) {
                case "text" -> text.append(Json.text(block, "text"));
                case "tool_use" -> {
                    String name = Json.text(block, "name");
                    String input = Json.write(block.path("input").isMissingNode() ? Json.object() : block.get("input"));
                    if (jsonTool.filter(name::equals).isPresent()) {
                        text.append(input);
                        jsonAnswer = true;
                    } else {
                        calls.add(ToolCall.function(Json.text(block, "id"), name, input));
                    }
                }
                case "thinking" -> {
                    String t = Json.text(block, "thinking");
                    reasoning.append(t);
                    thinking.add(ThinkingBlock.of(t, Json.optText(block, "signature").orElse(null)));
                }
                case "redacted_thinking" -> thinking.add(ThinkingBlock.redacted(Json.text(block, "data")));
                default -> {
                    // server tool blocks, citations' containers and future block types carry nothing canonical
                }
            }
        }
        ChatMessage.Builder message = ChatMessage.builder("assistant")
                .content(text.isEmpty() && !calls.isEmpty() ? null : text.toString()).toolCalls(calls)
                .thinkingBlocks(thinking);
        if (!reasoning.isEmpty()) {
            message.reasoningContent(reasoning.toString());
        }
        FinishReason finish = finishReason(Json.optText(root, "stop_reason"));
        if (jsonAnswer && finish == FinishReason.TOOL_CALLS) {
            finish = FinishReason.STOP;
        }
        String id = Json.optText(root, "id").orElse("msg");
        String answeredBy = Json.optText(root, "model").filter(m -> !m.isEmpty()).orElse(model);
        Optional<Usage> usage = root.hasNonNull("usage") ? Optional.of(usage(root.get("usage"))) : Optional.empty();
        return new ChatResponse(id, created, answeredBy, List.of(new Choice(0, message.build(), Optional.of(finish),
                Optional.empty())), usage, Optional.empty(), Optional.empty(), Map.of());
    }

    /**
     * Maps a {@code stop_reason}: {@code end_turn}, {@code stop_sequence} and {@code pause_turn} to {@code stop},
     * {@code max_tokens} and {@code model_context_window_exceeded} to {@code length}, {@code tool_use} to
     * {@code tool_calls}, {@code refusal} to {@code content_filter}; absent means {@code stop}.
     */
    public static FinishReason finishReason(Optional<String> stopReason) {
        return switch (stopReason.orElse("end_turn")) {
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.STOP;
        };
    }

    /**
     * A Messages API {@code usage} object as canonical usage: prompt tokens are {@code input_tokens} plus
     * {@code cache_read_input_tokens} plus {@code cache_creation_input_tokens} (OpenAI counts cached tokens in the
     * prompt), cached tokens are the cache reads, and {@code prompt_tokens_details.cache_creation_tokens} the writes.
     */
    static Usage usage(JsonNode usage) {
        long input = usage.path("input_tokens").asLong(0);
        long read = usage.path("cache_read_input_tokens").asLong(0);
        long created = usage.path("cache_creation_input_tokens").asLong(0);
        long output = usage.path("output_tokens").asLong(0);
        long prompt = input + read + created;
        Map<String, RawJson> extra = created > 0
                ? Map.of("prompt_tokens_details", new RawJson("{\"cache_creation_tokens\":" + created + "}"))
                : Map.of();
        Usage u = new Usage(prompt, output, prompt + output, extra);
        return usage.has("cache_read_input_tokens") || usage.has("cache_creation_input_tokens")
                ? u.withCachedTokens(read) : u;
    }
}
