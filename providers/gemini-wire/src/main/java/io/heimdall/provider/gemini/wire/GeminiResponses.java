package io.heimdall.provider.gemini.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gemini {@code GenerateContentResponse} → canonical: text parts join into the content, {@code thought} parts into
 * {@code reasoning_content}, {@code functionCall} parts become tool calls (the upstream's {@code id}, else a stable
 * invented one) with their {@code thoughtSignature} kept as {@code extra_content.google.thought_signature}, any other
 * signature becomes a thinking block; {@code finishReason} and {@code usageMetadata} are mapped.
 */
final class GeminiResponses {
    private GeminiResponses() {
    }

    static ChatResponse decode(JsonNode root, String model, String provider, String fallbackId, long created) {
        checkBlocked(root, provider);
        String id = Json.text(root, "responseId").orElse(fallbackId);
        List<Choice> choices = new ArrayList<>();
        JsonNode candidates = root.path("candidates");
        for (int c = 0; c < candidates.size(); c++) {
            JsonNode cand = candidates.get(c);
            int index = cand.path("index").asInt(c);
            StringBuilder text = new StringBuilder();
            StringBuilder reasoning = new StringBuilder();
            List<ToolCall> calls = new ArrayList<>();
            List<ThinkingBlock> blocks = new ArrayList<>();
            for (JsonNode part : cand.path("content").path("parts")) {
                Optional<String> signature = Json.text(part, "thoughtSignature")
                        .or(() -> Json.text(part, "thought_signature"));
                JsonNode fc = Json.either(part, "functionCall", "function_call");
                if (fc != null) {
                    String name = fc.path("name").asText("");
                    String callId = Json.text(fc, "id").filter(s -> !s.isEmpty())
                            .orElseGet(() -> ToolCallIds.invent(id, index, calls.size(), name));
                    calls.add(new ToolCall(callId, "function", name, arguments(fc), signatureExtra(signature)));
                    continue;
                }
                String t = Json.text(part, "text").orElse("");
                if (part.path("thought").asBoolean(false)) {
                    reasoning.append(t);
                } else {
                    text.append(t);
                }
                signature.ifPresent(s -> blocks.add(ThinkingBlock.signatureOnly(s)));
            }
            ChatMessage.Builder message = ChatMessage.builder("assistant")
                    .content(calls.isEmpty() || !text.isEmpty() ? text.toString() : null)
                    .toolCalls(calls).thinkingBlocks(blocks);
            if (!reasoning.isEmpty()) {
                message.reasoningContent(reasoning.toString());
            }
            choices.add(Choice.of(index, message.build(), finish(Json.text(cand, "finishReason").orElse(""),
                    !calls.isEmpty())));
        }
        if (choices.isEmpty()) {
            throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR,
                    "Provider '" + provider + "' answered without a candidate", "bad_upstream_response"));
        }
        return new ChatResponse(id, created, model, choices, usage(root), Optional.empty(), Optional.empty(),
                Map.of());
    }

    /** A prompt the upstream refused to answer: 400 {@code content_filter} naming the block reason. */
    static void checkBlocked(JsonNode root, String provider) {
        Optional<String> reason = Json.text(root.path("promptFeedback"), "blockReason");
        if (reason.isPresent() && root.path("candidates").isEmpty()) {
            throw new GatewayException(GatewayError.invalidRequest("Provider '" + provider
                    + "' blocked the prompt (blockReason " + reason.get() + ")", "messages")
                    .withCode("content_filter"));
        }
    }

    /** The call's {@code args} object as JSON text ({@code {}} when absent). */
    static String arguments(JsonNode functionCall) {
        JsonNode args = functionCall.get("args");
        return args == null || args.isNull() ? "{}" : Json.write(args);
    }

    /** {@code extra_content.google.thought_signature}, the shape Google's OpenAI-compatible API uses. */
    static Map<String, RawJson> signatureExtra(Optional<String> signature) {
        if (signature.isEmpty()) {
            return Map.of();
        }
        ObjectNode extra = Json.object();
        extra.putObject("google").put("thought_signature", signature.get());
        return Map.of("extra_content", new RawJson(Json.write(extra)));
    }

    /** Gemini's finish reason as the OpenAI value; {@code tool_calls} when the candidate called tools. */
    static FinishReason finish(String reason, boolean toolCalls) {
        return switch (reason) {
            case "MAX_TOKENS" -> FinishReason.LENGTH;
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
                 "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION" -> FinishReason.CONTENT_FILTER;
            default -> toolCalls ? FinishReason.TOOL_CALLS : FinishReason.STOP;
        };
    }

    /**
     * {@code usageMetadata} as canonical usage: prompt = {@code promptTokenCount} (which includes cached tokens) +
     * {@code toolUsePromptTokenCount}; completion = {@code candidatesTokenCount} + {@code thoughtsTokenCount}.
     */
    static Optional<Usage> usage(JsonNode root) {
        JsonNode u = root.get("usageMetadata");
        if (u == null || !u.isObject()) {
            return Optional.empty();
        }
        long prompt = u.path("promptTokenCount").asLong(0) + u.path("toolUsePromptTokenCount").asLong(0);
        long thoughts = u.path("thoughtsTokenCount").asLong(0);
        long completion = u.path("candidatesTokenCount").asLong(0) + thoughts;
        long total = u.has("totalTokenCount") ? u.path("totalTokenCount").asLong() : prompt + completion;
        Optional<Long> cached = u.has("cachedContentTokenCount")
                ? Optional.of(u.path("cachedContentTokenCount").asLong()) : Optional.empty();
        Optional<Long> reasoning = u.has("thoughtsTokenCount") ? Optional.of(thoughts) : Optional.empty();
        return Optional.of(new Usage(prompt, completion, total, cached, reasoning, Map.of()));
    }
}
