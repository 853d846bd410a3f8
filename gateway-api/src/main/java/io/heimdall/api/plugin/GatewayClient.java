package io.heimdall.api.plugin;

import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.provider.ChunkSink;

/**
 * The gateway calling itself from inside a request: routes a request by model name through the router, providers,
 * retries and fallbacks, without running hooks or the cache again. Each call is a child request of {@code parent}
 * (its own request id suffix, the parent's caller and deadline; observers see it with
 * {@link RequestContext#parent()} set), not an attempt of the parent. A semantic cache embeds prompts with it; an
 * agent loop calls the model again and again from inside one request with it.
 */
public interface GatewayClient {
    /** A chat completion for a model name as a client would write it ({@code provider/model} or an alias). */
    ChatResponse chat(ChatRequest request, RequestContext parent);

    /** A streamed chat completion. */
    void stream(ChatRequest request, RequestContext parent, ChunkSink sink);

    /** Embeddings for a model name as a client would write it. */
    EmbeddingResponse embed(EmbeddingRequest request, RequestContext parent);
}
