package io.heimdall.provider.anthropic.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.CacheControl;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.RawJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** The shared Jackson mapper (numbers kept exact) and small tree helpers. */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A raw value from the canonical model as a tree; a 400 naming {@code param} if it is not JSON. */
    static JsonNode raw(RawJson raw, String param) {
        try {
            return MAPPER.readTree(raw.json());
        } catch (JsonProcessingException e) {
            throw GatewayException.badRequest("'" + param + "' is not valid JSON", param);
        }
    }

    /** An upstream body as a tree; a 502 {@code bad_upstream_response} if it is not a JSON object. */
    static JsonNode upstream(byte[] body, String provider) {
        return object(body, provider, "a body that is not a JSON object");
    }

    /** An upstream stream event's data as a tree. */
    static JsonNode upstream(String data, String provider) {
        return object(data.getBytes(StandardCharsets.UTF_8), provider, "a stream event that is not a JSON object");
    }

    private static JsonNode object(byte[] json, String provider, String what) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        throw badUpstream(provider, what);
    }

    static GatewayException badUpstream(String provider, String what) {
        return new GatewayException(GatewayError.of(502, GatewayError.API_ERROR,
                "Provider '" + provider + "' sent " + what, "bad_upstream_response"));
    }

    /** A canonical {@code cache_control} as the Messages API's object. */
    static ObjectNode cacheControl(CacheControl cc) {
        ObjectNode node = object().put("type", cc.type());
        cc.ttl().ifPresent(ttl -> node.put("ttl", ttl));
        putAll(node, cc.extra(), "cache_control");
        return node;
    }

    static void cacheControl(ObjectNode target, Optional<CacheControl> cc) {
        cc.ifPresent(c -> target.set("cache_control", cacheControl(c)));
    }

    static void putAll(ObjectNode target, Map<String, RawJson> extra, String param) {
        for (Map.Entry<String, RawJson> e : extra.entrySet()) {
            target.set(e.getKey(), raw(e.getValue(), param + "." + e.getKey()));
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    static Optional<String> optText(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
