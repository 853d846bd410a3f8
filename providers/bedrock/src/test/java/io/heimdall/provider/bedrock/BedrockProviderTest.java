package io.heimdall.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.CacheControl;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ResponseFormat;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.Usage;
import io.heimdall.testkit.tck.NativeUpstream;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenMessage;
import io.heimdall.testkit.tck.SeenRequest;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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

/** The provider end to end over a real socket against {@link BedrockUpstream}, which verifies every signature. */
class BedrockProviderTest {
    static final String KEY_ID = "AKIDBEDROCKTEST";
    static final String SECRET = "canary-secret-7f3a9c1e5b2d4f6a8c0e";
    static final String MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static BedrockUpstream upstream;
    private static Provider provider;

    @BeforeAll
    static void start() {
        upstream = new BedrockUpstream(KEY_ID, SECRET, "us-east-1");
        provider = create(Map.of("base-url", upstream.baseUrl(), "region", "us-east-1", "models",
                List.of(MODEL, "amazon.titan-embed-text-v2:0")));
    }

    static Provider create(Map<String, Object> config) {
        BedrockProviderFactory factory = new BedrockProviderFactory();
        return factory.create(StandaloneContext.config("providers.bedrock", config, factory.configSpec()),
                StandaloneContext.create("bedrock"));
    }

    @AfterAll
    static void stop() {
        provider.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    static ApiKey key() {
        return new ApiKey("main", Optional.empty(), Map.of(AwsAuth.ACCESS_KEY_ID, Secret.of(KEY_ID),
                AwsAuth.SECRET_ACCESS_KEY, Secret.of(SECRET)));
    }

    static ProviderCall call(ApiKey key) {
        return new ProviderCall("bedrock", Optional.of(key), new TestRequestContext().timeout(Duration.ofSeconds(10)),
                1);
    }

    private static ChatRequest.Builder request() {
        return ChatRequest.builder().model(MODEL).addMessage(ChatMessage.user("Hi"));
    }

    private static List<ChatChunk> stream(ChatRequest request) {
        List<ChatChunk> chunks = new ArrayList<>();
        provider.stream(request, call(key()), chunks::add);
        return chunks;
    }

    @Test
    void chatTranslatesTheRequestAndTheAnswer() throws Exception {
        upstream.enqueue(new Reply.Text(List.of("Hello ", "world"), "stop", Usage.of(10, 5).withCachedTokens(4)));
        ChatRequest req = ChatRequest.builder().model(MODEL).addMessage(ChatMessage.system("Be brief."))
                .addMessage(ChatMessage.user("Hi")).temperature(0.2).topP(0.9).maxTokens(100).stop(List.of("END"))
                .build();
        ChatResponse res = provider.chat(req, call(key()));
        assertEquals("Hello world", res.firstText());
        assertEquals(FinishReason.STOP, res.choices().getFirst().finishReason().orElseThrow());
        Usage usage = res.usage().orElseThrow();
        assertEquals(10, usage.promptTokens());
        assertEquals(5, usage.completionTokens());
        assertEquals(15, usage.totalTokens());
        assertEquals(4L, usage.cachedTokens().orElseThrow());
        SeenRequest seen = upstream.requests().getFirst();
        assertEquals("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse", seen.path());
        assertEquals(MODEL, seen.model());
        assertEquals("Be brief.", seen.system());
        assertEquals(List.of(new SeenMessage("user", "Hi", List.of(), "", 0)), seen.messages());
        assertEquals(Optional.of(0.2), seen.temperature());
        assertEquals(Optional.of(0.9), seen.topP());
        assertEquals(Optional.of(100), seen.maxTokens());
        assertEquals(List.of("END"), seen.stop());
        assertFalse(seen.stream());
        assertEquals(List.of(), upstream.signatureProblems());
        assertTrue(seen.headers().get("authorization").getFirst().startsWith("AWS4-HMAC-SHA256 Credential="
                + KEY_ID + "/"));
    }

    @Test
    void finishReasonsAreMapped() {
        upstream.enqueue(new Reply.Text(List.of("a"), "length", Usage.of(1, 1)));
        upstream.enqueue(new Reply.Text(List.of("b"), "content_filter", Usage.of(1, 1)));
        assertEquals(FinishReason.LENGTH, provider.chat(request().build(), call(key())).choices().getFirst()
                .finishReason().orElseThrow());
        assertEquals(FinishReason.CONTENT_FILTER, provider.chat(request().build(), call(key())).choices().getFirst()
                .finishReason().orElseThrow());
    }

    @Test
    void streamTranslatesEventStreamFramesChunkByChunk() {
        upstream.enqueue(new Reply.Text(List.of("Hel", "lo", " wörld"), "stop", Usage.of(7, 3)));
        List<ChatChunk> chunks = stream(request().stream(true).build());
        assertEquals("assistant", chunks.getFirst().choices().getFirst().delta().role().orElseThrow());
        StringBuilder text = new StringBuilder();
        int finishes = 0;
        int contentChunks = 0;
        for (ChatChunk c : chunks) {
            for (var choice : c.choices()) {
                if (choice.delta().content().filter(s -> !s.isEmpty()).isPresent()) {
                    contentChunks++;
                    text.append(choice.delta().content().get());
                }
                if (choice.finishReason().isPresent()) {
                    finishes++;
                    assertEquals(FinishReason.STOP, choice.finishReason().get());
                }
            }
        }
        assertEquals("Hello wörld", text.toString());
        assertEquals(3, contentChunks);
        assertEquals(1, finishes);
        ChatChunk last = chunks.getLast();
        assertTrue(last.choices().isEmpty());
        assertEquals(10, last.usage().orElseThrow().totalTokens());
        SeenRequest seen = upstream.requests().getFirst();
        assertTrue(seen.stream());
        assertTrue(seen.path().endsWith("/converse-stream"));
        assertEquals(List.of("application/vnd.amazon.eventstream"), seen.headers().get("accept"));
        assertEquals(List.of(), upstream.signatureProblems());
    }

    @Test
    void parallelToolCallsStreamWithStableIndexes() throws Exception {
        upstream.enqueue(new Reply.ToolCalls("Let me check.", List.of(
                new Reply.ToolCalls.Call("tooluse_a", "get_weather", List.of("{\"ci", "ty\":\"Pa", "ris\"}")),
                new Reply.ToolCalls.Call("tooluse_b", "get_time", List.of("{\"tz\":", "\"CET\"}"))), Usage.of(5, 9)));
        ChatRequest req = request().stream(true).tools(List.of(
                Tool.function("get_weather", "Weather", new RawJson("{\"type\":\"object\"}")),
                Tool.function("get_time", null, null))).toolChoice(io.heimdall.api.model.ToolChoice.mode("required"))
                .build();
        List<ChatChunk> chunks = stream(req);
        StringBuilder[] args = {new StringBuilder(), new StringBuilder()};
        String[] ids = new String[2];
        String[] names = new String[2];
        FinishReason finish = null;
        for (ChatChunk c : chunks) {
            for (var choice : c.choices()) {
                for (ToolCallDelta d : choice.delta().toolCalls()) {
                    if (d.id().isPresent()) {
                        assertEquals(null, ids[d.index()], "id only on the first delta");
                        ids[d.index()] = d.id().get();
                        names[d.index()] = d.name().orElseThrow();
                    } else {
                        assertTrue(d.name().isEmpty());
                    }
                    d.arguments().ifPresent(args[d.index()]::append);
                }
                if (choice.finishReason().isPresent()) {
                    finish = choice.finishReason().get();
                }
            }
        }
        assertEquals(List.of("tooluse_a", "tooluse_b"), List.of(ids));
        assertEquals(List.of("get_weather", "get_time"), List.of(names));
        assertEquals("{\"city\":\"Paris\"}", args[0].toString());
        assertEquals("{\"tz\":\"CET\"}", args[1].toString());
        assertEquals(FinishReason.TOOL_CALLS, finish);
        SeenRequest seen = upstream.requests().getFirst();
        assertEquals(List.of("get_weather", "get_time"), seen.toolNames());
        assertEquals("required", seen.toolChoice());
        JsonNode body = JSON.readTree(seen.body());
        assertEquals("object", body.at("/toolConfig/tools/1/toolSpec/inputSchema/json/type").asText());
    }

    @Test
    void toolCallAndToolResultRoundTrip() throws Exception {
        upstream.enqueue(new Reply.ToolCalls("", List.of(new Reply.ToolCalls.Call("tooluse_1", "lookup",
                List.of("{\"q\":", "\"x\"}"))), Usage.of(3, 4)));
        ChatRequest req = request().tools(List.of(Tool.function("lookup", "Look up", null)))
                .toolChoice(io.heimdall.api.model.ToolChoice.function("lookup")).build();
        ChatResponse res = provider.chat(req, call(key()));
        ToolCall tc = res.choices().getFirst().message().toolCalls().getFirst();
        assertEquals("tooluse_1", tc.id());
        assertEquals("lookup", tc.name());
        assertEquals(JSON.readTree("{\"q\":\"x\"}"), JSON.readTree(tc.arguments()));
        assertEquals(FinishReason.TOOL_CALLS, res.choices().getFirst().finishReason().orElseThrow());
        assertEquals("lookup", upstream.requests().getFirst().toolChoice());

        ChatRequest second = request().tools(req.tools())
                .addMessage(ChatMessage.assistantToolCalls(Optional.empty(), List.of(tc)))
                .addMessage(ChatMessage.tool("tooluse_1", "found it"))
                .addMessage(ChatMessage.user("thanks")).build();
        provider.chat(second, call(key()));
        SeenRequest seen = upstream.requests().get(1);
        assertEquals(List.of(new SeenMessage("user", "Hi", List.of(), "", 0),
                new SeenMessage("assistant", "", List.of("tooluse_1"), "", 0),
                new SeenMessage("tool", "found it", List.of(), "tooluse_1", 0),
                new SeenMessage("user", "thanks", List.of(), "", 0)), seen.messages());
    }

    @Test
    void imagesAreSentAsBytesAndUrlsAreRefused() throws Exception {
        ChatMessage withImage = ChatMessage.builder("user").content(new MessageContent.Parts(List.of(
                ContentPart.text("What is this?"),
                new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", Optional.empty())))).build();
        provider.chat(ChatRequest.builder().model(MODEL).addMessage(withImage).build(), call(key()));
        SeenRequest seen = upstream.requests().getFirst();
        assertEquals(1, seen.messages().getFirst().images());
        JsonNode image = JSON.readTree(seen.body()).at("/messages/0/content/1/image");
        assertEquals("png", image.path("format").asText());
        assertEquals("iVBORw0KGgo=", image.at("/source/bytes").asText());

        ChatMessage url = ChatMessage.builder("user").content(new MessageContent.Parts(List.of(
                new ContentPart.Image("https://example.com/cat.png", Optional.empty())))).build();
        GatewayException e = assertThrows(GatewayException.class, () -> provider.chat(ChatRequest.builder()
                .model(MODEL).addMessage(url).build(), call(key())));
        assertEquals(400, e.error().status());
        assertEquals("messages[0].content.content[0].image_url", e.error().param().orElseThrow());
        assertEquals(1, upstream.requests().size());
    }

    @Test
    void responseFormatBecomesOutputConfig() throws Exception {
        provider.chat(request().responseFormat(new ResponseFormat("json_schema", Optional.of("person"),
                Optional.of(new RawJson("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}")),
                Optional.of(true))).build(), call(key()));
        SeenRequest seen = upstream.requests().getFirst();
        assertEquals("json_schema", seen.responseFormat());
        JsonNode schema = JSON.readTree(seen.body()).at("/outputConfig/textFormat/structure/jsonSchema");
        assertEquals("person", schema.path("name").asText());
        assertEquals("string", JSON.readTree(schema.path("schema").asText()).at("/properties/name/type").asText());
    }

    @Test
    void reasoningCacheMarkersAndSignedThinkingArePassedOn() throws Exception {
        ChatMessage system = ChatMessage.builder("system").content(new MessageContent.Parts(List.of(
                new ContentPart.Text("Long context").withCacheControl(CacheControl.ephemeral())))).build();
        ChatMessage assistant = ChatMessage.builder("assistant").content("Earlier")
                .addThinkingBlock(ThinkingBlock.of("I thought", "sig-123")).build();
        provider.chat(ChatRequest.builder().model(MODEL).addMessage(system).addMessage(ChatMessage.user("a"))
                .addMessage(assistant).addMessage(ChatMessage.user("b")).maxTokens(1000)
                .extra("reasoning_effort", RawJson.string("low")).extra("top_k", new RawJson("5"))
                .extra("guardrailConfig", new RawJson("{\"guardrailIdentifier\":\"g1\",\"guardrailVersion\":\"1\"}"))
                .extra("metadata", new RawJson("{\"a\":\"b\"}")).build(), call(key()));
        JsonNode body = JSON.readTree(upstream.requests().getFirst().body());
        assertEquals("default", body.at("/system/1/cachePoint/type").asText());
        assertEquals("enabled", body.at("/additionalModelRequestFields/thinking/type").asText());
        assertEquals(2048, body.at("/additionalModelRequestFields/thinking/budget_tokens").asInt());
        assertEquals(3048, body.at("/inferenceConfig/maxTokens").asInt());
        assertEquals(5, body.at("/additionalModelRequestFields/top_k").asInt());
        assertEquals("g1", body.at("/guardrailConfig/guardrailIdentifier").asText());
        assertTrue(body.path("metadata").isMissingNode());
        assertEquals("sig-123", body.at("/messages/1/content/0/reasoningContent/reasoningText/signature").asText());
        assertEquals("I thought", body.at("/messages/1/content/0/reasoningContent/reasoningText/text").asText());
    }

    @Test
    void failuresAreMappedWithTheMessageKeptAndTheSecretScrubbed() {
        record Case(Reply.Kind kind, int status, String code) {
        }
        for (Case c : List.of(new Case(Reply.Kind.RATE_LIMITED, 429, "ThrottlingException"),
                new Case(Reply.Kind.OVERLOADED, 503, "ServiceUnavailableException"),
                new Case(Reply.Kind.AUTHENTICATION, 401, "UnrecognizedClientException"),
                new Case(Reply.Kind.PERMISSION, 403, "AccessDeniedException"),
                new Case(Reply.Kind.CONTEXT_TOO_LONG, 400, "context_length_exceeded"),
                new Case(Reply.Kind.BAD_REQUEST, 400, "ValidationException"),
                new Case(Reply.Kind.NOT_FOUND, 404, "model_not_found"),
                new Case(Reply.Kind.SERVER_ERROR, 500, "InternalServerException"))) {
            String message = c.kind() == Reply.Kind.CONTEXT_TOO_LONG ? "Input is too long for requested model."
                    : "failure " + c.kind() + " with " + SECRET + " and " + KEY_ID;
            upstream.enqueue(new Reply.Failure(c.kind(), message, c.kind() == Reply.Kind.RATE_LIMITED
                    ? Optional.of(Duration.ofSeconds(7)) : Optional.empty()));
            GatewayException e = assertThrows(GatewayException.class, () -> provider.chat(request().build(),
                    call(key())));
            assertEquals(c.status(), e.error().status(), c.kind().toString());
            assertEquals(c.code(), e.error().code().orElseThrow(), c.kind().toString());
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
            assertFalse(e.getMessage().contains(KEY_ID), e.getMessage());
            if (c.kind() == Reply.Kind.RATE_LIMITED) {
                assertEquals(Duration.ofSeconds(7), e.error().retryAfter().orElseThrow());
                assertTrue(e.error().retryable());
            }
            if (c.kind() == Reply.Kind.BAD_REQUEST) {
                assertTrue(e.getMessage().startsWith("failure BAD_REQUEST with "), e.getMessage());
            }
        }
    }

    @Test
    void anInStreamExceptionIsRaisedAfterTheChunksBeforeIt() {
        upstream.enqueue(new Reply.StreamFailure("partial", Reply.Kind.RATE_LIMITED, "Too many tokens, slow down"));
        List<ChatChunk> chunks = new ArrayList<>();
        GatewayException e = assertThrows(GatewayException.class, () -> provider.stream(request().stream(true)
                .build(), call(key()), chunks::add));
        assertEquals(429, e.error().status());
        assertEquals("Too many tokens, slow down", e.error().message());
        assertEquals("partial", chunks.stream().flatMap(c -> c.choices().stream())
                .map(ch -> ch.delta().content().orElse("")).reduce("", String::concat));
        upstream.enqueue(new Reply.StreamFailure("", Reply.Kind.SERVER_ERROR, "model failed"));
        GatewayException e2 = assertThrows(GatewayException.class, () -> stream(request().stream(true).build()));
        assertEquals(502, e2.error().status());
        assertEquals("ModelStreamErrorException", e2.error().code().orElseThrow());
    }

    @Test
    void aDroppedConnectionIsAnUpstreamFailure() {
        upstream.enqueue(new Reply.Drop());
        GatewayException e = assertThrows(GatewayException.class, () -> provider.chat(request().build(),
                call(key())));
        assertEquals(502, e.error().status());
        upstream.enqueue(new Reply.Drop());
        assertEquals(502, assertThrows(GatewayException.class, () -> stream(request().stream(true).build()))
                .error().status());
    }

    @Test
    void arnModelIdsAreEncodedAndTraversalNeverLeavesThePath() {
        String arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-v1:0";
        provider.chat(request().model(arn).build(), call(key()));
        SeenRequest seen = upstream.requests().getFirst();
        assertEquals("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2F"
                + "us.anthropic.claude-v1%3A0/converse", seen.path());
        assertEquals(arn, seen.model());
        assertEquals(List.of(), upstream.signatureProblems());
        GatewayException e = assertThrows(GatewayException.class, () -> provider.chat(request()
                .model("bedrock/../../x").build(), call(key())));
        assertEquals(400, e.error().status());
        assertEquals(1, upstream.requests().size());
    }

    @Test
    void sessionTokensAreSignedAndApiKeysAreBearerTokens() {
        ApiKey temporary = new ApiKey("tmp", Optional.empty(), Map.of(AwsAuth.ACCESS_KEY_ID, Secret.of(KEY_ID),
                AwsAuth.SECRET_ACCESS_KEY, Secret.of(SECRET), AwsAuth.SESSION_TOKEN, Secret.of("session-tok")));
        provider.chat(request().build(), call(temporary));
        SeenRequest seen = upstream.requests().getFirst();
        assertEquals(List.of("session-tok"), seen.headers().get("x-amz-security-token"));
        assertTrue(seen.headers().get("authorization").getFirst().contains("x-amz-security-token"));
        assertEquals(List.of(), upstream.signatureProblems());

        provider.chat(request().build(), call(ApiKey.of("api", Secret.of("bedrock-api-key-abc"))));
        assertEquals(List.of("Bearer bedrock-api-key-abc"), upstream.requests().get(1).headers().get("authorization"));

        ApiKey wrong = new ApiKey("wrong", Optional.empty(), Map.of(AwsAuth.ACCESS_KEY_ID, Secret.of(KEY_ID),
                AwsAuth.SECRET_ACCESS_KEY, Secret.of("not-the-secret-value")));
        GatewayException e = assertThrows(GatewayException.class, () -> provider.chat(request().build(),
                call(wrong)));
        assertEquals(401, e.error().status());
        assertEquals(List.of("signature mismatch"), upstream.signatureProblems());
    }

    @Test
    void embeddingsUseInvokeModelForTitanAndCohere() {
        EmbeddingResponse titan = provider.embed(EmbeddingRequest.of("amazon.titan-embed-text-v2:0",
                List.of("abc", "hello")), call(key()));
        assertEquals(2, titan.data().size());
        assertEquals(3f, titan.data().get(0).vector()[0]);
        assertEquals(5f, titan.data().get(1).vector()[0]);
        assertEquals(8, titan.usage().promptTokens());
        EmbeddingResponse cohere = provider.embed(EmbeddingRequest.of("cohere.embed-english-v3",
                List.of("ab", "cdef")), call(key()));
        assertEquals(2, cohere.data().size());
        assertEquals(4f, cohere.data().get(1).vector()[0]);
        assertEquals((float) "search_document".length(), cohere.data().get(1).vector()[1]);
        assertEquals(6, cohere.usage().promptTokens());
        assertEquals(List.of(), upstream.signatureProblems());
        assertEquals(400, assertThrows(GatewayException.class, () -> provider.embed(EmbeddingRequest.of(
                "meta.llama3", List.of("x")), call(key()))).error().status());
    }

    @Test
    void modelsComeFromConfigAndCapabilitiesPerModel() {
        assertEquals(List.of(MODEL, "amazon.titan-embed-text-v2:0"), provider.listModels(call(key())).stream()
                .map(m -> m.id()).toList());
        assertTrue(provider.capabilities("amazon.titan-embed-text-v2:0")
                .contains(io.heimdall.api.provider.Capability.EMBEDDINGS));
        assertFalse(provider.capabilities("amazon.titan-embed-text-v2:0")
                .contains(io.heimdall.api.provider.Capability.CHAT));
        assertTrue(provider.capabilities(MODEL).contains(io.heimdall.api.provider.Capability.TOOLS));
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> create(Map.of("region", "us-east-1",
                "access-key-id", "AKID")));
        assertThrows(IllegalArgumentException.class, () -> create(Map.of("region", "us east 1")));
        assertThrows(IllegalArgumentException.class, () -> create(Map.of("region", "us-east-1",
                "models", List.of("bedrock/../../x"))));
    }
}
