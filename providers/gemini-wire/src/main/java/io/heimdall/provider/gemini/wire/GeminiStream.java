package io.heimdall.provider.gemini.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.Usage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Translates a Gemini SSE stream event by event into OpenAI chunks, without buffering: each part becomes a chunk as
 * soon as its event is read (the role rides on a candidate's first chunk). Gemini sends each {@code functionCall}
 * whole, so a call becomes two chunks: the opening delta (stable {@code index}, {@code id}, {@code name}, empty
 * arguments) and one with the arguments. A candidate's {@code finishReason} becomes a chunk of its own; the last
 * {@code usageMetadata} becomes the usage chunk when the client asked for one. Not thread-safe: one per stream.
 */
final class GeminiStream {
    private final String model;
    private final long created;
    private final boolean includeUsage;
    private String id;
    private final Set<Integer> started = new HashSet<>();
    private final Map<Integer, Integer> calls = new HashMap<>();
    private final Set<Integer> finished = new HashSet<>();
    private Optional<Usage> usage = Optional.empty();

    GeminiStream(ChatRequest request, String fallbackId, long created) {
        this.model = request.model();
        this.created = created;
        this.includeUsage = request.includeUsage();
        this.id = fallbackId;
    }

    /** The chunks for one event (a {@code GenerateContentResponse}), in order. */
    List<ChatChunk> onEvent(JsonNode event, String provider) {
        if (started.isEmpty()) {
            GeminiResponses.checkBlocked(event, provider);
            id = Json.text(event, "responseId").orElse(id);
        }
        List<ChatChunk> out = new ArrayList<>();
        JsonNode candidates = event.path("candidates");
        for (int c = 0; c < candidates.size(); c++) {
            JsonNode cand = candidates.get(c);
            int index = cand.path("index").asInt(c);
            for (JsonNode part : cand.path("content").path("parts")) {
                part(index, part, out);
            }
            Optional<String> reason = Json.text(cand, "finishReason").filter(s -> !s.isEmpty()
                    && !s.equals("FINISH_REASON_UNSPECIFIED"));
            if (reason.isPresent() && finished.add(index)) {
                FinishReason finish = GeminiResponses.finish(reason.get(), calls.containsKey(index));
                out.add(chunk(index, ChunkDelta.builder(), finish));
            }
        }
        Optional<Usage> u = GeminiResponses.usage(event);
        if (u.isPresent()) {
            usage = u;
        }
        return out;
    }

    private void part(int index, JsonNode part, List<ChatChunk> out) {
        Optional<String> signature = Json.text(part, "thoughtSignature").or(() -> Json.text(part, "thought_signature"));
        JsonNode fc = Json.either(part, "functionCall", "function_call");
        if (fc != null) {
            int position = calls.merge(index, 1, Integer::sum) - 1;
            String name = fc.path("name").asText("");
            String callId = Json.text(fc, "id").filter(s -> !s.isEmpty())
                    .orElseGet(() -> ToolCallIds.invent(id, index, position, name));
            ToolCallDelta start = new ToolCallDelta(position, Optional.of(callId), Optional.of("function"),
                    Optional.of(name), Optional.of(""), GeminiResponses.signatureExtra(signature));
            out.add(chunk(index, ChunkDelta.builder().toolCalls(List.of(start)), null));
            out.add(chunk(index, ChunkDelta.builder().toolCalls(List.of(
                    ToolCallDelta.arguments(position, GeminiResponses.arguments(fc)))), null));
            return;
        }
        Optional<String> text = Json.text(part, "text");
        if (text.isEmpty() && signature.isEmpty()) {
            return;
        }
        ChunkDelta.Builder delta = ChunkDelta.builder();
        if (part.path("thought").asBoolean(false)) {
            delta.reasoningContent(text.orElse(""));
        } else {
            delta.content(text.orElse(""));
        }
        signature.ifPresent(s -> delta.addThinkingBlock(ThinkingBlock.signatureOnly(s)));
        out.add(chunk(index, delta, null));
    }

    private ChatChunk chunk(int index, ChunkDelta.Builder delta, FinishReason finish) {
        if (started.add(index)) {
            delta.role("assistant");
        }
        return ChatChunk.of(id, created, model, ChunkChoice.of(index, delta.build(), finish));
    }

    /** Whether every candidate that started has finished (and at least one did). */
    boolean finished() {
        return !finished.isEmpty() && finished.containsAll(started);
    }

    /** The usage chunk, when the client asked for one and the upstream reported usage. */
    Optional<ChatChunk> usageChunk() {
        return includeUsage ? usage.map(u -> ChatChunk.usage(id, created, model, u)) : Optional.empty();
    }
}
