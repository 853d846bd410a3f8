package io.heimdall.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.provider.ChunkSink;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns ConverseStream events into canonical chunks as each event arrives: {@code messageStart} → the role chunk,
 * {@code contentBlockStart} with a {@code toolUse} → the call's first delta (id, name, stable index),
 * {@code contentBlockDelta} → a text, argument-fragment or reasoning delta, {@code messageStop} → the finish chunk,
 * {@code metadata} → the usage chunk; an exception event is thrown as a {@link GatewayException}. One per stream.
 */
final class ConverseStreamTranslator {
    /**
     * The opening delta: role {@code assistant} and no content, since whether text follows is not known yet. OpenAI
     * opens a tool-call-only answer with {@code content: null}; an empty string here would leave clients' accumulated
     * message with content {@code ""} instead of none.
     */
    private static final ChunkDelta ROLE = new ChunkDelta(Optional.of("assistant"), Optional.empty(),
            Optional.empty(), List.of(), Map.of());

    private final String provider;
    private final String id;
    private final long created;
    private final String model;
    private final ChunkSink sink;
    private final List<String> secrets;
    /** Converse content block index → canonical tool call index. */
    private final Map<Integer, Integer> toolIndex = new HashMap<>();
    private boolean started;
    private boolean stopped;

    ConverseStreamTranslator(String provider, String id, long created, String model, ChunkSink sink,
                             List<String> secrets) {
        this.provider = provider;
        this.id = id;
        this.created = created;
        this.model = model;
        this.sink = sink;
        this.secrets = secrets;
    }

    /** Whether {@code messageStop} has been seen: the answer is complete. */
    boolean stopped() {
        return stopped;
    }

    /** Handles one event-stream message. */
    void accept(EventStreamDecoder.Message message) {
        String messageType = message.header(":message-type").orElse("event");
        switch (messageType) {
            case "exception" -> throw new GatewayException(BedrockErrors.stream(provider,
                    message.header(":exception-type").orElse("unknownException"), message.payloadText(), secrets));
            case "error" -> throw new GatewayException(BedrockErrors.stream(provider,
                    message.header(":error-code").orElse("unknownError"),
                    "{\"message\":" + ConverseRequests.JSON.valueToTree(message.header(":error-message")
                            .orElse("error event")) + "}", secrets));
            case "event" -> event(message.header(":event-type").orElse(""), payload(message));
            default -> {
                // other message types are not defined for ConverseStream
            }
        }
    }

    private JsonNode payload(EventStreamDecoder.Message message) {
        try {
            JsonNode node = ConverseRequests.JSON.readTree(message.payload());
            return node == null ? ConverseRequests.JSON.createObjectNode() : node;
        } catch (IOException e) {
            throw ConverseResponses.bad(provider, "an event payload is not JSON");
        }
    }

    private void event(String type, JsonNode p) {
        switch (type) {
            case "messageStart" -> start();
            case "contentBlockStart" -> {
                start();
                JsonNode use = p.path("start").path("toolUse");
                if (use.isObject()) {
                    int index = toolIndex.size();
                    toolIndex.put(p.path("contentBlockIndex").asInt(), index);
                    emit(ChunkDelta.toolCalls(List.of(ToolCallDelta.start(index, use.path("toolUseId").asText(),
                            use.path("name").asText(), ""))), null);
                }
            }
            case "contentBlockDelta" -> {
                start();
                delta(p.path("contentBlockIndex").asInt(), p.path("delta"));
            }
            case "messageStop" -> {
                start();
                stopped = true;
                emit(new ChunkDelta(Optional.empty(), Optional.empty(), Optional.empty(), List.of(), Map.of()),
                        ConverseResponses.finishReason(p.path("stopReason").asText("end_turn")));
            }
            case "metadata" -> {
                if (p.has("usage")) {
                    sink.accept(ChatChunk.usage(id, created, model, ConverseResponses.usage(p.get("usage"))));
                }
            }
            default -> {
                // contentBlockStop and unknown events carry nothing for the client
            }
        }
    }

    private void delta(int block, JsonNode delta) {
        if (delta.has("text")) {
            emit(ChunkDelta.text(delta.get("text").asText()), null);
        } else if (delta.has("toolUse")) {
            Integer index = toolIndex.get(block);
            if (index == null) {
                throw ConverseResponses.bad(provider, "a toolUse delta for a block that was not started");
            }
            emit(ChunkDelta.toolCalls(List.of(ToolCallDelta.arguments(index,
                    delta.get("toolUse").path("input").asText("")))), null);
        } else if (delta.has("reasoningContent")) {
            JsonNode r = delta.get("reasoningContent");
            ChunkDelta.Builder b = ChunkDelta.builder();
            if (r.has("text")) {
                String text = r.get("text").asText();
                b.reasoningContent(text).addThinkingBlock(ThinkingBlock.of(text, null));
            } else if (r.has("signature")) {
                b.addThinkingBlock(ThinkingBlock.signatureOnly(r.get("signature").asText()));
            } else if (r.has("redactedContent")) {
                b.addThinkingBlock(ThinkingBlock.redacted(r.get("redactedContent").asText()));
            } else {
                return;
            }
            emit(b.build(), null);
        }
    }

    /** The role chunk, once, before anything else. */
    private void start() {
        if (!started) {
            started = true;
            emit(ROLE, null);
        }
    }

    private void emit(ChunkDelta delta, FinishReason finish) {
        sink.accept(ChatChunk.of(id, created, model, ChunkChoice.of(0, delta, finish)));
    }

    /** The error for a stream that ended before {@code messageStop}. */
    GatewayException incomplete() {
        return new GatewayException(GatewayError.upstreamUnreachable(provider,
                "the stream ended before the response was complete"));
    }
}
