package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.RawJson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Typed reads from a JSON tree with path-precise errors. {@code strict} readers (for client requests) reject wrong
 * types; lenient ones (for upstream bodies) treat a wrong type as absent where that is harmless.
 */
final class JsonReader {
    /** Thrown for a value of the wrong type; the codec turns it into a 400 or a 502. */
    static final class JsonTypeException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String path;

        JsonTypeException(String path, String message) {
            super(message);
            this.path = path;
        }
    }

    private JsonReader() {
    }

    static Optional<String> string(JsonNode obj, String field, String path) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull() || n.isMissingNode()) {
            return Optional.empty();
        }
        if (!n.isTextual()) {
            throw new JsonTypeException(join(path, field), "'" + join(path, field) + "' must be a string");
        }
        return Optional.of(n.textValue());
    }

    static String requiredString(JsonNode obj, String field, String path) {
        return string(obj, field, path).orElseThrow(
                () -> new JsonTypeException(join(path, field), "'" + join(path, field) + "' is required"));
    }

    static Optional<Double> number(JsonNode obj, String field, String path) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isNumber()) {
            throw new JsonTypeException(join(path, field), "'" + join(path, field) + "' must be a number");
        }
        return Optional.of(n.doubleValue());
    }

    static Optional<Integer> integer(JsonNode obj, String field, String path) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new JsonTypeException(join(path, field), "'" + join(path, field) + "' must be an integer");
        }
        return Optional.of(n.intValue());
    }

    static Optional<Long> longValue(JsonNode obj, String field, String path) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new JsonTypeException(join(path, field), "'" + join(path, field) + "' must be an integer");
        }
        return Optional.of(n.longValue());
    }

    static long longOr(JsonNode obj, String field, long fallback) {
        JsonNode n = obj.get(field);
        return n != null && n.canConvertToLong() ? n.asLong() : fallback;
    }

    static Optional<Boolean> bool(JsonNode obj, String field, String path) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isBoolean()) {
            throw new JsonTypeException(join(path, field), "'" + join(path, field) + "' must be a boolean");
        }
        return Optional.of(n.booleanValue());
    }

    static Optional<JsonNode> object(JsonNode obj, String field, String path) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (!n.isObject()) {
            throw new JsonTypeException(join(path, field), "'" + join(path, field) + "' must be an object");
        }
        return Optional.of(n);
    }

    static <T> List<T> array(JsonNode obj, String field, String path, ElementReader<T> reader) {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw new JsonTypeException(join(path, field), "'" + join(path, field) + "' must be an array");
        }
        List<T> out = new ArrayList<>(n.size());
        for (int i = 0; i < n.size(); i++) {
            out.add(reader.read(n.get(i), join(path, field) + "[" + i + "]"));
        }
        return out;
    }

    static Optional<RawJson> raw(JsonNode obj, String field) {
        JsonNode n = obj.get(field);
        return n == null || n.isMissingNode() ? Optional.empty() : Optional.of(rawOf(n));
    }

    static Map<String, RawJson> extra(JsonNode obj, Set<String> known) {
        Map<String, RawJson> extra = null;
        for (Map.Entry<String, JsonNode> e : obj.properties()) {
            if (!known.contains(e.getKey())) {
                if (extra == null) {
                    extra = new LinkedHashMap<>();
                }
                extra.put(e.getKey(), rawOf(e.getValue()));
            }
        }
        return extra == null ? Map.of() : extra;
    }

    /** A node as raw JSON, with its source text when it has one. */
    static RawJson rawOf(JsonNode n) {
        return n.isNull() ? RawJson.NULL : new RawJson(SourceTree.text(n));
    }

    static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** Reads one array element at a path. */
    @FunctionalInterface
    interface ElementReader<T> {
        T read(JsonNode node, String path);
    }
}
