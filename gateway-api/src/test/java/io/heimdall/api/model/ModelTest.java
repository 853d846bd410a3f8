package io.heimdall.api.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelTest {
    @Test
    void builderRoundTripKeepsEveryField() {
        ChatRequest r = ChatRequest.builder().model("m").addMessage(ChatMessage.user("hi")).stream(true)
                .streamOptions(new StreamOptions(true, Map.of())).temperature(0.5).maxTokens(10)
                .stop(List.of("x")).seed(7L).user("u").extra("metadata", new RawJson("{\"a\":1}"))
                .tools(List.of(Tool.function("f", "d", new RawJson("{}")))).toolChoice(ToolChoice.function("f"))
                .build();
        assertEquals(r, r.toBuilder().build());
        assertTrue(r.includeUsage());
        assertEquals(Optional.of(10), r.tokenLimit());
        assertEquals("other", r.withModel("other").model());
        assertEquals("m", r.model(), "withModel does not change the original");
    }

    @Test
    void recordsAreImmutableAndNullFree() {
        List<ChatMessage> messages = new ArrayList<>(List.of(ChatMessage.user("a")));
        ChatRequest r = ChatRequest.builder().model("m").messages(messages).build();
        messages.add(ChatMessage.user("b"));
        assertEquals(1, r.messages().size());
        assertThrows(UnsupportedOperationException.class, () -> r.messages().add(ChatMessage.user("c")));
        ChatMessage m = new ChatMessage("assistant", null, null, null, null, null, null);
        assertEquals(Optional.empty(), m.content());
        assertEquals(List.of(), m.toolCalls());
        assertEquals("", m.text());
    }

    @Test
    void rawJsonStringEscapes() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u0001\"", RawJson.string("a\"b\\c\nd\u0001").json());
        assertThrows(IllegalArgumentException.class, () -> new RawJson(" "));
    }

    @Test
    void errorsKnowTheirStatusAndRetryability() {
        assertTrue(GatewayError.of(429, GatewayError.RATE_LIMIT, "slow down", null).retryable());
        assertTrue(GatewayError.of(503, GatewayError.API_ERROR, "down", null).retryable());
        assertFalse(GatewayError.invalidRequest("bad", "model").retryable());
        assertEquals(Optional.of(Duration.ofSeconds(3)),
                GatewayError.of(429, GatewayError.RATE_LIMIT, "x", null).withRetryAfter(Duration.ofSeconds(3))
                        .retryAfter());
        assertThrows(IllegalArgumentException.class, () -> GatewayError.of(200, "x", "y", null));
        assertEquals(GatewayError.RATE_LIMIT, GatewayError.typeForStatus(429));
        assertEquals(GatewayError.AUTHENTICATION, GatewayError.typeForStatus(401));
    }

    @Test
    void finishReasonsAreInternedAndUnknownOnesKept() {
        assertTrue(FinishReason.of("stop") == FinishReason.STOP);
        assertEquals("eos", FinishReason.of("eos").value());
    }

    @Test
    void partsContentJoinsTextOnly() {
        MessageContent c = new MessageContent.Parts(List.of(new ContentPart.Text("a"),
                new ContentPart.Image("https://x/y.png", Optional.empty()), new ContentPart.Text("b")));
        assertEquals("a\nb", c.text());
    }

    @Test
    void messageBuilderCarriesReasoningAndCacheMarkers() {
        ChatMessage m = ChatMessage.builder("assistant").content("4").reasoningContent("2+2")
                .addThinkingBlock(ThinkingBlock.of("2+2", "sig")).addThinkingBlock(ThinkingBlock.redacted("opaque"))
                .cacheControl(CacheControl.ephemeral("1h")).extra("x", new RawJson("1")).build();
        assertEquals(m, m.toBuilder().build());
        assertEquals(Optional.of("2+2"), m.reasoningContent());
        assertEquals(Optional.of("sig"), m.thinkingBlocks().getFirst().signature());
        assertEquals(Optional.of("1h"), m.cacheControl().orElseThrow().ttl());
        assertEquals("4", m.text());
        ChatMessage old = new ChatMessage("user", Optional.of(MessageContent.of("hi")), Optional.empty(), List.of(),
                Optional.empty(), Optional.empty(), Map.of());
        assertEquals(ChatMessage.user("hi"), old);
        assertEquals(List.of(), old.thinkingBlocks());
        assertEquals(Optional.empty(), old.cacheControl());
    }

    @Test
    void thinkingBlocksAreReadableOrRedactedNeverBoth() {
        assertEquals("thinking", ThinkingBlock.of("t", null).type());
        assertFalse(ThinkingBlock.of("t", null).redacted());
        assertEquals("redacted_thinking", ThinkingBlock.redacted("d").type());
        assertEquals("", ThinkingBlock.signatureOnly("s").thinking());
        assertThrows(IllegalArgumentException.class,
                () -> new ThinkingBlock("text", Optional.empty(), Optional.of("d"), Map.of()));
        assertThrows(NullPointerException.class, () -> new ThinkingBlock(null, null, null, null));
    }

    @Test
    void deltaExplicitNullsOnlyNameAbsentNullableFields() {
        ChunkDelta d = ChunkDelta.builder().role("assistant").explicitNull("content").explicitNull("refusal")
                .refusal("no").build();
        assertTrue(d.writesNull("content"));
        assertFalse(d.writesNull("refusal"), "a present value is written, not null");
        assertFalse(d.writesNull("tool_calls"));
        assertEquals(d, d.toBuilder().build());
        assertThrows(IllegalArgumentException.class, () -> ChunkDelta.builder().explicitNull("contnet").build());
        ChunkDelta old = new ChunkDelta(Optional.of("assistant"), Optional.of(""), Optional.empty(), List.of(),
                Map.of());
        assertEquals(ChunkDelta.assistantStart(), old);
        assertEquals(Set.of(), old.explicitNulls());
        assertEquals(Optional.of("r"), ChunkDelta.reasoning("r").reasoningContent());
    }

    @Test
    void cacheMarkersOnPartsAndTools() {
        ContentPart.Text t = ContentPart.text("a").withCacheControl(CacheControl.ephemeral());
        assertEquals("ephemeral", t.cacheControl().orElseThrow().type());
        assertEquals(new ContentPart.Text("a"), ContentPart.text("a"));
        ContentPart.Image i = new ContentPart.Image("https://x", Optional.empty()).withCacheControl(
                CacheControl.ephemeral("5m"));
        assertEquals(Optional.of("5m"), i.cacheControl().orElseThrow().ttl());
        Tool tool = Tool.function("f", "d", null);
        assertEquals(Optional.empty(), tool.cacheControl());
        assertEquals(Optional.of(CacheControl.ephemeral()), tool.withCacheControl(CacheControl.ephemeral())
                .cacheControl());
        assertThrows(NullPointerException.class, () -> new CacheControl(null, null, null));
    }

    @Test
    void usageDetailsAreTypedAndOldConstructorStillWorks() {
        Usage u = Usage.of(10, 5).withCachedTokens(4).withReasoningTokens(2);
        assertEquals(15, u.totalTokens());
        assertEquals(Optional.of(4L), u.cachedTokens());
        assertEquals(Optional.of(2L), u.reasoningTokens());
        Usage old = new Usage(1, 2, 3, null);
        assertEquals(Optional.empty(), old.cachedTokens());
        assertEquals(Map.of(), old.extra());
    }

    @Test
    void embeddingsCompareByIndexVectorAndSourceText() {
        Embedding a = new Embedding(0, new float[]{1f, 2f});
        assertEquals(a, new Embedding(0, new float[]{1f, 2f}, Optional.empty()));
        Embedding withText = new Embedding(0, new float[]{1f, 2f}, Optional.of(new RawJson("[1.0,2.0]")));
        assertFalse(a.equals(withText));
        assertEquals(Optional.of(new RawJson("[1.0,2.0]")), withText.vectorJson());
    }

    @Test
    void toolCallsKeepOtherFieldsAndOldConstructorsStillWork() {
        assertEquals(ToolCall.function("c", "f", "{}"), new ToolCall("c", "function", "f", "{}", null));
        ToolCall signed = new ToolCall("c", "function", "f", "{}", Map.of("extra_content", new RawJson("{}")));
        assertEquals(Set.of("extra_content"), signed.extra().keySet());
        assertEquals(Map.of(), ToolCallDelta.arguments(0, "x").extra());
        assertEquals(ToolCallDelta.start(0, "c", "f", ""), new ToolCallDelta(0, Optional.of("c"),
                Optional.of("function"), Optional.of("f"), Optional.of(""), Map.of()));
    }
}
