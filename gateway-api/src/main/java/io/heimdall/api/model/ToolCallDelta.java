package io.heimdall.api.model;

import java.util.Map;
import java.util.Optional;

/**
 * A fragment of a tool call in a stream chunk. The first fragment of a call carries its id and name; later ones append
 * to {@code arguments}. Fragments of one call share an {@code index}.
 *
 * @param index     the position of the call in the message's tool calls
 * @param id        the call id, on the first fragment
 * @param type      the tool type, on the first fragment
 * @param name      the function name, on the first fragment
 * @param arguments the next piece of the arguments text
 * @param extra     other fields of the fragment, passed through (for example Gemini's {@code extra_content} with the
 *                  call's thought signature)
 */
public record ToolCallDelta(int index, Optional<String> id, Optional<String> type, Optional<String> name,
                            Optional<String> arguments, Map<String, RawJson> extra) {
    /** Normalises the fields. */
    public ToolCallDelta {
        id = Values.opt(id);
        type = Values.opt(type);
        name = Values.opt(name);
        arguments = Values.opt(arguments);
        extra = Values.map(extra);
    }

    /** A fragment without other fields. */
    public ToolCallDelta(int index, Optional<String> id, Optional<String> type, Optional<String> name,
                         Optional<String> arguments) {
        this(index, id, type, name, arguments, Map.of());
    }

    /** The opening fragment of a function call. */
    public static ToolCallDelta start(int index, String id, String name, String arguments) {
        return new ToolCallDelta(index, Optional.of(id), Optional.of("function"), Optional.of(name),
                Optional.of(arguments == null ? "" : arguments));
    }

    /** A fragment appending to the arguments of call {@code index}. */
    public static ToolCallDelta arguments(int index, String arguments) {
        return new ToolCallDelta(index, Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(arguments));
    }
}
