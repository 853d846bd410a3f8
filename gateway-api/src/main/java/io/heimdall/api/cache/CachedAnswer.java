package io.heimdall.api.cache;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatResponse;

import java.util.List;
import java.util.Objects;

/**
 * A stored answer: the whole response, and the chunks it was streamed as (empty if it was not streamed), so a
 * streaming request can be answered by replaying them.
 *
 * @param response the complete response
 * @param chunks   the original chunks, in order
 * @param tier     which tier answered, for metrics and the {@code x-heimdall-cache} header (for example {@code exact}
 *                 or {@code semantic})
 */
public record CachedAnswer(ChatResponse response, List<ChatChunk> chunks, String tier) {
    /** Validates and copies the fields. */
    public CachedAnswer {
        Objects.requireNonNull(response, "response");
        chunks = List.copyOf(chunks);
        Objects.requireNonNull(tier, "tier");
    }

    /** An answer from the {@code exact} tier. */
    public CachedAnswer(ChatResponse response, List<ChatChunk> chunks) {
        this(response, chunks, "exact");
    }
}
