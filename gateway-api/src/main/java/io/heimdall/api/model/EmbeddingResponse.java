package io.heimdall.api.model;

import java.util.List;
import java.util.Objects;

/**
 * An embeddings response.
 *
 * @param model the model that answered
 * @param data  one embedding per input, in input order
 * @param usage token usage
 */
public record EmbeddingResponse(String model, List<Embedding> data, Usage usage) {
    /** Validates the fields. */
    public EmbeddingResponse {
        Objects.requireNonNull(model, "model");
        data = Values.list(data);
        Objects.requireNonNull(usage, "usage");
    }

    /** The same response naming another model. */
    public EmbeddingResponse withModel(String newModel) {
        return new EmbeddingResponse(newModel, data, usage);
    }
}
