package io.heimdall.testkit.tck;

import java.util.List;
import java.util.Objects;

/**
 * One message as a provider received it (see {@link SeenRequest}).
 *
 * @param role          {@code user}, {@code assistant} or {@code tool}
 * @param text          its text, parts joined without separator
 * @param toolCallIds   an assistant message's tool call ids (names where the wire has no ids)
 * @param toolResultFor a tool result's call id (its function name where the provider matches by name); else empty
 * @param images        how many images it carries
 */
public record SeenMessage(String role, String text, List<String> toolCallIds, String toolResultFor, int images) {
    /** Validates and copies the fields. */
    public SeenMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(text, "text");
        toolCallIds = List.copyOf(toolCallIds);
        Objects.requireNonNull(toolResultFor, "toolResultFor");
    }
}
