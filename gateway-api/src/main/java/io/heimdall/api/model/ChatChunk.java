package io.heimdall.api.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One event of a streamed chat completion, {@code "object":"chat.completion.chunk"}. The usage chunk requested with
 * {@code stream_options.include_usage} has no choices.
 *
 * @param id                the completion id, the same on every chunk
 * @param created           creation time, seconds since the epoch
 * @param model             the model that answered
 * @param choices           the choices' deltas
 * @param usage             token usage, on the usage chunk
 * @param systemFingerprint the backend configuration fingerprint
 * @param extra             other fields, passed through
 */
public record ChatChunk(String id, long created, String model, List<ChunkChoice> choices, Optional<Usage> usage,
                        Optional<String> systemFingerprint, Map<String, RawJson> extra) {
    /** Validates and normalises the fields. */
    public ChatChunk {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        choices = Values.list(choices);
        usage = Values.opt(usage);
        systemFingerprint = Values.opt(systemFingerprint);
        extra = Values.map(extra);
    }

    /** A chunk with one choice. */
    public static ChatChunk of(String id, long created, String model, ChunkChoice choice) {
        return new ChatChunk(id, created, model, List.of(choice), Optional.empty(), Optional.empty(), Map.of());
    }

    /** The usage chunk: no choices. */
    public static ChatChunk usage(String id, long created, String model, Usage usage) {
        return new ChatChunk(id, created, model, List.of(), Optional.of(usage), Optional.empty(), Map.of());
    }

    /** The same chunk naming another model. */
    public ChatChunk withModel(String newModel) {
        return new ChatChunk(id, created, newModel, choices, usage, systemFingerprint, extra);
    }
}
