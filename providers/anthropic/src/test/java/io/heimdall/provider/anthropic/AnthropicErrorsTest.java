package io.heimdall.provider.anthropic;

import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.testkit.TestRequestContext;
import io.heimdall.testkit.tck.Reply;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anthropic error types mapped with their status, message and retry-after; the key never shown. */
class AnthropicErrorsTest extends AnthropicTestBase {
    private GatewayError fail(Reply.Kind kind, String message, Optional<Duration> retryAfter) {
        upstream.enqueue(new Reply.Failure(kind, message, retryAfter));
        return failure(() -> provider.chat(request(ChatMessage.user("q")).build(), call()));
    }

    @Test
    void errorTypesKeepStatusTypeAndMessage() {
        GatewayError e = fail(Reply.Kind.RATE_LIMITED, "Number of request tokens has exceeded your rate limit",
                Optional.of(Duration.ofSeconds(17)));
        assertEquals(429, e.status());
        assertEquals(GatewayError.RATE_LIMIT, e.type());
        assertEquals(Optional.of(Duration.ofSeconds(17)), e.retryAfter());
        assertEquals("Number of request tokens has exceeded your rate limit", e.message());

        e = fail(Reply.Kind.OVERLOADED, "Overloaded", Optional.empty());
        assertEquals(529, e.status());
        assertTrue(e.retryable());

        e = fail(Reply.Kind.CONTEXT_TOO_LONG, "prompt is too long: 208310 tokens > 200000 maximum", Optional.empty());
        assertEquals(400, e.status());
        assertEquals(Optional.of("context_length_exceeded"), e.code());
        assertEquals("prompt is too long: 208310 tokens > 200000 maximum", e.message());

        e = fail(Reply.Kind.BAD_REQUEST, "messages.0.content: Field required", Optional.empty());
        assertEquals(400, e.status());
        assertEquals(GatewayError.INVALID_REQUEST, e.type());
        assertTrue(e.code().isEmpty());
        assertEquals("messages.0.content: Field required", e.message());

        assertEquals(401, fail(Reply.Kind.AUTHENTICATION, "invalid x-api-key", Optional.empty()).status());
        assertEquals(403, fail(Reply.Kind.PERMISSION, "no access", Optional.empty()).status());
        assertEquals(GatewayError.NOT_FOUND, fail(Reply.Kind.NOT_FOUND, "model: x", Optional.empty()).type());
        assertEquals(500, fail(Reply.Kind.SERVER_ERROR, "Internal server error", Optional.empty()).status());
    }

    @Test
    void requestTooLargeFromTheEdge() {
        upstream.enqueue(AnthropicUpstream.Raw.json(413, "{\"type\":\"error\",\"error\":{\"type\":"
                + "\"request_too_large\",\"message\":\"Request exceeds the maximum allowed number of bytes.\"}}",
                Map.of()));
        GatewayError e = failure(() -> provider.chat(request(ChatMessage.user("q")).build(), call()));
        assertEquals(413, e.status());
        assertEquals(Optional.of("request_too_large"), e.code());
    }

    @Test
    void theKeyIsNeverEchoed() {
        upstream.enqueue(AnthropicUpstream.Raw.json(401, "{\"type\":\"error\",\"error\":{\"type\":"
                + "\"authentication_error\",\"message\":\"invalid x-api-key " + SECRET + "\"}}", Map.of()));
        GatewayError e = failure(() -> provider.chat(request(ChatMessage.user("q")).build(), call()));
        assertEquals(401, e.status());
        assertFalse(e.message().contains(SECRET));
        assertTrue(e.message().startsWith("invalid x-api-key"), e.message());

        upstream.enqueue(AnthropicUpstream.Raw.sse(AnthropicUpstream.event("error", "{\"type\":\"error\","
                + "\"error\":{\"type\":\"api_error\",\"message\":\"bad key " + SECRET + "\"}}")));
        e = failure(() -> stream(request(ChatMessage.user("q")).build()));
        assertFalse(e.message().contains(SECRET));
    }

    @Test
    void noKeyIsA401BeforeAnyRequest() {
        ProviderCall noKey = new ProviderCall("claude", Optional.empty(), new TestRequestContext(), 1);
        GatewayError e = failure(() -> provider.chat(request(ChatMessage.user("q")).build(), noKey));
        assertEquals(401, e.status());
        ProviderCall empty = ProviderCall.withKey("claude", Secret.of(""), new TestRequestContext(), 1);
        assertEquals(401, failure(() -> provider.chat(request(ChatMessage.user("q")).build(), empty)).status());
        assertTrue(upstream.requests().isEmpty());
    }
}
