package io.heimdall.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.Usage;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates the typed events of one Cohere v2 chat stream into OpenAI chunks, event by event, without buffering:
 * {@code message-start} is the chunk with the assistant role; {@code content-delta} a content chunk (a thinking block
 * a {@code reasoning_content} chunk); {@code tool-plan-delta} content (Cohere's visible plan before tool calls);
 * {@code tool-call-start} the first fragment of a call with its id, name and a stable index counted from 0;
 * {@code tool-call-delta} an argument fragment of the current call; {@code message-end} the finish chunk, then the
 * usage chunk when the client asked for usage, or a {@link GatewayException} when it reports an error. Citation and
 * {@code *-end} events carry nothing for an OpenAI client. Not thread-safe: one per stream.
 */
final class CohereStream {
    /**
     * The opening delta: role {@code assistant} and no content, since whether text follows is not known yet. OpenAI
     * opens a tool-call-only answer with {@code content: null}; an empty string here would leave clients' accumulated
     * message with content {@code ""} instead of none.
     */
    private static final ChunkDelta ROLE = new ChunkDelta(Optional.of("assistant"), Optional.empty(),
            Optional.empty(), List.of(), Map.of());

    private final String model;
    private final long created;
    private final boolean includeUsage;
    private final String provider;
    private String id = "";
    private int toolCalls;
    private boolean finished;

    CohereStream(String model, long created, boolean includeUsage, String provider) {
        this.model = model;
        this.created = created;
        this.includeUsage = includeUsage;
        this.provider = provider;
    }

    /** Whether {@code message-end} was seen. */
    boolean finished() {
        return finished;
    }

    /**
     * The chunks for one event.
     *
     * @param type the event type ({@code type} of the data, else the SSE event name)
     * @param data the event's JSON
     */
    List<ChatChunk> onEvent(String type, JsonNode data) {
        JsonNode message = data.path("delta").path("message");
        return switch (type) {
            case "message-start" -> {
                id = data.path("id").asText(id);
                yield List.of(chunk(ROLE, Optional.empty()));
            }
            case "content-start", "content-delta" -> {
                JsonNode content = message.path("content");
                if (content.has("thinking")) {
                    String thinking = content.path("thinking").asText("");
                    yield thinking.isEmpty() ? List.of() : List.of(chunk(ChunkDelta.reasoning(thinking),
                            Optional.empty()));
                }
                String text = content.path("text").asText("");
                yield text.isEmpty() ? List.of() : List.of(chunk(ChunkDelta.text(text), Optional.empty()));
            }
            case "tool-plan-delta" -> {
                String plan = message.path("tool_plan").asText("");
                yield plan.isEmpty() ? List.of() : List.of(chunk(ChunkDelta.text(plan), Optional.empty()));
            }
            case "tool-call-start" -> {
                JsonNode call = message.path("tool_calls");
                JsonNode fn = call.path("function");
                ToolCallDelta start = ToolCallDelta.start(toolCalls++, call.path("id").asText(""),
                        fn.path("name").asText(""), argumentText(fn.path("arguments")));
                yield List.of(chunk(ChunkDelta.toolCalls(List.of(start)), Optional.empty()));
            }
            case "tool-call-delta" -> {
                String fragment = argumentText(message.path("tool_calls").path("function").path("arguments"));
                if (fragment.isEmpty() || toolCalls == 0) {
                    yield List.of();
                }
                yield List.of(chunk(ChunkDelta.toolCalls(List.of(ToolCallDelta.arguments(toolCalls - 1, fragment))),
                        Optional.empty()));
            }
            case "message-end" -> end(data.path("delta"));
            default -> List.of();
        };
    }

    private List<ChatChunk> end(JsonNode delta) {
        String reason = delta.path("finish_reason").asText("COMPLETE");
        if (reason.equals("ERROR") || delta.hasNonNull("error")) {
            String message = delta.path("error").asText("the generation failed");
            throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR,
                    "Provider '" + provider + "' (cohere) failed mid-stream: " + message, "upstream_stream_error"));
        }
        finished = true;
        ChatChunk finish = new ChatChunk(id, created, model, List.of(new ChunkChoice(0, ChunkDelta.EMPTY,
                Optional.of(CohereResponses.finishReason(reason)), Optional.empty())), Optional.empty(),
                Optional.empty(), Map.of());
        Optional<Usage> usage = CohereResponses.usage(delta.get("usage"));
        if (includeUsage && usage.isPresent()) {
            return List.of(finish, ChatChunk.usage(id, created, model, usage.get()));
        }
        return List.of(finish);
    }

    private ChatChunk chunk(ChunkDelta delta, Optional<FinishReason> finish) {
        return new ChatChunk(id, created, model, List.of(new ChunkChoice(0, delta, finish, Optional.empty())),
                Optional.empty(), Optional.empty(), Map.of());
    }

    private static String argumentText(JsonNode arguments) {
        if (arguments == null || arguments.isMissingNode() || arguments.isNull()) {
            return "";
        }
        return arguments.isTextual() ? arguments.textValue() : arguments.toString();
    }
}
