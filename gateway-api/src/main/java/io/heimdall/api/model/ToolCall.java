package io.heimdall.api.model;

import java.util.Map;
import java.util.Objects;

/**
 * A complete tool call made by the assistant.
 *
 * @param id        the call id that the tool result message refers to
 * @param type      the tool type, {@code function}
 * @param name      the function name
 * @param arguments the arguments as the JSON text the model produced (not necessarily valid JSON)
 * @param extra     other fields of the call, passed through; for example Gemini's thought signature,
 *                  {@code "extra_content":{"google":{"thought_signature":"..."}}}, which must come back on the next
 *                  turn
 */
public record ToolCall(String id, String type, String name, String arguments, Map<String, RawJson> extra) {
    /** Validates the fields. */
    public ToolCall {
        Objects.requireNonNull(id, "id");
        type = type == null ? "function" : type;
        Objects.requireNonNull(name, "name");
        arguments = arguments == null ? "" : arguments;
        extra = Values.map(extra);
    }

    /** A call without other fields. */
    public ToolCall(String id, String type, String name, String arguments) {
        this(id, type, name, arguments, Map.of());
    }

    /** A function call. */
    public static ToolCall function(String id, String name, String arguments) {
        return new ToolCall(id, "function", name, arguments);
    }
}
