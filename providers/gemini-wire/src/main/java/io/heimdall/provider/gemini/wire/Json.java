package io.heimdall.provider.gemini.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.RawJson;

import java.io.IOException;
import java.util.Optional;

/** The shared Jackson mapper and the few tree helpers the translation needs. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses text that must be JSON; empty on a syntax error. */
    static Optional<JsonNode> parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            return Optional.ofNullable(node).filter(n -> !n.isMissingNode());
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    static JsonNode parse(RawJson raw) {
        return parse(raw.json()).orElseThrow(() -> new IllegalStateException("RawJson is not JSON"));
    }

    /** Parses an upstream body; a body that is not JSON is a 502 {@code bad_upstream_response}. */
    static JsonNode upstream(byte[] body, String provider) {
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new IOException("empty body");
            }
            return node;
        } catch (IOException e) {
            throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR,
                    "Provider '" + provider + "' sent a response that is not valid JSON", "bad_upstream_response"));
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A text field, or empty when absent or not text. */
    static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }

    /** The field under its camelCase or snake_case name (Google's JSON accepts both). */
    static JsonNode either(JsonNode node, String camel, String snake) {
        JsonNode v = node.get(camel);
        return v != null ? v : node.get(snake);
    }
}
