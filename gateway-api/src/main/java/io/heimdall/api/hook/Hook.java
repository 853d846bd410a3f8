package io.heimdall.api.hook;

import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.observe.RequestSummary;

import java.util.List;

/**
 * A pre/post hook: the {@link io.heimdall.api.plugin.Plugin#hook()} role. Every method has a default that lets the
 * request through unchanged, so a hook overrides only what it needs. Hooks run after authentication (the caller is
 * {@code context.caller()}), in the order of the {@code plugins:} list before the request and in reverse order after
 * it. They must be safe for concurrent use and fast: they run on the request path. An exception is a logged 500.
 */
public interface Hook {
    /**
     * Runs before the cache and the router, for plain and streamed chat requests. May change the request, answer it
     * (whole or as a stream), or reject it.
     */
    default RequestOutcome onRequest(ChatRequest request, RequestContext context) {
        return RequestOutcome.proceed(request);
    }

    /** Runs before an embeddings request is routed. May change or reject it. */
    default HookOutcome<EmbeddingRequest> onEmbeddings(EmbeddingRequest request, RequestContext context) {
        return HookOutcome.proceed(request);
    }

    /**
     * Filters or changes the model list of {@code GET /v1/models} and {@code GET /v1/models/{id}} (the core already
     * removed the models the caller is not allowed to use).
     */
    default List<ModelInfo> onModels(List<ModelInfo> models, RequestContext context) {
        return models;
    }

    /**
     * Runs after the provider answered, in reverse hook order. May replace the response or reject it. For a streamed
     * request it runs once on the response rebuilt from all chunks (with usage), after the client has received them:
     * its outcome is then only observed (a rejection is logged), since the bytes are already sent.
     */
    default HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response, RequestContext context) {
        return HookOutcome.proceed(response);
    }

    /** Runs on each streamed chunk before it is sent. May change the chunk or reject the rest of the stream. */
    default HookOutcome<ChatChunk> onChunk(ChatChunk chunk, RequestContext context) {
        return HookOutcome.proceed(chunk);
    }

    /**
     * Runs once when a request whose {@link #onRequest} (or {@link #onEmbeddings}) this hook saw has ended, however it
     * ended: answered, failed, or abandoned by the client ({@code summary.status() == 499}). Use it to release what
     * {@code onRequest} reserved (a budget, a concurrency slot). Exceptions are logged and ignored.
     */
    default void onEnd(RequestSummary summary, RequestContext context) {
    }
}
