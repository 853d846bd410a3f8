package io.heimdall.core.internal.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.RawJson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A request's own fallback chain: the body field {@code "fallbacks": ["provider/model", "<alias>", ...]}, tried in
 * order after the requested model's targets. The field is Heimdall's, so it is removed before the request goes
 * upstream.
 */
final class Fallbacks {
    static final String FIELD = "fallbacks";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX = 8;

    private Fallbacks() {
    }

    /** The fallback model names the request carries, each allowed for the caller. */
    static List<String> of(ChatRequest request, RequestContext ctx) {
        RawJson raw = request.extra().get(FIELD);
        if (raw == null) {
            return List.of();
        }
        JsonNode node;
        try {
            node = JSON.readTree(raw.json());
        } catch (Exception e) {
            node = null;
        }
        if (node == null || !node.isArray() || node.size() > MAX) {
            throw invalid("'fallbacks' must be an array of at most " + MAX + " model names");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode m = node.get(i);
            if (!m.isTextual() || m.asText().isBlank()) {
                throw invalid("'fallbacks[" + i + "]' must be a model name such as 'openai/gpt-4o-mini'");
            }
            if (!ctx.caller().allows(m.asText())) {
                throw new GatewayException(new GatewayError(403, GatewayError.PERMISSION, "Caller '"
                        + ctx.caller().id() + "' may not use model '" + m.asText() + "'",
                        Optional.of("fallbacks[" + i + "]"), Optional.of("model_not_allowed"), Optional.empty()));
            }
            out.add(m.asText());
        }
        return List.copyOf(out);
    }

    /** The request without the {@code fallbacks} field. */
    static ChatRequest strip(ChatRequest request) {
        if (!request.extra().containsKey(FIELD)) {
            return request;
        }
        Map<String, RawJson> extra = new LinkedHashMap<>(request.extra());
        extra.remove(FIELD);
        return request.toBuilder().extra(extra).build();
    }

    private static GatewayException invalid(String message) {
        return new GatewayException(GatewayError.invalidRequest(message, FIELD));
    }
}
