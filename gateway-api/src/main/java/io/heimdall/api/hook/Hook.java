package io.heimdall.api.hook;

import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;

/**
 * A pre/post hook. Every method has a default that lets the request through unchanged, so a hook overrides only what
 * it needs. Hooks must be safe for concurrent use and fast: they run on the request path.
 */
public interface Hook extends AutoCloseable {
    /**
     * Runs before the cache and the router. May change the request ({@link HookOutcome#proceed}), answer it
     * ({@link HookOutcome#answer}, later hooks and the provider are skipped) or reject it ({@link HookOutcome#reject}).
     */
    default HookOutcome<ChatRequest> onRequest(ChatRequest request, RequestContext context) {
        return HookOutcome.proceed(request);
    }

    /**
     * Runs after the provider answered, in reverse hook order. May replace the response or reject it. For a streamed
     * request it runs once on the response rebuilt from all chunks, after the client has received them: its outcome
     * is then only observed (a rejection is logged), since the bytes are already sent.
     */
    default HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response, RequestContext context) {
        return HookOutcome.proceed(response);
    }

    /**
     * Runs on each streamed chunk before it is sent. May change the chunk or reject the rest of the stream (the client
     * gets an error event). {@link HookOutcome#answer} is not allowed here and is treated as an internal error.
     */
    default HookOutcome<ChatChunk> onChunk(ChatChunk chunk, RequestContext context) {
        return HookOutcome.proceed(chunk);
    }

    /** Releases resources when a config reload replaces the hook. */
    @Override
    default void close() {
    }
}
