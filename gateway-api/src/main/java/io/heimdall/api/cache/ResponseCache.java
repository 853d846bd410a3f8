package io.heimdall.api.cache;

import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatRequest;

import java.util.Optional;

/**
 * A chat response cache, exact or semantic: the {@link io.heimdall.api.plugin.Plugin#cache()} role. Lookups run on
 * the request path after the pre-hooks; stores run off it, after the client has its answer. Implementations decide what part of the request forms the key and must be safe for
 * concurrent use.
 */
public interface ResponseCache {
    /** A stored answer for this request, if one fits. */
    Optional<CachedAnswer> lookup(ChatRequest request, RequestContext context);

    /** Stores the answer to a request. */
    void store(ChatRequest request, CachedAnswer answer, RequestContext context);

    /** Removes what is stored for this request. */
    default void invalidate(ChatRequest request) {
    }

    /** Removes everything. */
    default void clear() {
    }

}
