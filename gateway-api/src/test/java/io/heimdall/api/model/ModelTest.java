package io.heimdall.api.model;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
}
