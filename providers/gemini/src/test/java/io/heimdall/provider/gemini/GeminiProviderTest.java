package io.heimdall.provider.gemini;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ResponseFormat;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.ToolChoice;
import io.heimdall.api.model.Usage;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.core.StandaloneContext;
import io.heimdall.provider.googlemock.GoogleMock;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenMessage;
import io.heimdall.testkit.tck.SeenRequest;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gemini provider against the Gemini mock: translation both ways, streams, errors and Gemini specifics. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class GeminiProviderTest {
    private static final Secret KEY = Secret.of("AIzaTEST-gemini-secret-key-0123456789");
    private static final RawJson SCHEMA = new RawJson(
            "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}");

    private GoogleMock mock;
    private Provider provider;

    @BeforeAll
    void start() {
        mock = GoogleMock.start(GoogleMock.Dialect.GEMINI);
        GeminiProviderFactory factory = new GeminiProviderFactory();
        provider = factory.create(StandaloneContext.config("providers.g", Map.of("base-url", mock.baseUrl()),
                factory.configSpec()), StandaloneContext.create("g"));
    }

    @AfterAll
    void stop() {
        provider.close();
        mock.close();
    }

    @BeforeEach
    void reset() {
        mock.reset();
        mock.callIds(false);
    }

    private static ProviderCall call() {
        return ProviderCall.withKey("g", KEY, new TestRequestContext(), 1);
    }

    private static ChatRequest.Builder chat(String text) {
        return ChatRequest.builder().model("gemini-2.5-flash").addMessage(ChatMessage.user(text));
    }

    private SeenRequest only() {
        assertEquals(1, mock.requests().size(), "requests: " + mock.requests());
        return mock.requests().getFirst();
    }

    private List<ChatChunk> stream(ChatRequest request) {
        List<ChatChunk> chunks = new ArrayList<>();
        provider.stream(request.toBuilder().stream(true).build(), call(), chunks::add);
        return chunks;
    }

    @Test
    void textWithSystemPromptAndSamplingParameters() {
        mock.enqueue(new Reply.Text(List.of("Hello", " there"), "stop", Usage.of(12, 3).withCachedTokens(4)));
        ChatRequest request = ChatRequest.builder().model("gemini-2.5-flash")
                .addMessage(ChatMessage.system("Be brief."))
                .addMessage(ChatMessage.user("Say \"hi\" to Zoë 👋"))
                .temperature(0.3).topP(0.9).maxTokens(50).stop(List.of("END")).seed(7L).build();
        ChatResponse response = provider.chat(request, call());
        assertEquals("Hello there", response.firstText());
        assertEquals(Optional.of(FinishReason.STOP), response.choices().getFirst().finishReason());
        assertEquals(12, response.usage().orElseThrow().promptTokens());
        assertEquals(3, response.usage().orElseThrow().completionTokens());
        assertEquals(Optional.of(4L), response.usage().orElseThrow().cachedTokens());
        SeenRequest seen = only();
        assertEquals("POST", seen.method());
        assertEquals("/v1beta/models/gemini-2.5-flash:generateContent", seen.path());
        assertEquals(List.of(KEY.reveal()), seen.headers().get("x-goog-api-key"));
        assertEquals("Be brief.", seen.system());
        assertEquals(List.of(new SeenMessage("user", "Say \"hi\" to Zoë 👋", List.of(), "", 0)), seen.messages());
        assertEquals(Optional.of(0.3), seen.temperature());
        assertEquals(Optional.of(0.9), seen.topP());
        assertEquals(Optional.of(50), seen.maxTokens());
        assertEquals(List.of("END"), seen.stop());
        assertTrue(seen.body().contains("\"seed\":7"), seen.body());
    }

    @Test
    void finishReasonsAreMapped() {
        mock.enqueue(new Reply.Text(List.of("cut"), "length", Usage.of(1, 1)));
        mock.enqueue(new Reply.Text(List.of(""), "content_filter", Usage.of(1, 0)));
        assertEquals(Optional.of(FinishReason.LENGTH), provider.chat(chat("a").build(), call()).choices()
                .getFirst().finishReason());
        assertEquals(Optional.of(FinishReason.CONTENT_FILTER), provider.chat(chat("b").build(), call()).choices()
                .getFirst().finishReason());
    }

    @Test
    void streamedTextArrivesChunkByChunk() {
        mock.enqueue(new Reply.Text(List.of("Hel", "lo ", "world"), "stop", Usage.of(5, 3)));
        List<ChatChunk> chunks = stream(chat("hi").streamOptions(new StreamOptions(true, Map.of())).build());
        assertEquals(Optional.of("assistant"), chunks.getFirst().choices().getFirst().delta().role());
        StringBuilder text = new StringBuilder();
        int finishes = 0;
        for (ChatChunk c : chunks) {
            for (ChunkChoice choice : c.choices()) {
                choice.delta().content().ifPresent(text::append);
                if (choice.finishReason().isPresent()) {
                    finishes++;
                    assertEquals(FinishReason.STOP, choice.finishReason().get());
                }
            }
        }
        assertEquals("Hello world", text.toString());
        assertEquals(1, finishes);
        assertTrue(chunks.size() >= 4, "one chunk per piece at least, and the finish: " + chunks.size());
        assertEquals(Optional.of(Usage.of(5, 3).totalTokens()), chunks.getLast().usage().map(Usage::totalTokens));
        assertTrue(only().stream());
        assertEquals("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", only().path());
    }

    @Test
    void toolCallsWithoutIdsGetStableInventedIds() {
        mock.enqueue(new Reply.ToolCalls("", List.of(new Reply.ToolCalls.Call("x", "weather",
                List.of("{\"city\":", "\"Oslo\"}"))), Usage.of(9, 4)));
        ChatRequest request = chat("weather in Oslo?").tools(List.of(Tool.function("weather", "Weather", SCHEMA)))
                .toolChoice(ToolChoice.mode("required")).build();
        ChatResponse response = provider.chat(request, call());
        ToolCall tc = response.choices().getFirst().message().toolCalls().getFirst();
        assertEquals("weather", tc.name());
        assertEquals("{\"city\":\"Oslo\"}", tc.arguments());
        assertTrue(tc.id().startsWith("call_"), tc.id());
        assertEquals(Optional.of(FinishReason.TOOL_CALLS), response.choices().getFirst().finishReason());
        SeenRequest seen = only();
        assertEquals(List.of("weather"), seen.toolNames());
        assertEquals("required", seen.toolChoice());

        // the invented id maps the tool result back to the function by name, and is not sent upstream
        mock.reset();
        ChatRequest next = request.toBuilder().addMessage(response.choices().getFirst().message())
                .addMessage(ChatMessage.tool(tc.id(), "{\"temp\":3}")).addMessage(ChatMessage.user("thanks"))
                .build();
        provider.chat(next, call());
        List<SeenMessage> messages = only().messages();
        assertEquals(List.of("user", "assistant", "tool", "user"), messages.stream().map(SeenMessage::role).toList());
        assertEquals(List.of("weather"), messages.get(1).toolCallIds());
        assertEquals("weather", messages.get(2).toolResultFor());
        assertEquals("{\"temp\":3}", messages.get(2).text());
        assertFalse(only().body().contains(tc.id()), "an invented id is not sent upstream");
    }

    @Test
    void upstreamCallIdsAreKeptBothWays() {
        mock.callIds(true);
        mock.enqueue(new Reply.ToolCalls("", List.of(new Reply.ToolCalls.Call("fc-1", "weather",
                List.of("{\"city\":\"Oslo\"}"))), Usage.of(9, 4)));
        ChatRequest request = chat("w?").tools(List.of(Tool.function("weather", "Weather", SCHEMA))).build();
        ChatResponse response = provider.chat(request, call());
        assertEquals("fc-1", response.choices().getFirst().message().toolCalls().getFirst().id());
        mock.reset();
        provider.chat(request.toBuilder().addMessage(response.choices().getFirst().message())
                .addMessage(ChatMessage.tool("fc-1", "sunny")).build(), call());
        List<SeenMessage> messages = only().messages();
        assertEquals(List.of("fc-1"), messages.get(1).toolCallIds());
        assertEquals("fc-1", messages.get(2).toolResultFor());
        assertEquals("sunny", messages.get(2).text());
    }

    @Test
    void parallelToolCallsStreamWithStableIndexesAndIdAndNameFirst() {
        mock.enqueue(new Reply.ToolCalls("Checking.", List.of(
                new Reply.ToolCalls.Call("a", "weather", List.of("{\"ci", "ty\":\"Oslo\"}")),
                new Reply.ToolCalls.Call("b", "weather", List.of("{\"city\":", "\"Rome\"}"))), Usage.of(9, 8)));
        List<ChatChunk> chunks = stream(chat("both?").tools(List.of(Tool.function("weather", "W", SCHEMA))).build());
        Map<Integer, StringBuilder> args = new java.util.TreeMap<>();
        Map<Integer, String> ids = new java.util.TreeMap<>();
        FinishReason finish = null;
        for (ChatChunk c : chunks) {
            for (ChunkChoice choice : c.choices()) {
                for (ToolCallDelta d : choice.delta().toolCalls()) {
                    if (d.id().isPresent()) {
                        assertFalse(ids.containsKey(d.index()), "id on the first delta only");
                        assertTrue(d.name().isPresent());
                        ids.put(d.index(), d.id().get());
                    } else {
                        assertTrue(d.name().isEmpty());
                    }
                    args.computeIfAbsent(d.index(), i -> new StringBuilder()).append(d.arguments().orElse(""));
                }
                if (choice.finishReason().isPresent()) {
                    finish = choice.finishReason().get();
                }
            }
        }
        assertEquals(FinishReason.TOOL_CALLS, finish);
        assertEquals("{\"city\":\"Oslo\"}", args.get(0).toString());
        assertEquals("{\"city\":\"Rome\"}", args.get(1).toString());
        assertEquals(2, ids.size());
        assertFalse(ids.get(0).equals(ids.get(1)), "distinct ids");
    }

    @Test
    void imagesJsonSchemaAndThinking() {
        mock.enqueue(new Reply.Text(List.of("{}"), "stop", Usage.of(1, 1)));
        ChatMessage user = ChatMessage.builder("user").content(new MessageContent.Parts(List.of(
                ContentPart.text("What is it?"),
                new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", Optional.empty()),
                new ContentPart.Image("https://example.com/cat.webp", Optional.empty())))).build();
        ChatRequest request = ChatRequest.builder().model("gemini-2.5-flash").addMessage(user)
                .responseFormat(new ResponseFormat("json_schema", Optional.of("x"), Optional.of(SCHEMA),
                        Optional.of(true)))
                .extra("reasoning_effort", RawJson.string("low")).build();
        provider.chat(request, call());
        SeenRequest seen = only();
        assertEquals(2, seen.messages().getFirst().images());
        assertEquals("json_schema", seen.responseFormat());
        assertTrue(seen.body().contains("\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}"),
                seen.body());
        assertTrue(seen.body().contains("\"fileData\":{\"mimeType\":\"image/webp\""), seen.body());
        assertTrue(seen.body().contains("\"thinkingConfig\":{\"thinkingBudget\":1024,\"includeThoughts\":true}"),
                seen.body());
        assertFalse(seen.body().contains("reasoning_effort"), "OpenAI-only fields are not sent to Gemini");
    }

    @Test
    void pathTraversalInTheModelNameIsRefusedBeforeAnyRequest() {
        for (String model : List.of("../../x", "gemini/../../x", "a/b", "x:generateContent?y", "m%2F..", "")) {
            GatewayException e = assertThrows(GatewayException.class, () -> provider.chat(
                    ChatRequest.builder().model(model).addMessage(ChatMessage.user("hi")).build(), call()));
            assertEquals(400, e.error().status(), model);
            assertEquals(Optional.of("model"), e.error().param());
        }
        assertEquals(List.of(), mock.requests());
    }

    @Test
    void failuresAreMapped() {
        mock.enqueue(new Reply.Failure(Reply.Kind.RATE_LIMITED, "Quota exceeded", Optional.of(Duration.ofSeconds(7))));
        GatewayError e = failure();
        assertEquals(429, e.status());
        assertEquals(Optional.of(Duration.ofSeconds(7)), e.retryAfter());
        assertEquals("Quota exceeded", e.message());
        mock.enqueue(new Reply.Failure(Reply.Kind.CONTEXT_TOO_LONG, "", Optional.empty()));
        e = failure();
        assertEquals(400, e.status());
        assertEquals(Optional.of("context_length_exceeded"), e.code());
        Map<Reply.Kind, Integer> statuses = Map.of(Reply.Kind.OVERLOADED, 503, Reply.Kind.AUTHENTICATION, 401,
                Reply.Kind.PERMISSION, 403, Reply.Kind.BAD_REQUEST, 400, Reply.Kind.NOT_FOUND, 404,
                Reply.Kind.SERVER_ERROR, 500);
        statuses.forEach((kind, status) -> {
            mock.enqueue(new Reply.Failure(kind, "msg " + kind, Optional.empty()));
            GatewayError err = failure();
            assertEquals(status, err.status(), kind.name());
            assertEquals("msg " + kind, err.message());
        });
    }

    @Test
    void inStreamErrorAfterChunksAndDroppedConnection() {
        mock.enqueue(new Reply.StreamFailure("partial", Reply.Kind.OVERLOADED, "The model is overloaded."));
        List<ChatChunk> chunks = new ArrayList<>();
        GatewayException e = assertThrows(GatewayException.class, () -> provider.stream(
                chat("x").stream(true).build(), call(), chunks::add));
        assertEquals(503, e.error().status());
        assertEquals("partial", chunks.getFirst().choices().getFirst().delta().content().orElse(""));
        mock.enqueue(new Reply.Drop());
        GatewayException drop = assertThrows(GatewayException.class, () -> provider.chat(chat("y").build(), call()));
        assertTrue(drop.error().status() >= 500, drop.error().toString());
        assertFalse(drop.toString().contains(KEY.reveal()));
    }

    @Test
    void embeddingsSingleAndBatch() {
        EmbeddingResponse one = provider.embed(EmbeddingRequest.of("text-embedding-004", List.of("hello")), call());
        assertEquals(1, one.data().size());
        assertEquals(4, one.data().getFirst().vector().length);
        assertEquals("/v1beta/models/text-embedding-004:embedContent", only().path());
        mock.reset();
        EmbeddingResponse two = provider.embed(EmbeddingRequest.of("text-embedding-004", List.of("a", "b")), call());
        assertEquals(2, two.data().size());
        assertEquals(1, two.data().get(1).index());
        assertTrue(only().body().contains("\"model\":\"models/text-embedding-004\""), only().body());
    }

    @Test
    void modelsAreListedFromTheApi() {
        List<ModelInfo> models = provider.listModels(call());
        assertEquals(List.of("gemini-2.5-flash", "gemini-2.5-pro", "text-embedding-004"),
                models.stream().map(ModelInfo::id).toList());
        assertEquals("GET", only().method());
    }

    private GatewayError failure() {
        GatewayException e = assertThrows(GatewayException.class, () -> provider.chat(chat("x").build(), call()));
        assertFalse(e.toString().contains(KEY.reveal()));
        return e.error();
    }
}
