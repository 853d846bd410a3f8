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
 */
public record CachedAnswer(ChatResponse response, List<ChatChunk> chunks) {
    /** Validates and copies the fields. */
    public CachedAnswer {
        Objects.requireNonNull(response, "response");
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
    }
}
