package io.heimdall.core.internal.engine;

import io.heimdall.api.GatewayException;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.observe.ResponseInfo;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.core.internal.wire.RelayedChunk;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Passes each chunk through the hooks that ran, rebuilds the response, and writes the chunk to the client; or
 * writes a relayed chunk's JSON as it came (without {@code "usage":null} for a client that did not ask for usage).
 */
final class Delivery implements ChunkSink {
    private final Generation g;
    private final int ran;
    private final boolean clientWantsUsage;
    private final StreamAccumulator acc;
    private final Engine.StreamSink sink;
    private final DefaultRequestContext ctx;
    private final Run run;
    /** Chunks accepted so far (relayed or not, written or dropped). */
    private int delivered;
    private Optional<String> relayedId = Optional.empty();
    private Optional<String> relayedModel = Optional.empty();
    private final List<String> relayedReasons = new ArrayList<>(1);

    Delivery(Generation g, int ran, boolean clientWantsUsage, StreamAccumulator acc, Engine.StreamSink sink,
             DefaultRequestContext ctx, Run run) {
        this.g = g;
        this.ran = ran;
        this.clientWantsUsage = clientWantsUsage;
        this.acc = acc;
        this.sink = sink;
        this.ctx = ctx;
        this.run = run;
    }

    @Override
    public void accept(ChatChunk chunk) {
        delivered++;
        ChatChunk c = chunk;
        for (int i = 0; i < ran; i++) {
            Generation.Named<Hook> h = g.hooks.get(i);
            ChatChunk current = c;
            switch (Hooks.run(h, run, () -> h.role().onChunk(current, ctx))) {
                case HookOutcome.Proceed<ChatChunk> p -> c = p.value();
                case HookOutcome.Reject<ChatChunk> r -> throw new GatewayException(r.error());
            }
        }
        acc.add(c);
        if (c.choices().isEmpty() && c.usage().isPresent() && !clientWantsUsage) {
            return;
        }
        run.firstToken();
        sink.chunk(c);
    }

    /** Whether a relayed chunk should report its id and model: none has yet. */
    boolean wantsIds() {
        return relayedModel.isEmpty();
    }

    /** What the chunks said of the answer: the relayed ones' id, model and finish reasons, else the decoded ones'. */
    ResponseInfo info() {
        if (relayedModel.isEmpty() && relayedReasons.isEmpty()) {
            return acc.info();
        }
        ResponseInfo decoded = acc.info();
        List<String> reasons = new ArrayList<>(relayedReasons);
        reasons.addAll(decoded.finishReasons());
        return new ResponseInfo(relayedId.or(decoded::id), relayedModel.or(decoded::model), reasons);
    }

    /** Writes a relayed chunk (no hook sees chunks, so there is nothing to pass it through). */
    void relay(RelayedChunk chunk) {
        if (relayedModel.isEmpty()) {
            relayedId = chunk.id();
            relayedModel = chunk.model();
        }
        if (chunk.finished()) {
            relayedReasons.addAll(chunk.finishReasons());
        }
        delivered++;
        run.firstToken();
        if (clientWantsUsage) {
            sink.json(chunk.bytes(), chunk.length(), 0, 0);
        } else {
            sink.json(chunk.bytes(), chunk.length(), chunk.cutFrom(), chunk.cutTo());
        }
    }

    /** Chunks accepted so far (relayed or not, written or dropped). */
    int delivered() {
        return delivered;
    }

    /** Where the chunks go. */
    Engine.StreamSink sink() {
        return sink;
    }
}
