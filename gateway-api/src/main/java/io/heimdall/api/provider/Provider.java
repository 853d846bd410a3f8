package io.heimdall.api.provider;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.ModelInfo;

import java.util.List;
import java.util.Set;

/**
 * One configured upstream. Calls are blocking and run on the request's virtual thread; an implementation must be safe
 * for concurrent use. Requests arrive with {@code model} already set to the upstream model name. Failures are thrown as
 * {@link GatewayException} carrying the upstream status and message, so the router can decide whether to retry.
 */
public interface Provider extends AutoCloseable {
    /** Answers a chat request in one piece. */
    ChatResponse chat(ChatRequest request, ProviderCall call);

    /**
     * Whether {@link #chatOpenAiJson} is offered: this provider's upstream answers in OpenAI's {@code chat.completion}
     * JSON, which {@link #chat} would only decode for the gateway to encode again. When nothing needs the answer as an
     * object (no cache, no hook that overrides {@code onResponse} or {@code onChunk}) and the transport writes JSON,
     * the core calls {@link #chatOpenAiJson} instead of {@link #chat} and relays the body untouched.
     */
    default boolean answersInOpenAiJson() {
        return false;
    }

    /**
     * As {@link #chat}, answering with the upstream's response body as it arrived: one OpenAI {@code chat.completion}
     * object. Failures are thrown as by {@link #chat}. The core reads the body only as far as its accounting needs (the
     * usage) and decodes it, with the decoder's errors, when it is not the plain shape.
     *
     * @throws UnsupportedOperationException unless {@link #answersInOpenAiJson()}
     */
    default byte[] chatOpenAiJson(ChatRequest request, ProviderCall call) {
        throw new UnsupportedOperationException("This provider answers with response objects only");
    }

    /**
     * Streams a chat request: pushes every chunk into {@code sink} as it arrives and returns when the stream is complete.
     * Throwing before the first chunk lets the core try another target; after it, the client sees an error event.
     */
    void stream(ChatRequest request, ProviderCall call, ChunkSink sink);

    /** Embeds texts. */
    default EmbeddingResponse embed(EmbeddingRequest request, ProviderCall call) {
        throw GatewayException.unsupported(call.provider(), "embeddings");
    }

    /** The models this provider offers (upstream names), for {@code GET /v1/models}. */
    default List<ModelInfo> listModels(ProviderCall call) {
        return List.of();
    }

    /** What this provider can do; the core rejects requests that need a capability it lacks. */
    default Set<Capability> capabilities() {
        return Set.of(Capability.CHAT, Capability.STREAMING);
    }

    /**
     * What this provider can do with one of its models (the upstream name). Before any upstream call the core skips
     * targets whose model lacks a capability the request needs (tools, images, {@code response_format}, streaming,
     * reasoning, embeddings); when no target is left the client gets a 400 naming the provider, model and field.
     * Defaults to {@link #capabilities()}.
     */
    default Set<Capability> capabilities(String model) {
        return capabilities();
    }

    /** Releases connections and threads. Called when a config reload replaces the provider. */
    @Override
    default void close() {
    }
}
