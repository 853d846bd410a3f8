package io.heimdall.api.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of a conversation.
 *
 * @param role       {@code system}, {@code developer}, {@code user}, {@code assistant} or {@code tool}
 * @param content    the content; absent for an assistant message that only calls tools
 * @param name       an optional participant name
 * @param toolCalls  the tool calls of an assistant message
 * @param toolCallId the call a {@code tool} message answers
 * @param refusal    an assistant's refusal text
 * @param extra      other fields, passed through
 */
public record ChatMessage(String role, Optional<MessageContent> content, Optional<String> name,
                          List<ToolCall> toolCalls, Optional<String> toolCallId, Optional<String> refusal,
                          Map<String, RawJson> extra) {
    /** Validates and normalises the fields. */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        content = Values.opt(content);
        name = Values.opt(name);
        toolCalls = Values.list(toolCalls);
        toolCallId = Values.opt(toolCallId);
        refusal = Values.opt(refusal);
        extra = Values.map(extra);
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
}
