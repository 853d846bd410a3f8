package io.heimdall.core.internal.engine;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.Usage;
import io.heimdall.core.internal.wire.JacksonOpenAiWire;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StreamAccumulatorTest {
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

    private static final JacksonOpenAiWire WIRE = new JacksonOpenAiWire();

    private static ChatChunk chunk(ChunkChoice... choices) {
        return new ChatChunk("c1", 5, "m", List.of(choices), Optional.empty(), Optional.empty(), Map.of());
    }

    private static ChunkChoice delta(int index, ChunkDelta delta) {
        return ChunkChoice.of(index, delta, null);
    }

    private static ChunkDelta thinking(ThinkingBlock... fragments) {
        return ChunkDelta.builder().thinkingBlocks(List.of(fragments)).build();
    }

    private static ChatResponse accumulate(String... sseData) {
        StreamAccumulator acc = new StreamAccumulator(false);
        for (String data : sseData) {
            acc.add(WIRE.decodeChunk(data));
        }
        return acc.response();
    }

    private static void assertSameAsNonStreamed(String expected, ChatResponse rebuilt) {
        assertEquals(WIRE.decodeChatResponse(expected.getBytes(StandardCharsets.UTF_8)), rebuilt);
        assertEquals(expected, new String(WIRE.encodeChatResponse(rebuilt), StandardCharsets.UTF_8));
    }

    @Test
    void interleavedChoicesKeepTheirOwnReasoningTextAndRefusal() {
        StreamAccumulator acc = new StreamAccumulator(false);
        ChunkDelta opening = ChunkDelta.builder().role("assistant").explicitNull("content").explicitNull("refusal")
                .build();
        acc.add(chunk(delta(0, opening), delta(1, opening)));
        acc.add(chunk(delta(1, ChunkDelta.builder().refusal("I can").build()), delta(0, ChunkDelta.reasoning("Let "))));
        acc.add(chunk(delta(0, ChunkDelta.reasoning("me think"))));
        acc.add(chunk(delta(1, ChunkDelta.builder().refusal("'t help").build())));
        acc.add(chunk(delta(0, ChunkDelta.text("Hi")), ChunkChoice.of(1, ChunkDelta.EMPTY, FinishReason.STOP)));
        acc.add(chunk(delta(0, ChunkDelta.text(" there"))));
        assertTrue(acc.finished());
        acc.add(chunk(ChunkChoice.of(0, ChunkDelta.EMPTY, FinishReason.LENGTH)));

        List<Choice> choices = acc.response().choices();
        assertEquals(2, choices.size());
        ChatMessage first = choices.get(0).message();
        assertEquals(Optional.of(MessageContent.of("Hi there")), first.content());
        assertEquals(Optional.of("Let me think"), first.reasoningContent());
        assertEquals(Optional.empty(), first.refusal());
        assertEquals(FinishReason.LENGTH, choices.get(0).finishReason().orElseThrow());
        ChatMessage second = choices.get(1).message();
        assertEquals(Optional.empty(), second.content(), "an explicit null is no content");
        assertEquals(Optional.of("I can't help"), second.refusal());
        assertEquals(Optional.empty(), second.reasoningContent());
        assertEquals(FinishReason.STOP, choices.get(1).finishReason().orElseThrow());
    }

    @Test
    void thinkingBlocksFollowTheSequentialRule() {
        Map<String, RawJson> cache = Map.of("cache_control", new RawJson("{\"type\":\"ephemeral\"}"));
        StreamAccumulator acc = new StreamAccumulator(false);
        acc.add(chunk(delta(0, thinking(new ThinkingBlock("a", Optional.empty(), Optional.empty(), cache)))));
        acc.add(chunk(delta(0, thinking(ThinkingBlock.of("b", null)))));
        acc.add(chunk(delta(0, thinking(ThinkingBlock.signatureOnly("s1")))));
        acc.add(chunk(delta(0, thinking(ThinkingBlock.redacted("r1")))));
        acc.add(chunk(delta(0, thinking(ThinkingBlock.of("c", null), ThinkingBlock.signatureOnly("s2")))));
        acc.add(chunk(delta(0, thinking(ThinkingBlock.of("d", "s3")))));
        acc.add(chunk(delta(0, thinking(ThinkingBlock.of("e", null)))));
        acc.add(chunk(delta(0, thinking(ThinkingBlock.redacted("r2")))));
        acc.add(chunk(delta(0, ChunkDelta.text("answer"))));
        acc.add(chunk(delta(0, thinking(ThinkingBlock.of("f", null)))));

        ChatMessage m = acc.response().choices().getFirst().message();
        assertEquals(List.of(new ThinkingBlock("ab", Optional.of("s1"), Optional.empty(), cache),
                ThinkingBlock.redacted("r1"), ThinkingBlock.of("c", "s2"), ThinkingBlock.of("d", "s3"),
                ThinkingBlock.of("e", null), ThinkingBlock.redacted("r2"), ThinkingBlock.of("f", null)),
                m.thinkingBlocks());
        assertEquals("answer", m.text());
        // Asking for the response does not close the open block: more text still goes into it.
        acc.add(chunk(delta(0, thinking(ThinkingBlock.of("g", "s4")))));
        assertEquals(ThinkingBlock.of("fg", "s4"),
                acc.response().choices().getFirst().message().thinkingBlocks().getLast());
    }

    @Test
    void toolCallsKeepFirstSeenIdNameAndExtraAndSplitWhenTheIdChanges() {
        RawJson sig = new RawJson("{\"google\":{\"thought_signature\":\"c2ln\"}}");
        StreamAccumulator acc = new StreamAccumulator(false);
        acc.add(chunk(delta(0, ChunkDelta.builder().role("assistant").build())));
        acc.add(chunk(delta(0, ChunkDelta.toolCalls(List.of(new ToolCallDelta(0, Optional.of("call_a"),
                Optional.of("function"), Optional.of("weather"), Optional.of("{\"city\":"),
                Map.of("extra_content", sig)))))));
        // A server that repeats id and name on every fragment; a later extra value does not replace the first.
        acc.add(chunk(delta(0, ChunkDelta.toolCalls(List.of(new ToolCallDelta(0, Optional.of("call_a"),
                Optional.empty(), Optional.of("weather"), Optional.of("\"Oslo\"}"),
                Map.of("extra_content", new RawJson("{}"), "k", new RawJson("1"))))))));
        // A server that numbers every call 0: a new id is a new call.
        acc.add(chunk(delta(0, ChunkDelta.toolCalls(List.of(ToolCallDelta.start(0, "call_b", "time", ""))))));
        acc.add(chunk(delta(0, ChunkDelta.toolCalls(List.of(ToolCallDelta.arguments(0, "{}"))))));
        acc.add(chunk(ChunkChoice.of(0, ChunkDelta.EMPTY, FinishReason.TOOL_CALLS)));

        Map<String, RawJson> extra = new LinkedHashMap<>();
        extra.put("extra_content", sig);
        extra.put("k", new RawJson("1"));
        ChatMessage m = acc.response().choices().getFirst().message();
        assertEquals(List.of(new ToolCall("call_a", "function", "weather", "{\"city\":\"Oslo\"}", extra),
                ToolCall.function("call_b", "time", "{}")), m.toolCalls());
        assertEquals(Optional.empty(), m.content());
    }

    @Test
    void otherDeltaFieldsAccumulateLikeTheOpenAiSdk() {
        StreamAccumulator acc = new StreamAccumulator(false);
        acc.add(chunk(delta(0, ChunkDelta.builder().role("assistant").content("")
                .extra("name", RawJson.string("bot \"one\""))
                .extra("reasoning", RawJson.string("say \"h"))
                .extra("reasoning_details", new RawJson("[{\"type\":\"reasoning.text\",\"text\":\"Th\",\"index\":0}]"))
                .extra("seed", new RawJson("1"))
                .extra("late", RawJson.NULL)
                .build())));
        acc.add(chunk(delta(0, ChunkDelta.builder().content("x")
                .extra("reasoning", RawJson.string("i\\\"\n"))
                .extra("reasoning_details", new RawJson("[{\"type\":\"reasoning.text\",\"text\":\"ink\",\"index\":0},"
                        + "{\"type\":\"reasoning.encrypted\",\"data\":\"zz\",\"index\":1}]"))
                .extra("seed", new RawJson("2"))
                .extra("late", RawJson.string("v"))
                .build())));

        ChatMessage m = acc.response().choices().getFirst().message();
        assertEquals(Optional.of("bot \"one\""), m.name());
        assertEquals(Map.of("reasoning", RawJson.string("say \"hi\\\"\n"),
                "reasoning_details", new RawJson("[{\"type\":\"reasoning.text\",\"text\":\"Think\",\"index\":0},"
                        + "{\"type\":\"reasoning.encrypted\",\"data\":\"zz\",\"index\":1}]"),
                "seed", new RawJson("1"), "late", RawJson.string("v")), m.extra());
        assertEquals(List.of("reasoning", "reasoning_details", "seed", "late"), List.copyOf(m.extra().keySet()));
    }

    @Test
    void anOpenAiToolStreamRebuildsTheNonStreamedResponse() {
        String head = "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1700,"
                + "\"model\":\"gpt-4o\","
                + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\",\"choices\":";
        String tail = ",\"usage\":null,\"obfuscation\":\"%s\"}";
        String lp1 = "{\"content\":[{\"token\":\"Hel\",\"logprob\":-0.25,\"bytes\":[72,101,108],\"top_logprobs\":[]}],"
                + "\"refusal\":null}";
        String lp2 = "{\"content\":[{\"token\":\"lo\",\"logprob\":-1.5E-7,\"bytes\":[108,111],\"top_logprobs\":[]}],"
                + "\"refusal\":null}";
        ChatResponse rebuilt = accumulate(
                head + "[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                        + "\"logprobs\":null,\"finish_reason\":null}]" + tail.formatted("a1"),
                head + "[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"logprobs\":" + lp1
                        + ",\"finish_reason\":null}]" + tail.formatted("b22"),
                head + "[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"logprobs\":" + lp2
                        + ",\"finish_reason\":null}]" + tail.formatted("c333"),
                head + "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"},"
                        + "\"extra_content\":{\"google\":{\"thought_signature\":\"c2ln\"}}}]},"
                        + "\"logprobs\":null,\"finish_reason\":null}]" + tail.formatted("d"),
                head + "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                        + "\"{\\\"city\\\":\"}}]},\"logprobs\":null,\"finish_reason\":null}]" + tail.formatted("e"),
                head + "[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":"
                        + "\"\\\"Oslo\\\"}\"}}]},\"logprobs\":null,\"finish_reason\":null}]" + tail.formatted("f"),
                head + "[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]"
                        + tail.formatted("g"),
                head + "[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":7,\"total_tokens\":17,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":8,\"audio_tokens\":0},"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":3,\"audio_tokens\":0}},"
                        + "\"obfuscation\":\"h\"}");
        assertSameAsNonStreamed("{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion\",\"created\":1700,"
                + "\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hello\",\"refusal\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"},"
                + "\"extra_content\":{\"google\":{\"thought_signature\":\"c2ln\"}}}]},"
                + "\"logprobs\":{\"content\":[{\"token\":\"Hel\",\"logprob\":-0.25,\"bytes\":[72,101,108],"
                + "\"top_logprobs\":[]},{\"token\":\"lo\",\"logprob\":-1.5E-7,\"bytes\":[108,111],"
                + "\"top_logprobs\":[]}],\"refusal\":null},\"finish_reason\":\"tool_calls\"}],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":7,\"total_tokens\":17,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":8,\"audio_tokens\":0},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":3,\"audio_tokens\":0}},"
                + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_1\"}", rebuilt);
        assertEquals(Optional.of(8L), rebuilt.usage().orElseThrow().cachedTokens());
        assertEquals(Optional.of(3L), rebuilt.usage().orElseThrow().reasoningTokens());
    }

    @Test
    void aReasoningStreamRebuildsTheNonStreamedResponse() {
        String head = "{\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":9,\"model\":\"claude\","
                + "\"choices\":[{\"index\":0,\"delta\":";
        String tail = ",\"logprobs\":null,\"finish_reason\":null}],\"provider\":\"anthropic\"}";
        ChatResponse rebuilt = accumulate(
                head + "{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"\"}" + tail,
                head + "{\"reasoning_content\":\"2+2\",\"thinking_blocks\":[{\"type\":\"thinking\","
                        + "\"thinking\":\"2+2\"}]}" + tail,
                head + "{\"reasoning_content\":\" is 4\",\"thinking_blocks\":[{\"type\":\"thinking\","
                        + "\"thinking\":\" is 4\"}]}" + tail,
                head + "{\"thinking_blocks\":[{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"EqQB\"}]}"
                        + tail,
                head + "{\"thinking_blocks\":[{\"type\":\"redacted_thinking\",\"data\":\"EmwK\"}]}" + tail,
                head + "{\"content\":\"4\",\"reasoning_content\":null}" + tail,
                "{\"id\":\"c2\",\"object\":\"chat.completion.chunk\",\"created\":9,\"model\":\"claude\","
                        + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3},"
                        + "\"provider\":\"anthropic\"}");
        assertSameAsNonStreamed("{\"id\":\"c2\",\"object\":\"chat.completion\",\"created\":9,\"model\":\"claude\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"4\",\"refusal\":null,"
                + "\"reasoning_content\":\"2+2 is 4\",\"thinking_blocks\":[{\"type\":\"thinking\","
                + "\"thinking\":\"2+2 is 4\",\"signature\":\"EqQB\"},{\"type\":\"redacted_thinking\","
                + "\"data\":\"EmwK\"}]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3},"
                + "\"provider\":\"anthropic\"}", rebuilt);
    }

    @Test
    void theLastUsageWinsAndAnEmptyStreamIsAnEmptyResponse() {
        StreamAccumulator acc = new StreamAccumulator(false);
        assertEquals("chatcmpl-stream", acc.response().id());
        assertEquals(List.of(), acc.response().choices());
        assertFalse(acc.finished());
        acc.add(new ChatChunk("c1", 5, "m", List.of(delta(0, ChunkDelta.assistantStart())), Optional.of(Usage.of(3, 1)),
                Optional.empty(), Map.of()));
        acc.add(new ChatChunk("c1", 5, "m", List.of(delta(0, ChunkDelta.text("a"))),
                Optional.of(Usage.of(3, 2).withCachedTokens(2).withReasoningTokens(1)), Optional.of("fp"),
                Map.of("service_tier", RawJson.NULL)));
        ChatResponse r = acc.response();
        assertEquals(Optional.of(Usage.of(3, 2).withCachedTokens(2).withReasoningTokens(1)), r.usage());
        assertEquals(r.usage(), acc.usage());
        assertEquals(Optional.of("fp"), r.systemFingerprint());
        assertEquals(Optional.empty(), r.serviceTier());
        assertEquals(Map.of(), r.extra());
        assertEquals(List.of(), acc.chunks(), "chunks are not kept");
        assertEquals(2, acc.size());
    }
}
