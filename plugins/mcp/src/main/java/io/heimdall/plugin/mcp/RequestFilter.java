package io.heimdall.plugin.mcp;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.RawJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A request's own narrowing of the MCP tools: the request field {@code "mcp": {"include": [...], "exclude": [...]}}
 * (or {@code "mcp": false}), removed before the request goes upstream, and the headers {@code x-heimdall-mcp-include}
 * / {@code x-heimdall-mcp-exclude} (comma-separated globs of exposed names) and {@code x-heimdall-mcp: off}.
 *
 * @param off     no MCP tools for this request
 * @param include globs of exposed names to keep (empty: all)
 * @param exclude globs of exposed names to drop
 */
record RequestFilter(boolean off, List<String> include, List<String> exclude) {
    /** The request field. */
    static final String FIELD = "mcp";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Reads the field and the headers; the field's lists and the headers' lists add up. */
    static RequestFilter of(ChatRequest request, RequestContext context) {
        List<String> include = new ArrayList<>(globs(context.header("x-heimdall-mcp-include").orElse("")));
        List<String> exclude = new ArrayList<>(globs(context.header("x-heimdall-mcp-exclude").orElse("")));
        boolean off = context.header("x-heimdall-mcp").map(v -> v.trim().toLowerCase(Locale.ROOT))
                .filter(v -> v.equals("off") || v.equals("false") || v.equals("none")).isPresent();
        RawJson field = request.extra().get(FIELD);
        if (field != null) {
            try {
                JsonNode node = JSON.readTree(field.json());
                if (node.isBoolean()) {
                    off |= !node.booleanValue();
                } else if (node.isObject()) {
                    include.addAll(strings(node.get("include"), "mcp.include"));
                    exclude.addAll(strings(node.get("exclude"), "mcp.exclude"));
                } else if (!node.isNull()) {
                    throw GatewayException.badRequest("'mcp' must be an object {include, exclude} or false", FIELD);
                }
            } catch (JacksonException e) {
                throw GatewayException.badRequest("'mcp' is not valid JSON", FIELD);
            }
        }
        return new RequestFilter(off, List.copyOf(include), List.copyOf(exclude));
    }

    /** The request without the {@code mcp} field. */
    static ChatRequest strip(ChatRequest request) {
        if (!request.extra().containsKey(FIELD)) {
            return request;
        }
        ChatRequest.Builder b = request.toBuilder();
        var extra = new java.util.LinkedHashMap<>(request.extra());
        extra.remove(FIELD);
        return b.extra(extra).build();
    }

    private static List<String> globs(String header) {
        return Arrays.stream(header.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static List<String> strings(JsonNode node, String param) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw GatewayException.badRequest("'" + param + "' must be an array of strings", param);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : node) {
            if (!n.isString()) {
                throw GatewayException.badRequest("'" + param + "' must be an array of strings", param);
            }
            out.add(n.stringValue());
        }
        return out;
    }
}
