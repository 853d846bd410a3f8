package io.heimdall.api.model;

import java.util.Objects;

/**
 * A model as listed by {@code GET /v1/models}.
 *
 * @param id      the model name clients use, for example {@code openai/gpt-4o-mini}
 * @param created creation time, seconds since the epoch
 * @param ownedBy the owner, by convention the provider
 */
public record ModelInfo(String id, long created, String ownedBy) {
    /** Validates the fields. */
    public ModelInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ownedBy, "ownedBy");
    }
}
