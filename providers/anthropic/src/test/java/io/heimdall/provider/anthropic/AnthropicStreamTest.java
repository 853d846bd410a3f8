package io.heimdall.provider.anthropic;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.Usage;
import io.heimdall.testkit.tck.Reply;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import static io.heimdall.provider.anthropic.AnthropicUpstream.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streams translated chunk by chunk: text, interleaved parallel tool calls split mid-JSON, usage, errors. */
class AnthropicStreamTest extends AnthropicTestBase {
    private static final String START = event("message_start", """
            {"type":"message_start","message":{"id":"msg_p","type":"message","role":"assistant","content":[],\
            "model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,\
            "cache_creation_input_tokens":0,"cache_read_input_tokens":30,"output_tokens":1}}}""");

    private static String toolStart(int index, String id) {
        return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
                + ",\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + id + "\",\"name\":\"lookup\",\"input\":{}}}");
    }

    private static String json(int index, String fragment) {
        return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
                + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + JSON.valueToTree(fragment) + "}}");
    }

    @Test
    void parallelToolCallsInterleavedAndSplitMidJsonKeepTheirIndex() {
        upstream.enqueue(AnthropicUpstream.Raw.sse(START,
                event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                        + "{\"type\":\"text\",\"text\":\"\"}}"),
                event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"text_delta\",\"text\":\"Two lookups.\"}}"),
                event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                toolStart(1, "toolu_A"), toolStart(2, "toolu_B"),
                json(1, "{\"q\": \"Par"), json(2, "{\"q\""), json(1, "is\"}"), json(2, ": \"Oslo\"}"),
                event("ping", "{\"type\": \"ping\"}"),
                event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"),
                event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}"),
                event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":40}}"),
                event("message_stop", "{\"type\":\"message_stop\"}")));
        List<ChatChunk> chunks = stream(request(ChatMessage.user("q")).streamOptions(new StreamOptions(true,
                Map.of())).build());

        // role, text, 2 call starts, 4 fragments, finish, usage: one chunk per native event that carries something
        assertEquals(10, chunks.size(), chunks.toString());
        assertEquals(Optional.of("assistant"), delta(chunks.get(0)).role());
        assertEquals(Optional.of("Two lookups."), delta(chunks.get(1)).content());
        assertEquals(ToolCallDelta.start(0, "toolu_A", "lookup", ""), call(chunks.get(2)));
        assertEquals(ToolCallDelta.start(1, "toolu_B", "lookup", ""), call(chunks.get(3)));
        assertEquals(ToolCallDelta.arguments(0, "{\"q\": \"Par"), call(chunks.get(4)));
        assertEquals(ToolCallDelta.arguments(1, "{\"q\""), call(chunks.get(5)));
        assertEquals(ToolCallDelta.arguments(0, "is\"}"), call(chunks.get(6)));
        assertEquals(ToolCallDelta.arguments(1, ": \"Oslo\"}"), call(chunks.get(7)));
        assertEquals(Optional.of(FinishReason.TOOL_CALLS), chunks.get(8).choices().getFirst().finishReason());
        Usage usage = chunks.get(9).usage().orElseThrow();
        assertTrue(chunks.get(9).choices().isEmpty());
        assertEquals(42, usage.promptTokens());
        assertEquals(40, usage.completionTokens());
        assertEquals(Optional.of(30L), usage.cachedTokens());
        assertTrue(chunks.stream().allMatch(c -> c.id().equals("msg_p") && c.model().equals("claude-sonnet-4-5")));
    }

    @Test
    void aToolCallWithoutArgumentTextGetsAnEmptyObject() {
        upstream.enqueue(AnthropicUpstream.Raw.sse(START, toolStart(0, "toolu_N"),
                json(0, ""),
                event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":3}}"),
                event("message_stop", "{\"type\":\"message_stop\"}")));
        List<ChatChunk> chunks = stream(request(ChatMessage.user("q")).build());
        assertEquals(ToolCallDelta.start(0, "toolu_N", "lookup", ""), call(chunks.get(1)));
        assertEquals(ToolCallDelta.arguments(0, "{}"), call(chunks.get(2)));
        assertEquals(4, chunks.size());
        // a tool-call-only answer has no content at all (OpenAI: content null), not an empty string
        assertEquals(Optional.of("assistant"), delta(chunks.get(0)).role());
        assertTrue(chunks.stream().flatMap(c -> c.choices().stream()).allMatch(c -> c.delta().content().isEmpty()),
                chunks.toString());
    }

    @Test
    void jsonObjectOutputStreamsTheForcedToolInputAsContent() {
        upstream.enqueue(new Reply.ToolCalls("", List.of(new Reply.ToolCalls.Call("toolu_J", "json_response",
                List.of("{\"a\"", ": [1, ", "2]}"))), Usage.of(3, 4)));
        List<ChatChunk> chunks = stream(request(ChatMessage.user("q")).responseFormat(
                io.heimdall.api.model.ResponseFormat.jsonObject()).build());
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> {
            ch.delta().content().ifPresent(text::append);
            assertTrue(ch.delta().toolCalls().isEmpty());
        }));
        assertEquals("{\"a\": [1, 2]}", text.toString());
        assertEquals(Optional.of(FinishReason.STOP), chunks.getLast().choices().getFirst().finishReason());
    }

    @Test
    void eachDeltaReachesTheSinkBeforeTheNextEventIsSent() {
        CountDownLatch firstDelta = new CountDownLatch(1);
        upstream.enqueue(AnthropicUpstream.Raw.gated(3, firstDelta, START,
                event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                        + "{\"type\":\"text\",\"text\":\"\"}}"),
                event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"text_delta\",\"text\":\"first\"}}"),
                event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"text_delta\",\"text\":\" second\"}}"),
                event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}"),
                event("message_stop", "{\"type\":\"message_stop\"}")));
        List<ChatChunk> chunks = new ArrayList<>();
        // the upstream holds back everything after "first" until the sink has it: buffering would fail the stream
        provider.stream(request(ChatMessage.user("q")).stream(true).build(), call(), chunk -> {
            chunks.add(chunk);
            if (chunk.choices().getFirst().delta().content().filter("first"::equals).isPresent()) {
                firstDelta.countDown();
            }
        });
        assertEquals(4, chunks.size(), "role, first, second, finish");
    }

    @Test
    void textStreamWithLengthFinish() {
        upstream.enqueue(new Reply.Text(List.of("Hel", "lo ", "wörld 👋"), "length", Usage.of(4, 3)));
        List<ChatChunk> chunks = stream(request(ChatMessage.user("q")).build());
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertEquals("Hello wörld 👋", text.toString());
        assertEquals(Optional.of(FinishReason.LENGTH), chunks.getLast().choices().getFirst().finishReason());
        assertTrue(upstream.requests().getFirst().stream());
        assertEquals(List.of("text/event-stream"), upstream.requests().getFirst().headers().get("accept"));
    }

    @Test
    void anErrorEventAfterTextIsThrownAfterTheChunksBeforeIt() {
        upstream.enqueue(new Reply.StreamFailure("partial", Reply.Kind.OVERLOADED, "Overloaded"));
        List<ChatChunk> chunks = new ArrayList<>();
        GatewayError error = failure(() -> provider.stream(request(ChatMessage.user("q")).stream(true).build(),
                call(), chunks::add));
        assertEquals(529, error.status());
        assertEquals("Overloaded", error.message());
        assertTrue(error.retryable());
        assertEquals(Optional.of("partial"), chunks.getLast().choices().getFirst().delta().content());
    }

    @Test
    void aStreamCutBeforeMessageStopIsA502() {
        upstream.enqueue(AnthropicUpstream.Raw.sse(START, event("content_block_start",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")));
        GatewayError error = failure(() -> stream(request(ChatMessage.user("q")).build()));
        assertEquals(502, error.status());
    }

    @Test
    void aStreamEndingAfterItsFinishReasonWithoutMessageStopStillGivesUsage() {
        upstream.enqueue(AnthropicUpstream.Raw.sse(START,
                event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}")));
        List<ChatChunk> chunks = stream(request(ChatMessage.user("q")).streamOptions(new StreamOptions(true,
                Map.of())).build());
        assertEquals(Optional.of(FinishReason.STOP), chunks.get(1).choices().getFirst().finishReason());
        assertEquals(2, chunks.getLast().usage().orElseThrow().completionTokens());
        assertEquals(3, chunks.size());
    }

    @Test
    void aDroppedConnectionIsA502() {
        upstream.enqueue(new Reply.Drop());
        GatewayException e = assertThrows(GatewayException.class, () -> stream(request(ChatMessage.user("q"))
                .build()));
        assertEquals(502, e.error().status());
    }

    private static io.heimdall.api.model.ChunkDelta delta(ChatChunk chunk) {
        return chunk.choices().getFirst().delta();
    }

    private static ToolCallDelta call(ChatChunk chunk) {
        ChunkChoice choice = chunk.choices().getFirst();
        assertEquals(1, choice.delta().toolCalls().size());
        return choice.delta().toolCalls().getFirst();
    }
}
