package io.heimdall.core.internal.engine;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns a complete response into the chunks it would have been streamed as (for answers from hooks or a cache). */
final class ChunkReplay {
    private ChunkReplay() {
    }

    static List<ChatChunk> chunks(ChatResponse r) {
        List<ChatChunk> out = new ArrayList<>();
        for (Choice c : r.choices()) {
            out.add(chunk(r, ChunkChoice.of(c.index(), new ChunkDelta(Optional.of(c.message().role()),
                    Optional.of(""), Optional.empty(), List.of(), Map.of()), null)));
            String text = c.message().text();
            if (!text.isEmpty()) {
                out.add(chunk(r, ChunkChoice.of(c.index(), ChunkDelta.text(text), null)));
            }
            List<ToolCall> calls = c.message().toolCalls();
            for (int i = 0; i < calls.size(); i++) {
                ToolCall t = calls.get(i);
                out.add(chunk(r, ChunkChoice.of(c.index(), ChunkDelta.toolCalls(List.of(new ToolCallDelta(i,
                        Optional.of(t.id()), Optional.of(t.type()), Optional.of(t.name()),
                        Optional.of(t.arguments())))), null)));
            }
            out.add(chunk(r, new ChunkChoice(c.index(), ChunkDelta.EMPTY, c.finishReason(), Optional.empty())));
        }
        r.usage().ifPresent(u -> out.add(ChatChunk.usage(r.id(), r.created(), r.model(), u)));
        return out;
    }

    private static ChatChunk chunk(ChatResponse r, ChunkChoice choice) {
        return new ChatChunk(r.id(), r.created(), r.model(), List.of(choice), Optional.empty(),
                r.systemFingerprint(), Map.of());
    }
}
