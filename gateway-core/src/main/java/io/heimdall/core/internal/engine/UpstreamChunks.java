package io.heimdall.core.internal.engine;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.core.internal.wire.JacksonOpenAiWire;
import io.heimdall.core.internal.wire.RelayedChunk;

import java.util.Optional;

/**
 * Where a provider's stream pushes the chunks of one attempt: marks the attempt's first chunk, keeps what the cache
 * stores, and hands each chunk on to the {@link Delivery}. When nothing needs chunk objects (no hook that sees
 * chunks or responses, no cache, a transport that writes JSON) it also takes the upstream's OpenAI chunk JSON and
 * relays its bytes without decoding them; a chunk with usage is left to the provider to decode (the gateway reads it
 * whole).
 */
final class UpstreamChunks implements ChunkSink {
    private final AttemptRunner.AttemptState state;
    private final Optional<StreamAccumulator> asSent;
    private final Delivery delivery;
    private final Optional<JacksonOpenAiWire> relay;

    UpstreamChunks(AttemptRunner.AttemptState state, Optional<StreamAccumulator> asSent, Delivery delivery,
                   Optional<JacksonOpenAiWire> relay) {
        this.state = state;
        this.asSent = asSent;
        this.delivery = delivery;
        this.relay = relay;
    }

    @Override
    public void accept(ChatChunk chunk) {
        state.chunk();
        asSent.ifPresent(a -> a.add(chunk));
        try {
            delivery.accept(chunk);
        } catch (RuntimeException e) {
            throw state.sinkFailed(e);
        }
    }

    @Override
    public boolean takesOpenAiJson() {
        return relay.isPresent();
    }

    @Override
    public JsonChunk acceptOpenAiJson(byte[] json, int length) {
        if (relay.isEmpty()) {
            return ChunkSink.super.acceptOpenAiJson(json, length);
        }
        Optional<RelayedChunk> read = relay.get().relayedChunk(json, length, delivery.wantsIds());
        if (read.isEmpty() || read.get().carriesUsage() || read.get().error()) {
            return JsonChunk.DECODE;
        }
        RelayedChunk chunk = read.get();
        state.chunk();
        try {
            delivery.relay(chunk);
        } catch (RuntimeException e) {
            throw state.sinkFailed(e);
        }
        return chunk.finished() ? JsonChunk.FINISHED : JsonChunk.CONTINUES;
    }
}
