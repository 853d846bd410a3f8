package io.heimdall.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ResponseFormat;
import io.heimdall.provider.anthropic.messages.EncodedRequest;
import io.heimdall.provider.anthropic.messages.MessagesErrors;
import io.heimdall.provider.anthropic.messages.MessagesOptions;
import io.heimdall.provider.anthropic.messages.MessagesRequestEncoder;
import io.heimdall.provider.anthropic.messages.MessagesStreamTranslator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exported translation on its own, as Claude on Vertex AI uses it: no URL, no auth, no HTTP. */
class MessagesReuseTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void vertexBodiesCarryTheVersionAndNoModel() throws IOException {
        ChatRequest request = ChatRequest.builder().model("claude-sonnet-4-5@20250929")
                .addMessage(ChatMessage.user("hi")).build();
        EncodedRequest encoded = MessagesRequestEncoder.encode(request, true, MessagesOptions.vertex("vertex", 256));
        JsonNode body = JSON.readTree(new String(encoded.body(), StandardCharsets.UTF_8));
        assertFalse(body.has("model"));
        assertEquals("vertex-2023-10-16", body.get("anthropic_version").asText());
        assertEquals(256, body.get("max_tokens").asInt());
        assertEquals(true, body.get("stream").asBoolean());
        assertEquals(Optional.empty(), encoded.jsonTool());

        JsonNode anthropic = JSON.readTree(MessagesRequestEncoder.encode(request, false,
                MessagesOptions.anthropic("a", 256)).body());
        assertEquals("claude-sonnet-4-5@20250929", anthropic.get("model").asText());
        assertFalse(anthropic.has("anthropic_version"));
        assertFalse(anthropic.has("stream"));
    }

    @Test
    void structuredOutputsByModel() throws IOException {
        for (String model : List.of("claude-sonnet-4-5", "claude-opus-4-1-20250805", "claude-haiku-4-5@20251001",
                "some-future-model")) {
            assertTrue(hasOutputConfig(model), model);
        }
        for (String model : List.of("claude-sonnet-4-20250514", "claude-opus-4@20250514", "claude-sonnet-4",
                "anthropic.claude-sonnet-4-20250514-v1:0", "claude-3-7-sonnet-latest", "claude-3-5-haiku-20241022")) {
            assertFalse(hasOutputConfig(model), model);
        }
    }

    private static boolean hasOutputConfig(String model) throws IOException {
        ChatRequest request = ChatRequest.builder().model(model).addMessage(ChatMessage.user("hi"))
                .responseFormat(new ResponseFormat("json_schema", Optional.of("s"),
                        Optional.of(new RawJson("{\"type\":\"object\"}")), Optional.empty())).build();
        return JSON.readTree(MessagesRequestEncoder.encode(request, false, MessagesOptions.anthropic("a", 9)).body())
                .has("output_config");
    }

    @Test
    void theTranslatorWorksEventByEventWithoutTransport() {
        List<ChatChunk> chunks = new ArrayList<>();
        MessagesStreamTranslator t = new MessagesStreamTranslator("vertex", "claude-x", 1700000000L, false,
                Optional.empty(), chunks::add);
        t.accept("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_v\",\"usage\":"
                + "{\"input_tokens\":1,\"output_tokens\":1}}}");
        assertEquals(1, chunks.size());
        assertEquals("claude-x", chunks.getFirst().model(), "the model named when the event names none");
        t.accept("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                + "{\"type\":\"text\",\"text\":\"\"}}");
        t.accept("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                + "{\"type\":\"text_delta\",\"text\":\"hey\"}}");
        assertEquals(Optional.of("hey"), chunks.getLast().choices().getFirst().delta().content());
        t.accept("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"}}");
        t.accept("message_stop", "{\"type\":\"message_stop\"}");
        assertEquals(true, t.stopped());
        assertEquals(3, chunks.size());
    }

    @Test
    void errorBodiesOfOtherShapesKeepStatusAndMessage() {
        GatewayError google = MessagesErrors.fromResponse(429, ("{\"error\":{\"code\":429,\"message\":\"Quota "
                + "exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}").getBytes(StandardCharsets.UTF_8),
                Optional.of(Duration.ofSeconds(3)), "vertex");
        assertEquals(429, google.status());
        assertEquals(GatewayError.RATE_LIMIT, google.type());
        assertEquals("Quota exceeded", google.message());
        assertEquals(Optional.of(Duration.ofSeconds(3)), google.retryAfter());

        GatewayError html = MessagesErrors.fromResponse(502, "<html>bad gateway</html>".getBytes(
                StandardCharsets.UTF_8), Optional.empty(), "vertex");
        assertEquals(502, html.status());
        assertEquals("Provider 'vertex' answered HTTP 502", html.message());
    }
}
