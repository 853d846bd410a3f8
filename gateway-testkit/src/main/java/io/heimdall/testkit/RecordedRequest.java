package io.heimdall.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request as {@link MockOpenAiServer} received it.
 *
 * @param method  the HTTP method
 * @param path    the raw path, with {@code ?query} when there was one
 * @param headers the headers, names in lower case, values in order
 * @param body    the body as UTF-8 text, empty for none
 */
public record RecordedRequest(String method, String path, Map<String, List<String>> headers, String body) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Validates and copies the fields. */
    public RecordedRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    /** The first value of a header, name case-insensitive. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /**
     * The value at a JSON Pointer in the body: a string's text, or the JSON text of any other value; empty when the
     * body is not JSON or has no such value. For example {@code jsonValue("/stream_options/include_usage")} gives
     * {@code "true"}, {@code jsonValue("/messages/0/content")} the first message's text.
     */
    public Optional<String> jsonValue(String pointer) {
        try {
            JsonNode node = MAPPER.readTree(body).at(pointer);
            if (node.isMissingNode()) {
                return Optional.empty();
            }
            return Optional.of(node.isTextual() ? node.textValue() : node.toString());
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "RecordedRequest[" + method + " " + path + ", " + body.length() + " chars]";
    }
}
