package io.heimdall.provider.gemini.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.ToolChoice;
import io.heimdall.api.model.Usage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The translation in both directions on golden Gemini JSON, without a server. */
class GeminiTranslationTest {
    private static final RawJson SCHEMA = new RawJson("{\"type\":\"object\"}");

    private static JsonNode json(String s) {
        return Json.parse(s).orElseThrow();
    }

    @Test
    void streamedThinkingSignaturesAndUsage() {
        ChatRequest request = ChatRequest.builder().model("gemini-2.5-pro").addMessage(ChatMessage.user("q"))
                .stream(true).streamOptions(new StreamOptions(true, Map.of())).build();
        GeminiStream stream = new GeminiStream(request, "fallback", 1);
        List<ChatChunk> chunks = new ArrayList<>();
        chunks.addAll(stream.onEvent(json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Let me think\","
                + "\"thought\":true}],\"role\":\"model\"},\"index\":0}],\"responseId\":\"r1\"}"), "p"));
        chunks.addAll(stream.onEvent(json("{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":"
                + "\"lookup\",\"args\":{\"q\":\"x\"}},\"thoughtSignature\":\"c2ln\"}],\"role\":\"model\"},"
                + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":10,"
                + "\"candidatesTokenCount\":5,\"thoughtsTokenCount\":7,\"cachedContentTokenCount\":4,"
                + "\"totalTokenCount\":22},\"responseId\":\"r1\"}"), "p"));
        assertTrue(stream.finished());
        chunks.add(stream.usageChunk().orElseThrow());
        ChunkDelta first = chunks.getFirst().choices().getFirst().delta();
        assertEquals(Optional.of("assistant"), first.role());
        assertEquals(Optional.of("Let me think"), first.reasoningContent());
        assertEquals("r1", chunks.getFirst().id());
        ToolCallDelta start = chunks.get(1).choices().getFirst().delta().toolCalls().getFirst();
        assertTrue(start.id().orElseThrow().startsWith(ToolCallIds.PREFIX));
        assertEquals(Optional.of("lookup"), start.name());
        assertEquals("{\"google\":{\"thought_signature\":\"c2ln\"}}", start.extra().get("extra_content").json());
        assertEquals(Optional.of("{\"q\":\"x\"}"), chunks.get(2).choices().getFirst().delta().toolCalls()
                .getFirst().arguments());
        assertEquals(Optional.of(FinishReason.TOOL_CALLS), chunks.get(3).choices().getFirst().finishReason());
        Usage usage = chunks.getLast().usage().orElseThrow();
        assertEquals(10, usage.promptTokens());
        assertEquals(12, usage.completionTokens());
        assertEquals(22, usage.totalTokens());
        assertEquals(Optional.of(4L), usage.cachedTokens());
        assertEquals(Optional.of(7L), usage.reasoningTokens());
    }

    @Test
    void aWholeResponseWithThoughtsAndATextSignature() {
        ChatResponse r = GeminiResponses.decode(json("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"hmm\","
                + "\"thought\":true},{\"text\":\"Answer\",\"thoughtSignature\":\"U0lH\"}],\"role\":\"model\"},"
                + "\"finishReason\":\"MAX_TOKENS\"}]}"), "gemini-2.5-pro", "p", "id-1", 5);
        ChatMessage m = r.choices().getFirst().message();
        assertEquals("Answer", m.text());
        assertEquals(Optional.of("hmm"), m.reasoningContent());
        assertEquals(List.of(ThinkingBlock.signatureOnly("U0lH")), m.thinkingBlocks());
        assertEquals(Optional.of(FinishReason.LENGTH), r.choices().getFirst().finishReason());
        assertEquals("id-1", r.id());
    }

    @Test
    void aBlockedPromptIsA400ContentFilter() {
        GatewayException e = assertThrows(GatewayException.class, () -> GeminiResponses.decode(json(
                "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}"), "m", "p", "id", 0));
        assertEquals(400, e.error().status());
        assertEquals(Optional.of("content_filter"), e.error().code());
        assertTrue(e.error().message().contains("SAFETY"));
    }

    @Test
    void signaturesAndIdsGoBackOnTheNextTurn() {
        ToolCall withSig = new ToolCall("up-1", "function", "lookup", "{\"q\":1}", Map.of("extra_content",
                new RawJson("{\"google\":{\"thought_signature\":\"c2ln\"}}")));
        ToolCall invented = ToolCall.function(ToolCallIds.invent("r", 0, 1, "other"), "other", "");
        ChatMessage assistant = ChatMessage.builder("assistant").content("Calling.").toolCalls(List.of(withSig,
                invented)).addThinkingBlock(ThinkingBlock.signatureOnly("dGV4dA==")).build();
        ChatRequest request = ChatRequest.builder().model("gemini-3-pro-preview")
                .addMessage(ChatMessage.system("sys")).addMessage(ChatMessage.user("q")).addMessage(assistant)
                .addMessage(ChatMessage.tool("up-1", "{\"a\":1}")).addMessage(ChatMessage.tool(invented.id(), "2"))
                .tools(List.of(Tool.function("lookup", null, SCHEMA), Tool.function("other", null, SCHEMA)))
                .toolChoice(ToolChoice.function("lookup"))
                .extra("reasoning_effort", RawJson.string("medium"))
                .extra("safety_settings", new RawJson("[{\"category\":\"HARM_CATEGORY_HATE_SPEECH\","
                        + "\"threshold\":\"BLOCK_NONE\"}]"))
                .extra("extra_body", new RawJson("{\"google\":{\"thinking_config\":{\"include_thoughts\":false}}}"))
                .build();
        String body = Json.write(GeminiRequests.encode(request, "p"));
        assertEquals("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"q\"}]},{\"role\":\"model\",\"parts\":["
                + "{\"text\":\"Calling.\",\"thoughtSignature\":\"dGV4dA==\"},"
                + "{\"functionCall\":{\"id\":\"up-1\",\"name\":\"lookup\",\"args\":{\"q\":1}},"
                + "\"thoughtSignature\":\"c2ln\"},{\"functionCall\":{\"name\":\"other\",\"args\":{}}}]},"
                + "{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"id\":\"up-1\",\"name\":\"lookup\","
                + "\"response\":{\"a\":1}}},{\"functionResponse\":{\"name\":\"other\",\"response\":{\"output\":\"2\"}}}"
                + "]}],\"systemInstruction\":{\"parts\":[{\"text\":\"sys\"}]},\"tools\":[{\"functionDeclarations\":["
                + "{\"name\":\"lookup\",\"parametersJsonSchema\":{\"type\":\"object\"}},{\"name\":\"other\","
                + "\"parametersJsonSchema\":{\"type\":\"object\"}}]}],\"toolConfig\":{\"functionCallingConfig\":"
                + "{\"mode\":\"ANY\",\"allowedFunctionNames\":[\"lookup\"]}},\"generationConfig\":{\"thinkingConfig\":"
                + "{\"thinkingLevel\":\"high\",\"includeThoughts\":false}},\"safetySettings\":[{\"category\":"
                + "\"HARM_CATEGORY_HATE_SPEECH\",\"threshold\":\"BLOCK_NONE\"}]}", body);
    }

    @Test
    void aToolResultForAnUnknownCallIsA400() {
        ChatRequest request = ChatRequest.builder().model("m").addMessage(ChatMessage.user("q"))
                .addMessage(ChatMessage.tool("nope", "x")).build();
        GatewayException e = assertThrows(GatewayException.class, () -> GeminiRequests.encode(request, "p"));
        assertEquals(Optional.of("messages[1].tool_call_id"), e.error().param());
    }

    @Test
    void googleErrorsAreMapped() {
        Instant now = Instant.parse("2026-11-30T00:00:00Z");
        GatewayError rate = GeminiErrors.fromHttp(429, bytes("{\"error\":{\"code\":429,\"message\":\"Quota\","
                + "\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc."
                + "RetryInfo\",\"retryDelay\":\"1.5s\"}]}}"), Optional.of("99"), "p", now);
        assertEquals(429, rate.status());
        assertEquals(Optional.of(Duration.ofMillis(1500)), rate.retryAfter());
        assertEquals(Optional.of("resource_exhausted"), rate.code());
        GatewayError key = GeminiErrors.fromHttp(400, bytes("[{\"error\":{\"code\":400,\"message\":\"API key not "
                + "valid.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc."
                + "ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}]}}]"), Optional.empty(), "p", now);
        assertEquals(401, key.status());
        assertEquals(GatewayError.AUTHENTICATION, key.type());
        GatewayError context = GeminiErrors.fromHttp(400, bytes("{\"error\":{\"code\":400,\"message\":\"The input "
                + "token count (2000000) exceeds the maximum number of tokens allowed (1048576).\",\"status\":"
                + "\"INVALID_ARGUMENT\"}}"), Optional.empty(), "p", now);
        assertEquals(Optional.of("context_length_exceeded"), context.code());
        GatewayError html = GeminiErrors.fromHttp(502, bytes("<html>Bad Gateway</html>"), Optional.of("3"), "p", now);
        assertEquals(502, html.status());
        assertEquals(Optional.of(Duration.ofSeconds(3)), html.retryAfter());
        assertFalse(html.message().isBlank());
    }

    @Test
    void modelNamesThatWouldChangeThePathAreRefused() {
        assertEquals("gemini-2.5-flash", ModelNames.segment("gemini-2.5-flash", "p"));
        assertEquals("claude-sonnet-4@20250514", ModelNames.segment("claude-sonnet-4@20250514", "p"));
        for (String bad : List.of("..", "a/../b", "a/b", "a:b", "a?b", "a#b", "a%2e", " a", "a\nb", "-a")) {
            assertThrows(GatewayException.class, () -> ModelNames.segment(bad, "p"), bad);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
