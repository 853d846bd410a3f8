package io.heimdall.api.model;

import java.util.Objects;

/**
 * A complete tool call made by the assistant.
 *
 * @param id        the call id that the tool result message refers to
 * @param type      the tool type, {@code function}
 * @param name      the function name
 * @param arguments the arguments as the JSON text the model produced (not necessarily valid JSON)
 */
public record ToolCall(String id, String type, String name, String arguments) {
    /** Validates the fields. */
    public ToolCall {
        Objects.requireNonNull(id, "id");
        type = type == null ? "function" : type;
        Objects.requireNonNull(name, "name");
        arguments = arguments == null ? "" : arguments;
    }

    /** A function call. */
    public static ToolCall function(String id, String name, String arguments) {
        return new ToolCall(id, "function", name, arguments);
    }
}
