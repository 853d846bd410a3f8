package io.heimdall.api.provider;

import io.heimdall.api.model.ChatChunk;

/**
 * Where a streaming provider pushes chunks. Each call writes the chunk to the client before it returns (back-pressure
 * by blocking). If the client has gone away it throws {@link io.heimdall.api.GatewayException} with status 499, and
 * the provider should stop reading its upstream and return.
 */
@FunctionalInterface
public interface ChunkSink {
    /** Delivers the next chunk. */
    void accept(ChatChunk chunk);
}
