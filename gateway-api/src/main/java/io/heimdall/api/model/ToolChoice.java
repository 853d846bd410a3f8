package io.heimdall.api.model;

import java.util.Objects;
import java.util.Optional;

/**
 * How the model may use tools: {@code none}, {@code auto}, {@code required}, or {@code function} with a named function.
 * A shape the model does not know is kept in {@code raw} and passed through.
 *
 * @param mode     {@code none}, {@code auto}, {@code required}, {@code function} or {@code raw}
 * @param function the function name when mode is {@code function}
 * @param raw      the original JSON when mode is {@code raw}
 */
public record ToolChoice(String mode, Optional<String> function, Optional<RawJson> raw) {
    /** Validates the fields. */
    public ToolChoice {
        Objects.requireNonNull(mode, "mode");
        function = Values.opt(function);
        raw = Values.opt(raw);
    }

    /** A plain mode: {@code none}, {@code auto} or {@code required}. */
    public static ToolChoice mode(String mode) {
        return new ToolChoice(mode, Optional.empty(), Optional.empty());
    }

    /** Forces the named function. */
    public static ToolChoice function(String name) {
        return new ToolChoice("function", Optional.of(name), Optional.empty());
    }
}
