package io.heimdall.api.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The change a stream chunk makes to a choice's message.
 *
 * @param role      the role, on the first chunk
 * @param content   the next piece of text
 * @param refusal   the next piece of a refusal
 * @param toolCalls tool call fragments
 * @param extra     other fields, passed through
 */
public record ChunkDelta(Optional<String> role, Optional<String> content, Optional<String> refusal,
                         List<ToolCallDelta> toolCalls, Map<String, RawJson> extra) {
    /** An empty delta. */
    public static final ChunkDelta EMPTY = new ChunkDelta(Optional.empty(), Optional.empty(), Optional.empty(),
            List.of(), Map.of());

    /** Normalises the fields. */
    public ChunkDelta {
        role = Values.opt(role);
        content = Values.opt(content);
        refusal = Values.opt(refusal);
        toolCalls = Values.list(toolCalls);
        extra = Values.map(extra);
    }

    /** A delta carrying only text. */
    public static ChunkDelta text(String text) {
        return new ChunkDelta(Optional.empty(), Optional.of(text), Optional.empty(), List.of(), Map.of());
    }

    /** The opening delta: role {@code assistant}, empty content. */
    public static ChunkDelta assistantStart() {
        return new ChunkDelta(Optional.of("assistant"), Optional.of(""), Optional.empty(), List.of(), Map.of());
    }

    /** A delta carrying tool call fragments. */
    public static ChunkDelta toolCalls(List<ToolCallDelta> calls) {
        return new ChunkDelta(Optional.empty(), Optional.empty(), Optional.empty(), calls, Map.of());
    }
}
