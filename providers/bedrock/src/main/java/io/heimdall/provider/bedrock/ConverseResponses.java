package io.heimdall.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.Usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Translates a Converse response (and the shared parts of ConverseStream: stop reasons, usage) to canonical form. */
final class ConverseResponses {
    private ConverseResponses() {
    }

    /** Maps a Converse {@code stopReason}. */
    static FinishReason finishReason(String stopReason) {
        return switch (stopReason) {
            case "end_turn", "stop_sequence" -> FinishReason.STOP;
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "guardrail_intervened", "content_filtered" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.of(stopReason);
        };
    }

    /**
     * Maps Converse usage. Bedrock's {@code inputTokens} exclude the tokens read from or written to the prompt cache;
     * the canonical prompt count includes them (as OpenAI counts), with the cache reads as {@code cached_tokens} and
     * the cache writes kept as {@code cache_creation_input_tokens}.
     */
    static Usage usage(JsonNode usage) {
        long input = usage.path("inputTokens").asLong(0);
        long output = usage.path("outputTokens").asLong(0);
        long read = usage.path("cacheReadInputTokens").asLong(0);
        long write = usage.path("cacheWriteInputTokens").asLong(0);
        long prompt = input + read + write;
        Usage u = new Usage(prompt, output, prompt + output, write > 0
                ? Map.of("cache_creation_input_tokens", new RawJson(Long.toString(write))) : Map.of());
        return usage.has("cacheReadInputTokens") ? u.withCachedTokens(read) : u;
    }

    /** The canonical response for a Converse body. */
    static ChatResponse chat(String provider, byte[] body, String id, long created, String model) {
        JsonNode root;
        try {
            root = ConverseRequests.JSON.readTree(body);
        } catch (IOException e) {
            throw bad(provider, "the response is not JSON");
        }
        JsonNode content = root == null ? null : root.path("output").path("message").path("content");
        if (content == null || !content.isArray()) {
            throw bad(provider, "the response has no output.message.content");
        }
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        List<ThinkingBlock> thinking = new ArrayList<>();
        for (JsonNode block : content) {
            if (block.has("text")) {
                text.append(block.get("text").asText());
            } else if (block.has("toolUse")) {
                JsonNode use = block.get("toolUse");
                calls.add(ToolCall.function(use.path("toolUseId").asText(), use.path("name").asText(),
                        use.has("input") ? use.get("input").toString() : "{}"));
            } else if (block.has("reasoningContent")) {
                JsonNode r = block.get("reasoningContent");
                if (r.has("redactedContent")) {
                    thinking.add(ThinkingBlock.redacted(r.get("redactedContent").asText()));
                } else {
                    JsonNode rt = r.path("reasoningText");
                    String t = rt.path("text").asText("");
                    reasoning.append(t);
                    thinking.add(ThinkingBlock.of(t, rt.hasNonNull("signature") ? rt.get("signature").asText()
                            : null));
                }
            }
        }
        ChatMessage.Builder message = ChatMessage.builder("assistant").toolCalls(calls).thinkingBlocks(thinking);
        if (!text.isEmpty() || calls.isEmpty()) {
            message.content(text.toString());
        }
        if (!reasoning.isEmpty()) {
            message.reasoningContent(reasoning.toString());
        }
        FinishReason finish = finishReason(root.path("stopReason").asText("end_turn"));
        Optional<Usage> usage = root.has("usage") ? Optional.of(usage(root.get("usage"))) : Optional.empty();
        return new ChatResponse(id, created, model, List.of(Choice.of(0, message.build(), finish)), usage,
                Optional.empty(), Optional.empty(), Map.of());
    }

    static GatewayException bad(String provider, String detail) {
        return new GatewayException(GatewayError.of(502, GatewayError.API_ERROR,
                "Provider '" + provider + "' sent a response that could not be read: " + detail,
                "bad_upstream_response"));
    }
}
