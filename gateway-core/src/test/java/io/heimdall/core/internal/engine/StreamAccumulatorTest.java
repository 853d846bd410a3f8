package io.heimdall.core.internal.engine;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamAccumulatorTest {
    private static ChatChunk chunk(ChunkChoice choice) {
        return ChatChunk.of("c1", 5, "m", choice);
    }

    @Test
    void rebuildsTextAndInterleavedToolCallFragments() {
        StreamAccumulator acc = new StreamAccumulator();
        acc.add(chunk(ChunkChoice.of(0, ChunkDelta.assistantStart(), null)));
        acc.add(chunk(ChunkChoice.of(0, ChunkDelta.toolCalls(List.of(
                ToolCallDelta.start(0, "call_a", "weather", ""),
                ToolCallDelta.start(1, "call_b", "time", "{\"tz\":"))), null)));
        acc.add(chunk(ChunkChoice.of(0, ChunkDelta.toolCalls(List.of(ToolCallDelta.arguments(0, "{\"city\":"))),
                null)));
        acc.add(chunk(ChunkChoice.of(0, ChunkDelta.toolCalls(List.of(ToolCallDelta.arguments(1, "\"UTC\"}"),
                ToolCallDelta.arguments(0, "\"Oslo\"}"))), null)));
        assertFalse(acc.finished());
        acc.add(chunk(ChunkChoice.of(0, ChunkDelta.EMPTY, FinishReason.TOOL_CALLS)));
        acc.add(ChatChunk.usage("c1", 5, "m", Usage.of(10, 7)));

        assertTrue(acc.finished());
        ChatResponse r = acc.response();
        assertEquals("c1", r.id());
        assertEquals(List.of(ToolCall.function("call_a", "weather", "{\"city\":\"Oslo\"}"),
                ToolCall.function("call_b", "time", "{\"tz\":\"UTC\"}")), r.choices().getFirst().message().toolCalls());
        assertEquals(FinishReason.TOOL_CALLS, r.choices().getFirst().finishReason().orElseThrow());
        assertEquals(17, r.usage().orElseThrow().totalTokens());
        assertEquals(6, acc.chunks().size());
    }

    @Test
    void replayOfAResponseAccumulatesBackToTheSameResponse() {
        StreamAccumulator acc = new StreamAccumulator();
        acc.add(chunk(ChunkChoice.of(0, ChunkDelta.assistantStart(), null)));
        acc.add(chunk(ChunkChoice.of(0, ChunkDelta.text("Hel"), null)));
        acc.add(chunk(ChunkChoice.of(0, ChunkDelta.text("lo"), null)));
        acc.add(chunk(ChunkChoice.of(0, ChunkDelta.EMPTY, FinishReason.STOP)));
        ChatResponse original = acc.response();
        assertEquals("Hello", original.firstText());

        StreamAccumulator again = new StreamAccumulator();
        ChunkReplay.chunks(original).forEach(again::add);
        assertEquals(original, again.response());
    }
}
