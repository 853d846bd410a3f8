package io.heimdall.api.model;

import java.util.Objects;
import java.util.Optional;

/**
 * A tool the model may call.
 *
 * @param type         the tool type, {@code function}
 * @param name         the function name
 * @param description  what the function does
 * @param parameters   the JSON Schema of the arguments
 * @param strict       whether the provider must follow the schema exactly
 * @param cacheControl a prompt-cache marker ({@code cache_control} on the tool object) ending at this tool
 */
public record Tool(String type, String name, Optional<String> description, Optional<RawJson> parameters,
                   Optional<Boolean> strict, Optional<CacheControl> cacheControl) {
    /** Validates the fields. */
    public Tool {
        type = type == null ? "function" : type;
        Objects.requireNonNull(name, "name");
        description = Values.opt(description);
        parameters = Values.opt(parameters);
        strict = Values.opt(strict);
        cacheControl = Values.opt(cacheControl);
    }

    /** A tool without cache marker. */
    public Tool(String type, String name, Optional<String> description, Optional<RawJson> parameters,
                Optional<Boolean> strict) {
        this(type, name, description, parameters, strict, Optional.empty());
    }

    /** A function tool. */
    public static Tool function(String name, String description, RawJson parameters) {
        return new Tool("function", name, Optional.ofNullable(description), Optional.ofNullable(parameters),
                Optional.empty());
    }

    /** The same tool with a prompt-cache marker. */
    public Tool withCacheControl(CacheControl value) {
        return new Tool(type, name, description, parameters, strict, Optional.of(value));
    }
}
