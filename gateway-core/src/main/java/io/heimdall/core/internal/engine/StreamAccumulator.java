package io.heimdall.core.internal.engine;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.Usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Rebuilds the complete response from a stream's chunks, for post-hooks, the cache and logs: text and refusals
 * concatenated per choice, tool call fragments joined by index, the last finish reason and usage kept. Also keeps the
 * chunks themselves so a cache can replay them.
 */
public final class StreamAccumulator {
    private static final class ChoiceState {
        final StringBuilder content = new StringBuilder();
        final StringBuilder refusal = new StringBuilder();
        final TreeMap<Integer, ToolState> tools = new TreeMap<>();
        boolean sawContent;
        String role = "assistant";
        FinishReason finish;
    }

    private static final class ToolState {
        String id = "";
        String type = "function";
        String name = "";
        final StringBuilder arguments = new StringBuilder();
    }

    private final TreeMap<Integer, ChoiceState> choices = new TreeMap<>();
    private final List<ChatChunk> chunks;
    private int size;
    private String id = "";
    private String model = "";
    private long created;
    private Usage usage;
    private String fingerprint;

    /** An accumulator that keeps the chunks themselves too (for a cache to replay them). */
    public StreamAccumulator() {
        this(true);
    }

    /**
     * An accumulator.
     *
     * @param keepChunks whether to keep every chunk (only a cache needs them; a long stream's chunks add up)
     */
    public StreamAccumulator(boolean keepChunks) {
        this.chunks = keepChunks ? new ArrayList<>() : null;
    }

    /** Adds the next chunk. */
    public void add(ChatChunk chunk) {
        size++;
        if (chunks != null) {
            chunks.add(chunk);
        }
        if (id.isEmpty()) {
            id = chunk.id();
            model = chunk.model();
            created = chunk.created();
        }
        chunk.usage().ifPresent(u -> usage = u);
        chunk.systemFingerprint().ifPresent(f -> fingerprint = f);
        for (ChunkChoice c : chunk.choices()) {
            ChoiceState s = choices.computeIfAbsent(c.index(), i -> new ChoiceState());
            c.delta().role().ifPresent(r -> s.role = r);
            c.delta().content().ifPresent(t -> {
                s.content.append(t);
                s.sawContent = true;
            });
            c.delta().refusal().ifPresent(s.refusal::append);
            for (ToolCallDelta t : c.delta().toolCalls()) {
                ToolState ts = s.tools.computeIfAbsent(t.index(), i -> new ToolState());
                t.id().ifPresent(v -> ts.id = v);
                t.type().ifPresent(v -> ts.type = v);
                t.name().ifPresent(v -> ts.name = ts.name + v);
                t.arguments().ifPresent(ts.arguments::append);
            }
            c.finishReason().ifPresent(f -> s.finish = f);
        }
    }

    /** The chunks added so far; empty if they are not kept. */
    public List<ChatChunk> chunks() {
        return chunks == null ? List.of() : List.copyOf(chunks);
    }

    /** How many chunks were added. */
    public int size() {
        return size;
    }

    /** Whether any chunk carried a finish reason. */
    public boolean finished() {
        return choices.values().stream().anyMatch(s -> s.finish != null);
    }

    /** The usage seen, if any. */
    public Optional<Usage> usage() {
        return Optional.ofNullable(usage);
    }

    /** The complete response. */
    public ChatResponse response() {
        List<Choice> out = new ArrayList<>(choices.size());
        for (Map.Entry<Integer, ChoiceState> e : choices.entrySet()) {
            ChoiceState s = e.getValue();
            List<ToolCall> calls = new ArrayList<>();
            for (ToolState t : s.tools.values()) {
                calls.add(new ToolCall(t.id, t.type, t.name, t.arguments.toString()));
            }
            Optional<MessageContent> content = s.sawContent || calls.isEmpty()
                    ? Optional.of(MessageContent.of(s.content.toString())) : Optional.empty();
            ChatMessage message = new ChatMessage(s.role, content, Optional.empty(), calls, Optional.empty(),
                    s.refusal.isEmpty() ? Optional.empty() : Optional.of(s.refusal.toString()), Map.of());
            out.add(new Choice(e.getKey(), message, Optional.ofNullable(s.finish), Optional.empty()));
        }
        return new ChatResponse(id.isEmpty() ? "chatcmpl-stream" : id, created, model, out, usage(),
                Optional.ofNullable(fingerprint), Optional.empty(), Map.of());
    }
}
