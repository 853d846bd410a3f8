package io.heimdall.provider.openai;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Capability;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How one service speaking the OpenAI wire format differs from OpenAI itself: request paths, authentication, request
 * fields it rejects, chunks and errors it shapes its own way. {@link OpenAiProvider} is the one implementation of the
 * wire; a flavor only adapts. The default methods describe OpenAI.
 */
interface Flavor {
    /** OpenAI and any server that behaves exactly like it. */
    Flavor OPENAI = new Flavor() {
    };

    /** The path of the chat endpoint below the base URL, for an upstream model name. */
    default String chatPath(String model) {
        return "/chat/completions";
    }

    /** The path of the embeddings endpoint below the base URL, for an upstream model name. */
    default String embeddingsPath(String model) {
        return "/embeddings";
    }

    /** The path of the model list below the base URL. */
    default String modelsPath() {
        return "/models";
    }

    /**
     * Rewrites a chat request to what the service accepts. Throws {@link GatewayException} (400) for a request the
     * service cannot answer at all.
     *
     * @param provider the configured provider name, for error messages
     */
    default ChatRequest adapt(ChatRequest request, String provider) {
        return request;
    }

    /** Rewrites an embeddings request to what the service accepts. */
    default EmbeddingRequest adapt(EmbeddingRequest request, String provider) {
        return request;
    }

    /**
     * Puts the credential of one attempt into the headers: by default {@code Authorization: Bearer <key>}.
     *
     * @return whether a credential was put; {@code false} lets a key-requiring provider refuse the call
     */
    default boolean authorize(Map<String, String> headers, Optional<Secret> key) {
        if (key.isEmpty()) {
            return false;
        }
        OpenAiProvider.put(headers, "Authorization", "Bearer " + key.get().reveal());
        return true;
    }

    /**
     * The chunks to hand on for one upstream chunk (none, the same, or several), given the request the client sent.
     */
    default List<ChatChunk> adaptChunk(ChatChunk chunk, ChatRequest request) {
        return List.of(chunk);
    }

    /**
     * Whether {@link #adaptChunk} hands every chunk on unchanged, so the upstream's chunk JSON may be relayed as it
     * came ({@link io.heimdall.api.provider.ChunkSink#takesOpenAiJson()}); false for a flavor that overrides it.
     */
    default boolean chunksAsSent() {
        return true;
    }

    /** Maps a decoded upstream error (already normalised to a gateway type) to the gateway's terms. */
    default GatewayError adaptError(GatewayError error) {
        return error;
    }

    /** Models listed from config instead of the upstream's list; empty to ask the upstream. */
    default List<ModelInfo> configuredModels() {
        return List.of();
    }

    /** What the provider can do, given what the OpenAI wire provider can do. */
    default Set<Capability> capabilities(Set<Capability> wire) {
        return wire;
    }
}
