package io.heimdall.core.internal.engine;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.route.Target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The capabilities a request needs, each with the request field that needs it, so targets whose model lacks one are
 * skipped before any upstream call, and a request no target can serve gets a 400 naming the provider, model and field.
 */
final class Needs {
    /** A request that needs nothing beyond what every provider offers. */
    static final Needs NONE = new Needs(Map.of());

    private final Map<Capability, String> fields;

    private Needs(Map<Capability, String> fields) {
        this.fields = fields;
    }

    /** What a chat request needs: streaming, tools, images, response_format, reasoning controls. */
    static Needs of(ChatRequest request) {
        Map<Capability, String> fields = new LinkedHashMap<>();
        if (request.stream()) {
            fields.put(Capability.STREAMING, "stream");
        }
        if (!request.tools().isEmpty()) {
            fields.put(Capability.TOOLS, "tools");
        }
        request.responseFormat().filter(f -> !"text".equals(f.type()))
                .ifPresent(f -> fields.put(Capability.JSON_MODE, "response_format"));
        if (request.extra().containsKey("reasoning_effort")) {
            fields.put(Capability.REASONING, "reasoning_effort");
        }
        String image = imagePart(request.messages());
        if (!image.isEmpty()) {
            fields.put(Capability.VISION, image);
        }
        return fields.isEmpty() ? NONE : new Needs(fields);
    }

    /** What an embeddings request needs. */
    static Needs embeddings() {
        return new Needs(Map.of(Capability.EMBEDDINGS, "input"));
    }

    private static String imagePart(List<ChatMessage> messages) {
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).content().orElse(null) instanceof MessageContent.Parts parts) {
                List<ContentPart> list = parts.parts();
                for (int j = 0; j < list.size(); j++) {
                    if (list.get(j) instanceof ContentPart.Image) {
                        return "messages[" + i + "].content[" + j + "]";
                    }
                }
            }
        }
        return "";
    }

    /**
     * Keeps the candidates whose model offers every needed capability; throws a 400 naming the first target's gap when
     * none is left.
     */
    List<Target> filter(Generation g, List<Target> candidates) {
        if (fields.isEmpty() || candidates.isEmpty()) {
            return candidates;
        }
        List<Target> kept = new ArrayList<>(candidates.size());
        Target refused = null;
        Capability missing = null;
        for (Target t : candidates) {
            Set<Capability> offered = g.providers.get(t.provider()).provider().capabilities(t.model());
            Capability gap = null;
            for (Capability c : fields.keySet()) {
                if (!offered.contains(c)) {
                    gap = c;
                    break;
                }
            }
            if (gap == null) {
                kept.add(t);
            } else if (refused == null) {
                refused = t;
                missing = gap;
            }
        }
        if (kept.isEmpty()) {
            String field = fields.get(missing);
            String what = missing.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
            throw new GatewayException(GatewayError.of(400, GatewayError.INVALID_REQUEST,
                    "Provider '" + refused.provider() + "' does not support " + what + " for model '"
                            + refused.model() + "' (request field '" + field + "')", "unsupported_feature")
                    .withParam(field));
        }
        return kept;
    }
}
