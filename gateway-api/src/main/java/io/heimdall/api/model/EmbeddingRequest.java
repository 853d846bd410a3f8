package io.heimdall.api.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An embeddings request. A single string input is a list of one with {@code singleInput} set, so it can be echoed back
 * in the same shape.
 *
 * @param model          the model name
 * @param input          the texts to embed
 * @param singleInput    whether the client sent one string rather than an array
 * @param encodingFormat {@code float} or {@code base64}, as the client asked; providers always return floats
 * @param dimensions     the requested vector size
 * @param user           end-user id
 * @param extra          other fields, passed through
 */
public record EmbeddingRequest(String model, List<String> input, boolean singleInput,
                               Optional<String> encodingFormat, Optional<Integer> dimensions, Optional<String> user,
                               Map<String, RawJson> extra) {
    /** Validates and normalises the fields. */
    public EmbeddingRequest {
        Objects.requireNonNull(model, "model");
        input = Values.list(input);
        encodingFormat = Values.opt(encodingFormat);
        dimensions = Values.opt(dimensions);
        user = Values.opt(user);
        extra = Values.map(extra);
    }

    /** A request for the given texts. */
    public static EmbeddingRequest of(String model, List<String> input) {
        return new EmbeddingRequest(model, input, false, Optional.empty(), Optional.empty(), Optional.empty(),
                Map.of());
    }

    /** The same request for another model. */
    public EmbeddingRequest withModel(String newModel) {
        return new EmbeddingRequest(newModel, input, singleInput, encodingFormat, dimensions, user, extra);
    }
}
