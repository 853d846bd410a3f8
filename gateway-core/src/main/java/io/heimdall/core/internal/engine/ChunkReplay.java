package io.heimdall.core.internal.engine;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a complete response into the chunks it would have been streamed as (for answers from hooks or a cache), such
 * that a {@link StreamAccumulator} fed with them rebuilds the response.
 *
 * <p>Each choice in turn, one delta per chunk: the role (with {@code content: ""} if the message has content, else
 * {@code content: null}; {@code refusal: null} if it has none, as OpenAI opens a stream; and the message's other
 * fields, its name among them), the reasoning, each thinking block (its text, then its signature in a delta of its own,
 * as Anthropic streams them; a redacted block whole), the text, each tool call (id, type, name and other fields with
 * empty arguments, then the arguments), the refusal, then the finish reason with the logprobs. Then a chunk without
 * choices carrying the usage. Every chunk carries the response's id, created, model, system fingerprint, service tier
 * and other fields.
 *
 * <p>What a stream cannot carry is lost: content parts are flattened to their text, and two adjacent thinking blocks of
 * which the first is unsigned become one (a stream only ends a block with a signature).
 */
final class ChunkReplay {
    private static final String SERVICE_TIER = "service_tier";

    private ChunkReplay() {
    }

    /** The chunks that stream {@code r}. */
    static List<ChatChunk> chunks(ChatResponse r) {
        Map<String, RawJson> extra = r.extra();
        if (r.serviceTier().isPresent()) {
            extra = new LinkedHashMap<>(extra);
            extra.put(SERVICE_TIER, RawJson.string(r.serviceTier().get()));
        }
        List<ChatChunk> out = new ArrayList<>();
        for (Choice c : r.choices()) {
            choice(new Out(r, extra, c.index(), out), c);
        }
        if (r.usage().isPresent() || r.choices().isEmpty()) {
            out.add(new ChatChunk(r.id(), r.created(), r.model(), List.of(), r.usage(), r.systemFingerprint(),
                    extra));
        }
        return out;
    }

    private static void choice(Out out, Choice c) {
        ChatMessage m = c.message();
        Map<String, RawJson> fields = m.extra();
        if (m.name().isPresent()) {
            fields = new LinkedHashMap<>(fields);
            fields.put("name", RawJson.string(m.name().get()));
        }
        Set<String> nulls = m.content().isPresent()
                ? m.refusal().isPresent() ? Set.of() : Set.of("refusal")
                : m.refusal().isPresent() ? Set.of("content") : Set.of("content", "refusal");
        out.delta(new ChunkDelta(Optional.of(m.role()), m.content().map(x -> ""), Optional.empty(), List.of(),
                Optional.empty(), List.of(), nulls, fields));
        if (m.reasoningContent().isPresent()) {
            out.delta(ChunkDelta.reasoning(m.reasoningContent().get()));
        }
        for (ThinkingBlock b : m.thinkingBlocks()) {
            if (b.redacted()) {
                out.thinking(b);
                continue;
            }
            boolean text = !b.thinking().isEmpty() || b.signature().isEmpty();
            if (text) {
                out.thinking(new ThinkingBlock(b.thinking(), Optional.empty(), Optional.empty(), b.extra()));
            }
            if (b.signature().isPresent()) {
                out.thinking(new ThinkingBlock("", b.signature(), Optional.empty(), text ? Map.of() : b.extra()));
            }
        }
        String content = m.text();
        if (m.content().isPresent() && !content.isEmpty()) {
            out.delta(ChunkDelta.text(content));
        }
        List<ToolCall> calls = m.toolCalls();
        for (int i = 0; i < calls.size(); i++) {
            ToolCall t = calls.get(i);
            out.delta(ChunkDelta.toolCalls(List.of(new ToolCallDelta(i, Optional.of(t.id()), Optional.of(t.type()),
                    Optional.of(t.name()), Optional.of(""), t.extra()))));
            if (!t.arguments().isEmpty()) {
                out.delta(ChunkDelta.toolCalls(List.of(ToolCallDelta.arguments(i, t.arguments()))));
            }
        }
        if (m.refusal().isPresent()) {
            out.delta(new ChunkDelta(Optional.empty(), Optional.empty(), m.refusal(), List.of(), Map.of()));
        }
        if (c.finishReason().isPresent() || c.logprobs().isPresent()) {
            out.add(new ChunkChoice(c.index(), ChunkDelta.EMPTY, c.finishReason(), c.logprobs()));
        }
    }

    /** Where one choice's chunks go. */
    private record Out(ChatResponse r, Map<String, RawJson> extra, int index, List<ChatChunk> chunks) {
        void delta(ChunkDelta delta) {
            add(new ChunkChoice(index, delta, Optional.empty(), Optional.empty()));
        }

        void thinking(ThinkingBlock fragment) {
            delta(new ChunkDelta(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.empty(),
                    List.of(fragment), Set.of(), Map.of()));
        }

        void add(ChunkChoice choice) {
            chunks.add(new ChatChunk(r.id(), r.created(), r.model(), List.of(choice), Optional.empty(),
                    r.systemFingerprint(), extra));
        }
    }
}
