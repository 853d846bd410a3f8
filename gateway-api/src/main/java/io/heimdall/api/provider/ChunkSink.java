package io.heimdall.api.provider;

import io.heimdall.api.model.ChatChunk;

/**
 * Where a streaming provider pushes chunks. Each call writes the chunk to the client before it returns (back-pressure
 * by blocking). If the client has gone away it throws {@link io.heimdall.api.GatewayException} with status 499, and
 * the provider should stop reading its upstream and return.
 * <p>
 * A provider whose upstream sends OpenAI {@code chat.completion.chunk} JSON that it would hand on unchanged may ask
 * {@link #takesOpenAiJson()} and, when it is true, pass each event's data to {@link #acceptOpenAiJson} instead of
 * decoding it: the gateway then relays the bytes (nothing behind the sink needs chunk objects: no cache, no hook that
 * overrides {@code onChunk} or {@code onResponse}).
 */
@FunctionalInterface
public interface ChunkSink {
    /** What the gateway read of a chunk passed as JSON. */
    enum JsonChunk {
        /** Relayed; no choice finished in it. */
        CONTINUES,
        /** Relayed; a choice finished in it (a {@code finish_reason}). */
        FINISHED,
        /**
         * Not relayed: the provider decodes it and passes it to {@link #accept} as before (a chunk the gateway reads
         * whole, such as one with usage; an error object; JSON that is not one object, for the decoder to report).
         */
        DECODE
    }

    /** Delivers the next chunk. */
    void accept(ChatChunk chunk);

    /**
     * Whether this sink takes chunks as the OpenAI {@code chat.completion.chunk} JSON they arrived in, through
     * {@link #acceptOpenAiJson}. Asked once per stream; false unless nothing behind the sink needs chunk objects.
     */
    default boolean takesOpenAiJson() {
        return false;
    }

    /**
     * Delivers the next chunk as one SSE event's data in OpenAI's chunk format, the bytes that came (UTF-8) in
     * {@code json[0, length)}, when {@link #takesOpenAiJson()} is true; or answers {@link JsonChunk#DECODE}, delivering
     * nothing, when the provider must decode this one and {@link #accept} it. The sink reads the bytes before it
     * returns and keeps none of them, so the provider may pass its reader's own array
     * ({@link io.heimdall.api.http.ServerSentEvents#advance}).
     *
     * @throws UnsupportedOperationException when this sink takes only chunk objects
     */
    default JsonChunk acceptOpenAiJson(byte[] json, int length) {
        throw new UnsupportedOperationException("This sink takes chunk objects only");
    }
}
