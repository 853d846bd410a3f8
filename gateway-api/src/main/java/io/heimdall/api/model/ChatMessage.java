package io.heimdall.api.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of a conversation. Build one with many fields with {@link #builder(String)}, or change one with
 * {@link #toBuilder()}.
 *
 * @param role             {@code system}, {@code developer}, {@code user}, {@code assistant} or {@code tool}
 * @param content          the content; absent for an assistant message that only calls tools
 * @param name             an optional participant name
 * @param toolCalls        the tool calls of an assistant message
 * @param toolCallId       the call a {@code tool} message answers
 * @param refusal          an assistant's refusal text
 * @param reasoningContent an assistant's plain-text reasoning, wire field {@code reasoning_content} (DeepSeek, vLLM,
 *                         LiteLLM)
 * @param thinkingBlocks   an assistant's structured reasoning with signatures, wire field {@code thinking_blocks}; see
 *                         {@link ThinkingBlock}
 * @param cacheControl     a prompt-cache marker on the whole message, wire field {@code cache_control}
 * @param extra            other fields, passed through
 */
public record ChatMessage(String role, Optional<MessageContent> content, Optional<String> name,
                          List<ToolCall> toolCalls, Optional<String> toolCallId, Optional<String> refusal,
                          Optional<String> reasoningContent, List<ThinkingBlock> thinkingBlocks,
                          Optional<CacheControl> cacheControl, Map<String, RawJson> extra) {
    /** Validates and normalises the fields. */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        content = Values.opt(content);
        name = Values.opt(name);
        toolCalls = Values.list(toolCalls);
        toolCallId = Values.opt(toolCallId);
        refusal = Values.opt(refusal);
        reasoningContent = Values.opt(reasoningContent);
        thinkingBlocks = Values.list(thinkingBlocks);
        cacheControl = Values.opt(cacheControl);
        extra = Values.map(extra);
    }

    /** A message without reasoning or cache marker. */
    public ChatMessage(String role, Optional<MessageContent> content, Optional<String> name, List<ToolCall> toolCalls,
                       Optional<String> toolCallId, Optional<String> refusal, Map<String, RawJson> extra) {
        this(role, content, name, toolCalls, toolCallId, refusal, Optional.empty(), List.of(), Optional.empty(),
                extra);
    }

    /** A message of the given role with plain text content. */
    public static ChatMessage of(String role, String text) {
        return new ChatMessage(role, Optional.of(MessageContent.of(text)), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Map.of());
    }

    /** A system message. */
    public static ChatMessage system(String text) {
        return of("system", text);
    }

    /** A user message. */
    public static ChatMessage user(String text) {
        return of("user", text);
    }

    /** An assistant message with text. */
    public static ChatMessage assistant(String text) {
        return of("assistant", text);
    }

    /** An assistant message that calls tools, with optional text. */
    public static ChatMessage assistantToolCalls(Optional<String> text, List<ToolCall> calls) {
        return new ChatMessage("assistant", text.map(MessageContent::of), Optional.empty(), calls,
                Optional.empty(), Optional.empty(), Map.of());
    }

    /** A tool result message. */
    public static ChatMessage tool(String toolCallId, String text) {
        return new ChatMessage("tool", Optional.of(MessageContent.of(text)), Optional.empty(), List.of(),
                Optional.of(toolCallId), Optional.empty(), Map.of());
    }

    /** The text of the content, or the empty string. */
    public String text() {
        return content.map(MessageContent::text).orElse("");
    }

    /** A new builder for a message of the given role. */
    public static Builder builder(String role) {
        return new Builder(role);
    }

    /** A builder holding this message's values. */
    public Builder toBuilder() {
        Builder b = new Builder(role);
        b.content = content;
        b.name = name;
        b.toolCalls = new ArrayList<>(toolCalls);
        b.toolCallId = toolCallId;
        b.refusal = refusal;
        b.reasoningContent = reasoningContent;
        b.thinkingBlocks = new ArrayList<>(thinkingBlocks);
        b.cacheControl = cacheControl;
        b.extra = new LinkedHashMap<>(extra);
        return b;
    }

    /** Builds a {@link ChatMessage}; setters take {@code null} for absent. */
    public static final class Builder {
        private String role;
        private Optional<MessageContent> content = Optional.empty();
        private Optional<String> name = Optional.empty();
        private List<ToolCall> toolCalls = new ArrayList<>();
        private Optional<String> toolCallId = Optional.empty();
        private Optional<String> refusal = Optional.empty();
        private Optional<String> reasoningContent = Optional.empty();
        private List<ThinkingBlock> thinkingBlocks = new ArrayList<>();
        private Optional<CacheControl> cacheControl = Optional.empty();
        private Map<String, RawJson> extra = new LinkedHashMap<>();

        private Builder(String role) {
            this.role = role;
        }

        /** Sets the role. */
        public Builder role(String value) {
            this.role = value;
            return this;
        }

        /** Sets the content. */
        public Builder content(MessageContent value) {
            this.content = Optional.ofNullable(value);
            return this;
        }

        /** Sets plain text content. */
        public Builder content(String text) {
            this.content = Optional.ofNullable(text).map(MessageContent::of);
            return this;
        }

        /** Sets the participant name. */
        public Builder name(String value) {
            this.name = Optional.ofNullable(value);
            return this;
        }

        /** Replaces the tool calls. */
        public Builder toolCalls(List<ToolCall> value) {
            this.toolCalls = new ArrayList<>(value);
            return this;
        }

        /** Appends a tool call. */
        public Builder addToolCall(ToolCall value) {
            this.toolCalls.add(value);
            return this;
        }

        /** Sets the id of the call a tool message answers. */
        public Builder toolCallId(String value) {
            this.toolCallId = Optional.ofNullable(value);
            return this;
        }

        /** Sets the refusal. */
        public Builder refusal(String value) {
            this.refusal = Optional.ofNullable(value);
            return this;
        }

        /** Sets the plain-text reasoning ({@code reasoning_content}). */
        public Builder reasoningContent(String value) {
            this.reasoningContent = Optional.ofNullable(value);
            return this;
        }

        /** Replaces the thinking blocks. */
        public Builder thinkingBlocks(List<ThinkingBlock> value) {
            this.thinkingBlocks = new ArrayList<>(value);
            return this;
        }

        /** Appends a thinking block. */
        public Builder addThinkingBlock(ThinkingBlock value) {
            this.thinkingBlocks.add(value);
            return this;
        }

        /** Sets the message-level prompt-cache marker. */
        public Builder cacheControl(CacheControl value) {
            this.cacheControl = Optional.ofNullable(value);
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

        /** Builds the message. */
        public ChatMessage build() {
            return new ChatMessage(role, content, name, toolCalls, toolCallId, refusal, reasoningContent,
                    thinkingBlocks, cacheControl, extra);
        }
    }
}
