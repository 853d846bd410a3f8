package io.heimdall.provider.openai;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.RawJson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Request rewrites shared by the flavors: dropping fields a service rejects, and limits it only knows one way. */
final class Quirks {
    /** The pseudo-field that drops every message's participant {@code name}. */
    static final String MESSAGE_NAME = "messages.name";

    private Quirks() {
    }

    /**
     * Removes the named top-level fields (wire names) from a request; {@link #MESSAGE_NAME} removes the messages'
     * names. Fields the canonical model does not know are removed from {@code extra}.
     */
    static ChatRequest drop(ChatRequest request, Set<String> fields) {
        if (fields.isEmpty()) {
            return request;
        }
        ChatRequest.Builder b = request.toBuilder();
        Map<String, RawJson> extra = new LinkedHashMap<>(request.extra());
        for (String field : fields) {
            switch (field) {
                case "stream_options" -> b.streamOptions(null);
                case "parallel_tool_calls" -> b.parallelToolCalls(null);
                case "seed" -> b.seed(null);
                case "user" -> b.user(null);
                case "n" -> b.n(null);
                case "presence_penalty" -> b.presencePenalty(null);
                case "frequency_penalty" -> b.frequencyPenalty(null);
                case "stop" -> b.stop(List.of());
                case "max_completion_tokens" -> b.maxCompletionTokens(null);
                case MESSAGE_NAME -> b.messages(withoutNames(request.messages()));
                default -> extra.remove(field);
            }
        }
        return b.extra(extra).build();
    }

    /** Sends {@code max_completion_tokens} as {@code max_tokens} (the former wins when both are set). */
    static ChatRequest maxTokensOnly(ChatRequest request) {
        if (request.maxCompletionTokens().isEmpty()) {
            return request;
        }
        return request.toBuilder().maxTokens(request.maxCompletionTokens().get()).maxCompletionTokens(null).build();
    }

    /** Refuses {@code n > 1} with a 400 naming the provider; drops {@code n: 1}. */
    static ChatRequest singleChoice(ChatRequest request, String provider, String type) {
        if (request.n().isEmpty()) {
            return request;
        }
        if (request.n().get() > 1) {
            throw new GatewayException(GatewayError.of(400, GatewayError.INVALID_REQUEST,
                    "Provider '" + provider + "' (" + type + ") does not support n > 1", "unsupported_parameter")
                    .withParam("n"));
        }
        return request.toBuilder().n(null).build();
    }

    private static List<ChatMessage> withoutNames(List<ChatMessage> messages) {
        List<ChatMessage> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            out.add(m.name().isEmpty() ? m : m.toBuilder().name(null).build());
        }
        return out;
    }
}
