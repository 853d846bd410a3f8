package io.heimdall.api.plugin;

import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.provider.ChunkSink;

import java.util.List;

/**
 * The whole request pipeline — caller's model allow-list, hooks, cache, router, retries, fallbacks, providers,
 * observers — as the core's own routes run it. A plugin route that offers another API surface (Anthropic Messages,
 * the Responses API) translates its request to the canonical one and runs it here with the route's
 * {@link io.heimdall.api.endpoint.EndpointRequest#context()}; an application embedding the gateway calls it
 * directly. Failures are thrown as {@link io.heimdall.api.GatewayException}.
 */
public interface Pipeline {
    /** A chat completion. */
    ChatResponse chat(ChatRequest request, RequestContext context);

    /** A streamed chat completion: each chunk is in {@code sink} before the next is read from the upstream. */
    void stream(ChatRequest request, RequestContext context, ChunkSink sink);

    /** Embeddings. */
    EmbeddingResponse embed(EmbeddingRequest request, RequestContext context);

    /** The models the caller may use, as {@code GET /v1/models} lists them. */
    List<ModelInfo> models(RequestContext context);
}
