package io.heimdall.provider.gemini.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.RawJson;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code generationConfig.thinkingConfig} from a canonical request: {@code reasoning_effort} (none, minimal, low,
 * medium, high) becomes a {@code thinkingBudget} (0, 512, 1024, 8192, 24576; {@code thinkingLevel} low or high for
 * Gemini 3 models) with {@code includeThoughts}; Anthropic-style {@code thinking} ({@code budget_tokens}) becomes a
 * budget; an explicit {@code thinking_config} / {@code thinkingConfig} (also under {@code google} or
 * {@code extra_body.google}, as Google's OpenAI-compatible endpoint takes it) is passed through and wins.
 */
final class Thinking {
    private Thinking() {
    }

    static Optional<ObjectNode> config(ChatRequest r) {
        ObjectNode t = Json.object();
        RawJson effort = r.extra().get("reasoning_effort");
        if (effort != null) {
            String e = Json.parse(effort).asText("").toLowerCase(Locale.ROOT);
            if (r.model().startsWith("gemini-3")) {
                t.put("thinkingLevel", switch (e) {
                    case "none", "minimal", "low" -> "low";
                    case "medium", "high" -> "high";
                    default -> throw unknownEffort(e);
                });
            } else {
                t.put("thinkingBudget", switch (e) {
                    case "none" -> 0;
                    case "minimal" -> 512;
                    case "low" -> 1024;
                    case "medium" -> 8192;
                    case "high" -> 24576;
                    default -> throw unknownEffort(e);
                });
            }
            t.put("includeThoughts", !e.equals("none"));
        }
        RawJson thinking = r.extra().get("thinking");
        if (thinking != null) {
            JsonNode th = Json.parse(thinking);
            if ("disabled".equals(th.path("type").asText())) {
                t.put("thinkingBudget", 0);
            } else if (th.has("budget_tokens")) {
                t.put("thinkingBudget", th.path("budget_tokens").asInt());
                t.put("includeThoughts", true);
            }
        }
        explicit(r.extra()).ifPresent(o -> t.setAll(camel(o)));
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    private static GatewayException unknownEffort(String e) {
        return GatewayException.badRequest("reasoning_effort must be none, minimal, low, medium or high, not '" + e
                + "'", "reasoning_effort");
    }

    private static Optional<ObjectNode> explicit(Map<String, RawJson> extra) {
        for (String key : new String[]{"thinking_config", "thinkingConfig"}) {
            if (extra.get(key) != null && Json.parse(extra.get(key)) instanceof ObjectNode o) {
                return Optional.of(o);
            }
        }
        for (String key : new String[]{"google", "extra_body"}) {
            if (extra.get(key) != null) {
                JsonNode node = Json.parse(extra.get(key));
                JsonNode google = key.equals("google") ? node : node.path("google");
                JsonNode cfg = Json.either(google, "thinkingConfig", "thinking_config");
                if (cfg instanceof ObjectNode o) {
                    return Optional.of(o);
                }
            }
        }
        return Optional.empty();
    }

    /** The object with snake_case keys turned into Gemini's camelCase. */
    private static ObjectNode camel(ObjectNode o) {
        ObjectNode out = Json.object();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            StringBuilder sb = new StringBuilder();
            boolean up = false;
            for (char c : e.getKey().toCharArray()) {
                if (c == '_') {
                    up = true;
                } else {
                    sb.append(up ? Character.toUpperCase(c) : c);
                    up = false;
                }
            }
            out.set(sb.toString(), e.getValue());
        }
        return out;
    }
}
