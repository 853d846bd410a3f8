package io.heimdall.api.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The change a stream chunk makes to a choice's message. Build one with many fields with {@link #builder()}.
 *
 * <p>An absent field is left out of the encoded delta, unless its wire name is in {@code explicitNulls}: then it is
 * written as {@code null}, as the upstream sent it (OpenAI's first delta is
 * {@code {"role":"assistant","content":null}} or {@code {"role":"assistant","content":""}}; both are re-emitted
 * unchanged).
 *
 * @param role             the role, on the first chunk
 * @param content          the next piece of text
 * @param refusal          the next piece of a refusal
 * @param toolCalls        tool call fragments
 * @param reasoningContent the next piece of plain-text reasoning, wire field {@code reasoning_content}
 * @param thinkingBlocks   fragments of structured reasoning, wire field {@code thinking_blocks}: text to append to the
 *                         current block, the signature that ends it, or a whole redacted block; see
 *                         {@link ThinkingBlock}
 * @param explicitNulls    wire names of the absent fields above that the upstream sent as {@code null}, among
 *                         {@link #NULLABLE_FIELDS}
 * @param extra            other fields, passed through
 */
public record ChunkDelta(Optional<String> role, Optional<String> content, Optional<String> refusal,
                         List<ToolCallDelta> toolCalls, Optional<String> reasoningContent,
                         List<ThinkingBlock> thinkingBlocks, Set<String> explicitNulls, Map<String, RawJson> extra) {
    /** The wire names that may be listed in {@code explicitNulls}. */
    public static final Set<String> NULLABLE_FIELDS = Set.of("role", "content", "refusal", "tool_calls",
            "reasoning_content", "thinking_blocks");

    /** An empty delta. */
    public static final ChunkDelta EMPTY = new ChunkDelta(Optional.empty(), Optional.empty(), Optional.empty(),
            List.of(), Map.of());

    /** Normalises the fields and checks {@code explicitNulls}. */
    public ChunkDelta {
        role = Values.opt(role);
        content = Values.opt(content);
        refusal = Values.opt(refusal);
        toolCalls = Values.list(toolCalls);
        reasoningContent = Values.opt(reasoningContent);
        thinkingBlocks = Values.list(thinkingBlocks);
        explicitNulls = Values.set(explicitNulls);
        extra = Values.map(extra);
        for (String field : explicitNulls) {
            if (!NULLABLE_FIELDS.contains(field)) {
                throw new IllegalArgumentException("not a nullable delta field: " + field);
            }
        }
    }

    /** A delta without reasoning and without explicit nulls. */
    public ChunkDelta(Optional<String> role, Optional<String> content, Optional<String> refusal,
                      List<ToolCallDelta> toolCalls, Map<String, RawJson> extra) {
        this(role, content, refusal, toolCalls, Optional.empty(), List.of(), Set.of(), extra);
    }

    /** A delta carrying only text. */
    public static ChunkDelta text(String text) {
        return new ChunkDelta(Optional.empty(), Optional.of(text), Optional.empty(), List.of(), Map.of());
    }

    /** A delta carrying only a piece of plain-text reasoning ({@code reasoning_content}). */
    public static ChunkDelta reasoning(String text) {
        return new ChunkDelta(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Optional.of(text),
                List.of(), Set.of(), Map.of());
    }

    /** The opening delta: role {@code assistant}, empty content. */
    public static ChunkDelta assistantStart() {
        return new ChunkDelta(Optional.of("assistant"), Optional.of(""), Optional.empty(), List.of(), Map.of());
    }

    /** A delta carrying tool call fragments. */
    public static ChunkDelta toolCalls(List<ToolCallDelta> calls) {
        return new ChunkDelta(Optional.empty(), Optional.empty(), Optional.empty(), calls, Map.of());
    }

    /** Whether the field with this wire name is written as {@code null} (it is absent and listed). */
    public boolean writesNull(String field) {
        return explicitNulls.contains(field) && switch (field) {
            case "role" -> role.isEmpty();
            case "content" -> content.isEmpty();
            case "refusal" -> refusal.isEmpty();
            case "tool_calls" -> toolCalls.isEmpty();
            case "reasoning_content" -> reasoningContent.isEmpty();
            case "thinking_blocks" -> thinkingBlocks.isEmpty();
            default -> false;
        };
    }

    /** A new builder of an empty delta. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this delta's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.role = role;
        b.content = content;
        b.refusal = refusal;
        b.toolCalls = new ArrayList<>(toolCalls);
        b.reasoningContent = reasoningContent;
        b.thinkingBlocks = new ArrayList<>(thinkingBlocks);
        b.explicitNulls = new LinkedHashSet<>(explicitNulls);
        b.extra = new LinkedHashMap<>(extra);
        return b;
    }

    /** Builds a {@link ChunkDelta}; setters take {@code null} for absent. */
    public static final class Builder {
        private Optional<String> role = Optional.empty();
        private Optional<String> content = Optional.empty();
        private Optional<String> refusal = Optional.empty();
        private List<ToolCallDelta> toolCalls = new ArrayList<>();
        private Optional<String> reasoningContent = Optional.empty();
        private List<ThinkingBlock> thinkingBlocks = new ArrayList<>();
        private Set<String> explicitNulls = new LinkedHashSet<>();
        private Map<String, RawJson> extra = new LinkedHashMap<>();

        private Builder() {
        }

        /** Sets the role. */
        public Builder role(String value) {
            this.role = Optional.ofNullable(value);
            return this;
        }

        /** Sets the text piece. */
        public Builder content(String value) {
            this.content = Optional.ofNullable(value);
            return this;
        }

        /** Sets the refusal piece. */
        public Builder refusal(String value) {
            this.refusal = Optional.ofNullable(value);
            return this;
        }

        /** Replaces the tool call fragments. */
        public Builder toolCalls(List<ToolCallDelta> value) {
            this.toolCalls = new ArrayList<>(value);
            return this;
        }

        /** Sets the reasoning piece ({@code reasoning_content}). */
        public Builder reasoningContent(String value) {
            this.reasoningContent = Optional.ofNullable(value);
            return this;
        }

        /** Replaces the thinking block fragments. */
        public Builder thinkingBlocks(List<ThinkingBlock> value) {
            this.thinkingBlocks = new ArrayList<>(value);
            return this;
        }

        /** Appends a thinking block fragment. */
        public Builder addThinkingBlock(ThinkingBlock value) {
            this.thinkingBlocks.add(value);
            return this;
        }

        /** Marks a field (by wire name, one of {@link #NULLABLE_FIELDS}) to be written as {@code null} if absent. */
        public Builder explicitNull(String field) {
            this.explicitNulls.add(field);
            return this;
        }

        /** Sets one pass-through field. */
        public Builder extra(String name, RawJson value) {
            this.extra.put(name, value);
            return this;
        }

        /** Replaces the pass-through fields. */
        public Builder extra(Map<String, RawJson> value) {
            this.extra = new LinkedHashMap<>(value);
            return this;
        }

        /** Builds the delta. */
        public ChunkDelta build() {
            return new ChunkDelta(role, content, refusal, toolCalls, reasoningContent, thinkingBlocks, explicitNulls,
                    extra);
        }
    }
}
