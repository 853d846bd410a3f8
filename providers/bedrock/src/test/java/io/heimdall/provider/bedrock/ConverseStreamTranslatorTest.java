package io.heimdall.provider.bedrock;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.ThinkingBlock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ConverseStream events to chunks, one chunk per event as it is handed over: reasoning, usage, errors. */
class ConverseStreamTranslatorTest {
    private final List<ChatChunk> chunks = new ArrayList<>();
    private final ConverseStreamTranslator translator = new ConverseStreamTranslator("b", "chatcmpl-1", 1, "m",
            chunks::add, List.of("topsecretvalue"));

    private void feed(byte[] frame) throws IOException {
        translator.accept(new EventStreamDecoder(new ByteArrayInputStream(frame)).next().orElseThrow());
    }

    private ChunkDelta lastDelta() {
        return chunks.getLast().choices().getFirst().delta();
    }

    @Test
    void reasoningTextSignatureAndRedactedBlocksBecomeThinkingDeltas() throws IOException {
        feed(EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"));
        assertEquals(1, chunks.size());
        feed(EventStreamFrames.event("contentBlockDelta",
                "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\"Let me think\"}}}"));
        assertEquals(2, chunks.size(), "a chunk per event, at once");
        assertEquals("Let me think", lastDelta().reasoningContent().orElseThrow());
        assertEquals(ThinkingBlock.of("Let me think", null), lastDelta().thinkingBlocks().getFirst());
        feed(EventStreamFrames.event("contentBlockDelta",
                "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"signature\":\"EqQBCkgI\"}}}"));
        assertEquals(ThinkingBlock.signatureOnly("EqQBCkgI"), lastDelta().thinkingBlocks().getFirst());
        feed(EventStreamFrames.event("contentBlockDelta",
                "{\"contentBlockIndex\":1,\"delta\":{\"reasoningContent\":{\"redactedContent\":\"c2VjcmV0\"}}}"));
        assertEquals(ThinkingBlock.redacted("c2VjcmV0"), lastDelta().thinkingBlocks().getFirst());
        feed(EventStreamFrames.event("contentBlockStop", "{\"contentBlockIndex\":1}"));
        assertEquals(4, chunks.size(), "contentBlockStop carries nothing");
        feed(EventStreamFrames.event("contentBlockDelta", "{\"contentBlockIndex\":2,\"delta\":{\"text\":\"Answer\"}}"));
        assertEquals("Answer", lastDelta().content().orElseThrow());
        assertFalse(translator.stopped());
        feed(EventStreamFrames.event("messageStop", "{\"stopReason\":\"max_tokens\"}"));
        assertTrue(translator.stopped());
        assertEquals(FinishReason.LENGTH, chunks.getLast().choices().getFirst().finishReason().orElseThrow());
        feed(EventStreamFrames.event("metadata", "{\"usage\":{\"inputTokens\":10,\"outputTokens\":20,"
                + "\"totalTokens\":60,\"cacheReadInputTokens\":25,\"cacheWriteInputTokens\":5},"
                + "\"metrics\":{\"latencyMs\":100}}"));
        var usage = chunks.getLast().usage().orElseThrow();
        assertEquals(40, usage.promptTokens());
        assertEquals(20, usage.completionTokens());
        assertEquals(60, usage.totalTokens());
        assertEquals(25L, usage.cachedTokens().orElseThrow());
        assertEquals("5", usage.extra().get("cache_creation_input_tokens").json());
    }

    @Test
    void exceptionEventsAreMappedAndScrubbed() {
        GatewayException e = assertThrows(GatewayException.class, () -> feed(EventStreamFrames.exception(
                "validationException", "{\"message\":\"Input is too long for requested model.\"}")));
        assertEquals(400, e.error().status());
        assertEquals("context_length_exceeded", e.error().code().orElseThrow());
        GatewayException e2 = assertThrows(GatewayException.class, () -> feed(EventStreamFrames.exception(
                "serviceUnavailableException", "{\"message\":\"busy topsecretvalue\"}")));
        assertEquals(503, e2.error().status());
        assertEquals("busy ****", e2.error().message());
        GatewayException e3 = assertThrows(GatewayException.class, () -> translator.accept(
                new EventStreamDecoder.Message(java.util.Map.of(":message-type", "error", ":error-code",
                        "InternalFailure", ":error-message", "boom"), new byte[0])));
        assertEquals(500, e3.error().status());
        assertEquals("boom", e3.error().message());
    }

    @Test
    void interleavedToolBlocksKeepTheirIndexes() throws IOException {
        feed(EventStreamFrames.event("contentBlockStart",
                "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":{\"toolUseId\":\"t1\",\"name\":\"a\"}}}"));
        feed(EventStreamFrames.event("contentBlockStart",
                "{\"contentBlockIndex\":2,\"start\":{\"toolUse\":{\"toolUseId\":\"t2\",\"name\":\"b\"}}}"));
        feed(EventStreamFrames.event("contentBlockDelta",
                "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"{\\\"y\\\":\"}}}"));
        feed(EventStreamFrames.event("contentBlockDelta",
                "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{}\"}}}"));
        feed(EventStreamFrames.event("contentBlockDelta",
                "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"2}\"}}}"));
        assertEquals("assistant", chunks.getFirst().choices().getFirst().delta().role().orElseThrow());
        StringBuilder[] args = {new StringBuilder(), new StringBuilder()};
        for (ChatChunk c : chunks) {
            for (var d : c.choices().getFirst().delta().toolCalls()) {
                if (d.id().isPresent()) {
                    assertEquals(d.index() == 0 ? "t1" : "t2", d.id().get());
                }
                d.arguments().ifPresent(args[d.index()]::append);
            }
        }
        assertEquals("{}", args[0].toString());
        assertEquals("{\"y\":2}", args[1].toString());
        // a tool-call-only answer has no content at all (OpenAI: content null), not an empty string
        assertTrue(chunks.stream().allMatch(c -> c.choices().getFirst().delta().content().isEmpty()),
                chunks.toString());
    }

    @Test
    void foreignToolCallIdsAreMappedToWhatConverseAccepts() {
        assertEquals("call_abc-1", ConverseRequests.toolUseId("call_abc-1"));
        assertEquals("toolu_01_x_y", ConverseRequests.toolUseId("toolu_01.x/y"));
        assertEquals(64, ConverseRequests.toolUseId("x".repeat(100)).length());
    }

    @Test
    void aToolDeltaForAnUnknownBlockIsABadResponse() {
        GatewayException e = assertThrows(GatewayException.class, () -> feed(EventStreamFrames.event(
                "contentBlockDelta", "{\"contentBlockIndex\":3,\"delta\":{\"toolUse\":{\"input\":\"{}\"}}}")));
        assertEquals(502, e.error().status());
    }
}
