package io.heimdall.api.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A complete (non-streamed) chat completion, {@code "object":"chat.completion"}.
 *
 * @param id                the completion id
 * @param created           creation time, seconds since the epoch
 * @param model             the model that answered
 * @param choices           the choices
 * @param usage             token usage
 * @param systemFingerprint the backend configuration fingerprint
 * @param serviceTier       the service tier used
 * @param extra             other fields, passed through
 */
public record ChatResponse(String id, long created, String model, List<Choice> choices, Optional<Usage> usage,
                           Optional<String> systemFingerprint, Optional<String> serviceTier,
                           Map<String, RawJson> extra) {
    /** Validates and normalises the fields. */
    public ChatResponse {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        choices = Values.list(choices);
        usage = Values.opt(usage);
        systemFingerprint = Values.opt(systemFingerprint);
        serviceTier = Values.opt(serviceTier);
        extra = Values.map(extra);
    }

    /** A response with the given choices and usage and nothing else. */
    public static ChatResponse of(String id, long created, String model, List<Choice> choices, Usage usage) {
        return new ChatResponse(id, created, model, choices, Optional.ofNullable(usage), Optional.empty(),
                Optional.empty(), Map.of());
    }

    /** The same response naming another model. */
    public ChatResponse withModel(String newModel) {
        return new ChatResponse(id, created, newModel, choices, usage, systemFingerprint, serviceTier, extra);
    }

    /** The text of the first choice, or the empty string. */
    public String firstText() {
        return choices.isEmpty() ? "" : choices.getFirst().message().text();
    }
}
