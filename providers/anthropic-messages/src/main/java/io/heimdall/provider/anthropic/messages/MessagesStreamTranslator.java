package io.heimdall.provider.anthropic.messages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.provider.ChunkSink;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Translates the events of one Messages API stream into canonical chunks as each event arrives, nothing buffered:
 * {@code message_start} gives the role chunk; {@code text_delta} content; a {@code tool_use} block's start gives the
 * call's first delta (its own stable {@code index}, {@code id} and {@code name}) and each {@code input_json_delta} an
 * arguments fragment; {@code thinking_delta} and {@code signature_delta} give {@code reasoning_content} and thinking
 * block fragments, a {@code redacted_thinking} block a whole redacted block; {@code message_delta} gives the chunk
 * with the mapped {@code finish_reason}; {@code message_stop} the usage chunk when asked for; {@code ping} nothing; an
 * {@code error} event is thrown as a {@link GatewayException}. One translator per stream; not thread-safe.
 */
public final class MessagesStreamTranslator {
    /**
     * The opening delta: role {@code assistant} and no content, since whether text follows is not known yet. OpenAI
     * opens a tool-call-only answer with {@code content: null}; an empty string here would leave clients' accumulated
     * message with content {@code ""} instead of none.
     */
    private static final ChunkDelta ROLE = new ChunkDelta(Optional.of("assistant"), Optional.empty(),
            Optional.empty(), List.of(), Map.of());

    private enum Kind { TEXT, TOOL, JSON_TOOL, THINKING, OTHER }

    /** A content block of the stream; {@code arguments} says whether a tool call got any argument text. */
    private static final class Block {
        final Kind kind;
        final int toolIndex;
        boolean arguments;

        Block(Kind kind, int toolIndex) {
            this.kind = kind;
            this.toolIndex = toolIndex;
        }
    }

    private final String provider;
    private final long created;
    private final boolean includeUsage;
    private final Optional<String> jsonTool;
    private final ChunkSink sink;
    private final Map<Integer, Block> blocks = new HashMap<>();
    private final ObjectNode usage = Json.object();
    private String id = "msg";
    private String model;
    private int nextTool;
    private boolean started;
    private boolean finished;
    private boolean stopped;
    private boolean jsonAnswer;

    /**
     * A translator for one stream.
     *
     * @param provider     the provider name, for errors
     * @param model        the model to name until {@code message_start} names one
     * @param created      the creation time to report, seconds since the epoch
     * @param includeUsage whether to end with a usage chunk
     * @param jsonTool     the forced JSON tool of the request, whose input is streamed as content
     * @param sink         where chunks go
     */
    public MessagesStreamTranslator(String provider, String model, long created, boolean includeUsage,
                                    Optional<String> jsonTool, ChunkSink sink) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.model = Objects.requireNonNull(model, "model");
        this.created = created;
        this.includeUsage = includeUsage;
        this.jsonTool = Objects.requireNonNull(jsonTool, "jsonTool");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Whether the chunk with the finish reason was sent. */
    public boolean finished() {
        return finished;
    }

    /** Whether {@code message_stop} arrived: the stream is complete. */
    public boolean stopped() {
        return stopped;
    }

    /**
     * Ends a stream that stopped after its finish reason but without {@code message_stop}: sends the usage chunk if
     * one is due. Does nothing otherwise.
     */
    public void endAfterFinish() {
        if (finished && !stopped) {
            messageStop();
        }
    }

    /**
     * Translates one event.
     *
     * @param event the SSE event name ({@code message} if none); the data's {@code type} wins
     * @param data  the event's data
     * @throws GatewayException for an {@code error} event, or 502 for data that is not JSON
     */
    public void accept(String event, String data) {
        if (data.isBlank()) {
            return;
        }
        JsonNode node = Json.upstream(data, provider);
        String type = Json.optText(node, "type").orElse(event);
        switch (type) {
            case "message_start" -> messageStart(node.path("message"));
            case "content_block_start" -> blockStart(node.path("index").asInt(), node.path("content_block"));
            case "content_block_delta" -> blockDelta(node.path("index").asInt(), node.path("delta"));
            case "content_block_stop" -> blockStop(node.path("index").asInt());
            case "message_delta" -> messageDelta(node);
            case "message_stop" -> messageStop();
            case "error" -> throw new GatewayException(MessagesErrors.fromStreamEvent(data, provider));
            default -> {
                // ping and future events carry nothing canonical
            }
        }
    }

    private void messageStart(JsonNode message) {
        Json.optText(message, "id").ifPresent(v -> id = v);
        Json.optText(message, "model").filter(m -> !m.isEmpty()).ifPresent(v -> model = v);
        mergeUsage(message.path("usage"));
        start();
    }

    private void start() {
        if (!started) {
            started = true;
            emit(ROLE, null);
        }
    }

    private void blockStart(int index, JsonNode block) {
        start();
        switch (Json.text(block, "type")) {
            case "text" -> {
                blocks.put(index, new Block(Kind.TEXT, -1));
                String text = Json.text(block, "text");
                if (!text.isEmpty()) {
                    emit(ChunkDelta.text(text), null);
                }
            }
            case "tool_use" -> {
                String name = Json.text(block, "name");
                JsonNode input = block.path("input");
                String initial = input.isObject() && !input.isEmpty() ? Json.write(input) : "";
                if (jsonTool.filter(name::equals).isPresent()) {
                    blocks.put(index, new Block(Kind.JSON_TOOL, -1));
                    jsonAnswer = true;
                    if (!initial.isEmpty()) {
                        emit(ChunkDelta.text(initial), null);
                    }
                } else {
                    int tool = nextTool++;
                    Block b = new Block(Kind.TOOL, tool);
                    b.arguments = !initial.isEmpty();
                    blocks.put(index, b);
                    emit(ChunkDelta.toolCalls(List.of(ToolCallDelta.start(tool, Json.text(block, "id"), name,
                            initial))), null);
                }
            }
            case "thinking" -> {
                blocks.put(index, new Block(Kind.THINKING, -1));
                String text = Json.text(block, "thinking");
                if (!text.isEmpty()) {
                    emit(thinking(text), null);
                }
            }
            case "redacted_thinking" -> {
                blocks.put(index, new Block(Kind.OTHER, -1));
                emit(ChunkDelta.builder().addThinkingBlock(ThinkingBlock.redacted(Json.text(block, "data")))
                        .build(), null);
            }
            default -> blocks.put(index, new Block(Kind.OTHER, -1));
        }
    }

    private void blockDelta(int index, JsonNode delta) {
        Block block = blocks.getOrDefault(index, new Block(Kind.OTHER, -1));
        switch (Json.text(delta, "type")) {
            case "text_delta" -> emit(ChunkDelta.text(Json.text(delta, "text")), null);
            case "input_json_delta" -> {
                String fragment = Json.text(delta, "partial_json");
                if (fragment.isEmpty()) {
                    return;
                }
                if (block.kind == Kind.JSON_TOOL) {
                    emit(ChunkDelta.text(fragment), null);
                } else if (block.kind == Kind.TOOL) {
                    block.arguments = true;
                    emit(ChunkDelta.toolCalls(List.of(ToolCallDelta.arguments(block.toolIndex, fragment))), null);
                }
            }
            case "thinking_delta" -> emit(thinking(Json.text(delta, "thinking")), null);
            case "signature_delta" -> emit(ChunkDelta.builder()
                    .addThinkingBlock(ThinkingBlock.signatureOnly(Json.text(delta, "signature"))).build(), null);
            default -> {
                // citations_delta and future deltas carry nothing canonical
            }
        }
    }

    /** A tool call that got no argument text (a tool without parameters) gets {@code {}}, as when not streamed. */
    private void blockStop(int index) {
        Block block = blocks.get(index);
        if (block != null && block.kind == Kind.TOOL && !block.arguments) {
            block.arguments = true;
            emit(ChunkDelta.toolCalls(List.of(ToolCallDelta.arguments(block.toolIndex, "{}"))), null);
        }
    }

    private static ChunkDelta thinking(String text) {
        return ChunkDelta.builder().reasoningContent(text).addThinkingBlock(ThinkingBlock.of(text, null)).build();
    }

    private void messageDelta(JsonNode node) {
        mergeUsage(node.path("usage"));
        FinishReason reason = MessagesResponseDecoder.finishReason(Json.optText(node.path("delta"), "stop_reason"));
        finish(reason);
    }

    private void finish(FinishReason reason) {
        if (finished) {
            return;
        }
        start();
        finished = true;
        emit(ChunkDelta.EMPTY, jsonAnswer && reason == FinishReason.TOOL_CALLS ? FinishReason.STOP : reason);
    }

    private void messageStop() {
        finish(FinishReason.STOP);
        if (!stopped && includeUsage) {
            sink.accept(ChatChunk.usage(id, created, model, MessagesResponseDecoder.usage(usage)));
        }
        stopped = true;
    }

    /** Later usage values (message_delta's are cumulative) replace earlier ones. */
    private void mergeUsage(JsonNode delta) {
        if (delta.isObject()) {
            delta.properties().forEach(e -> {
                if (!e.getValue().isNull()) {
                    usage.set(e.getKey(), e.getValue());
                }
            });
        }
    }

    private void emit(ChunkDelta delta, FinishReason reason) {
        sink.accept(ChatChunk.of(id, created, model, ChunkChoice.of(0, delta, reason)));
    }
}
