package io.heimdall.plugin.jsonvalidation;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a response must be: a JSON object ({@code json_object}), or a JSON value valid against a schema (draft
 * 2020-12 unless the schema's {@code $schema} says otherwise). Immutable and safe for concurrent use.
 *
 * @param source where the requirement comes from, for messages ({@code response_format} or a config path)
 * @param schema the compiled schema; empty for "any JSON object"
 */
record JsonCheck(String source, Optional<Schema> schema) {
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12);
    /** The draft 2020-12 meta-schema (bundled with the validator, never fetched), to reject invalid schemas. */
    private static final Schema META = REGISTRY.getSchema(SchemaLocation.of(
            "https://json-schema.org/draft/2020-12/schema"));
    /** Compiled schemas of requests, by their text; cleared when it grows past {@link #MAX_CACHED}. */
    private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();
    private static final int MAX_CACHED = 512;

    /** Any JSON object. */
    static JsonCheck anyObject(String source) {
        return new JsonCheck(source, Optional.empty());
    }

    /**
     * A schema given as JSON text.
     *
     * @throws IllegalArgumentException if it is not a valid schema
     */
    static JsonCheck schema(String source, String schemaJson) {
        Schema s = CACHE.get(schemaJson);
        if (s == null) {
            try {
                List<Error> invalid = META.validate(JSON.readTree(schemaJson));
                if (!invalid.isEmpty()) {
                    throw new IllegalArgumentException(invalid.getFirst().toString());
                }
                s = REGISTRY.getSchema(schemaJson, InputFormat.JSON);
                s.initializeValidators();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(source + ": not a valid JSON schema: " + e.getMessage(), e);
            }
            if (CACHE.size() >= MAX_CACHED) {
                CACHE.clear();
            }
            CACHE.put(schemaJson, s);
        }
        return new JsonCheck(source, Optional.of(s));
    }

    /** Why the text fails this check, or empty if it passes. At most three schema errors are named. */
    Optional<String> problem(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            return Optional.of("the output is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (node == null || node.isMissingNode()) {
            return Optional.of("the output is empty, not JSON");
        }
        if (schema.isEmpty()) {
            return node.isObject() ? Optional.empty()
                    : Optional.of("the output is JSON but not an object (" + node.getNodeType() + ")");
        }
        List<Error> errors = schema.get().validate(node);
        if (errors.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder("the output does not match the schema: ");
        for (int i = 0; i < Math.min(3, errors.size()); i++) {
            sb.append(i == 0 ? "" : "; ").append(errors.get(i).toString());
        }
        if (errors.size() > 3) {
            sb.append("; and ").append(errors.size() - 3).append(" more");
        }
        return Optional.of(sb.toString());
    }
}
