package io.heimdall.api.model;

import java.util.Objects;
import java.util.Optional;

/**
 * The requested output format: {@code text}, {@code json_object}, or {@code json_schema} with a named schema.
 *
 * @param type   {@code text}, {@code json_object} or {@code json_schema}
 * @param name   the schema name (json_schema)
 * @param schema the JSON Schema (json_schema)
 * @param strict whether the schema must be followed exactly (json_schema)
 */
public record ResponseFormat(String type, Optional<String> name, Optional<RawJson> schema, Optional<Boolean> strict) {
    /** Validates the fields. */
    public ResponseFormat {
        Objects.requireNonNull(type, "type");
        name = Values.opt(name);
        schema = Values.opt(schema);
        strict = Values.opt(strict);
    }

    /** {@code {"type":"json_object"}}. */
    public static ResponseFormat jsonObject() {
        return new ResponseFormat("json_object", Optional.empty(), Optional.empty(), Optional.empty());
    }
}
