package io.heimdall.provider.mock;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
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
import io.heimdall.api.plugin.ConfigOption;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.api.provider.ProviderFactory;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.module.ModuleDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class MockProviderTest {
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}}}";

    // ------------------------------------------------------------------ helpers

    private static Provider provider() {
        return provider(Map.of());
    }

    private static Provider provider(Map<String, Object> config) {
        MockProviderFactory factory = new MockProviderFactory();
        return factory.create(StandaloneContext.config("providers.mock", config, factory.configSpec()),
                StandaloneContext.create("mock"));
    }

    private static ProviderCall call() {
        return call(new TestRequestContext());
    }

    private static ProviderCall call(TestRequestContext context) {
        return new ProviderCall("mock", Optional.empty(), context, 1);
    }

    private static ChatRequest chat(String model, String text) {
        return ChatRequest.builder().model(model).addMessage(ChatMessage.user(text)).build();
    }

    private static ChatRequest withTools(ChatRequest request) {
        return request.toBuilder().tools(List.of(Tool.function("lookup", "Looks up", new RawJson(SCHEMA)),
                Tool.function("weather", "Weather", new RawJson(SCHEMA)))).build();
    }

    private static List<ChatChunk> stream(Provider provider, ChatRequest request) {
        List<ChatChunk> chunks = new ArrayList<>();
        provider.stream(request, call(), chunks::add);
        return chunks;
    }

    private static String content(List<ChatChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        for (ChatChunk c : chunks) {
            for (ChunkChoice choice : c.choices()) {
                choice.delta().content().ifPresent(sb::append);
            }
        }
        return sb.toString();
    }

    private static GatewayError failure(Runnable call) {
        return assertThrows(GatewayException.class, call::run).error();
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    // ------------------------------------------------------------------ factory and config

    @Test
    void moduleProvidesTheFactory() {
        ModuleDescriptor descriptor = MockProvider.class.getModule().getDescriptor();
        assertEquals("io.heimdall.provider.mock", descriptor.name());
        Set<String> providers = descriptor.provides().stream()
                .filter(p -> p.service().equals(ProviderFactory.class.getName()))
                .flatMap(p -> p.providers().stream()).collect(Collectors.toSet());
        assertEquals(Set.of(MockProviderFactory.class.getName()), providers);
        assertTrue(descriptor.exports().isEmpty());
    }

    @Test
    void configSpec() {
        MockProviderFactory factory = new MockProviderFactory();
        assertEquals("mock", factory.id());
        assertEquals(List.of("latency", "chunk-delay", "failure-status", "failure-every", "embedding-dimensions",
                        "base-url"),
                factory.configSpec().options().stream().map(ConfigOption::key).toList());
        assertEquals(Optional.of("64"),
                factory.configSpec().option("embedding-dimensions").flatMap(ConfigOption::defaultValue));
        assertEquals(Set.of(Capability.values()), provider().capabilities());
    }

    @Test
    void badConfigIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> provider(Map.of("failure-status", 200)));
        assertThrows(IllegalArgumentException.class, () -> provider(Map.of("failure-status", 600)));
        assertThrows(IllegalArgumentException.class, () -> provider(Map.of("failure-every", 0)));
        assertThrows(IllegalArgumentException.class, () -> provider(Map.of("embedding-dimensions", 0)));
        assertThrows(IllegalArgumentException.class, () -> provider(Map.of("embedding-dimensions", 100_000)));
        assertThrows(IllegalArgumentException.class, () -> provider(Map.of("latency", "soon")));
        assertThrows(IllegalArgumentException.class, () -> provider(Map.of("colour", "blue")));
    }

    // ------------------------------------------------------------------ chat

    @Test
    void echoIsDeterministicWithWordUsage() {
        Provider provider = provider();
        ChatRequest request = ChatRequest.builder().model("echo")
                .addMessage(ChatMessage.system("Be brief."))
                .addMessage(ChatMessage.user("first question here"))
                .addMessage(ChatMessage.assistant("an answer"))
                .addMessage(ChatMessage.user("Hello   mock\nworld"))
                .build();

        ChatResponse a = provider.chat(request, call());
        ChatResponse b = provider.chat(request, call());

        assertEquals("Echo: Hello   mock\nworld", a.firstText());
        assertEquals(a.firstText(), b.firstText());
        assertEquals(a.usage(), b.usage());
        assertEquals(Optional.of(Usage.of(2 + 3 + 2 + 3, 4)), a.usage());
        assertEquals("echo", a.model());
        assertEquals(1, a.choices().size());
        assertEquals("assistant", a.choices().getFirst().message().role());
        assertEquals(Optional.of(FinishReason.STOP), a.choices().getFirst().finishReason());
        assertTrue(a.id().startsWith("chatcmpl-"), a.id());
        assertTrue(a.created() > 1_700_000_000L);
    }

    @Test
    void anyModelNameEchoes() {
        ChatResponse response = provider().chat(chat("gpt-4o-mini", "hi"), call());
        assertEquals("Echo: hi", response.firstText());
        assertEquals("gpt-4o-mini", response.model());
    }

    @Test
    void echoOfPartsAndOfNoUserMessage() {
        ChatMessage parts = new ChatMessage("user", Optional.of(new MessageContent.Parts(List.of(
                new ContentPart.Text("look at"), new ContentPart.Image("https://example.com/a.png", Optional.empty()),
                new ContentPart.Text("this")))), Optional.empty(), List.of(), Optional.empty(), Optional.empty(),
                Map.of());
        ChatRequest vision = ChatRequest.builder().model("echo").addMessage(parts).build();
        assertEquals("Echo: look at\nthis", provider().chat(vision, call()).firstText());

        ChatRequest systemOnly = ChatRequest.builder().model("echo").addMessage(ChatMessage.system("x")).build();
        assertEquals("Echo: ", provider().chat(systemOnly, call()).firstText());
    }

    @Test
    void jsonModeAnswersJson() {
        ChatRequest request = chat("echo", "say \"hi\"").toBuilder().responseFormat(ResponseFormat.jsonObject())
                .build();
        assertEquals("{\"echo\":\"say \\\"hi\\\"\"}", provider().chat(request, call()).firstText());
        assertEquals("{\"echo\":\"say \\\"hi\\\"\"}", content(stream(provider(), request)));
    }

    @Test
    void tokenLimitCutsTheReply() {
        ChatRequest request = chat("echo", "one two three four").toBuilder().maxTokens(3).build();
        ChatResponse response = provider().chat(request, call());
        assertEquals("Echo: one two", response.firstText());
        assertEquals(Optional.of(FinishReason.LENGTH), response.choices().getFirst().finishReason());
        assertEquals(3, response.usage().orElseThrow().completionTokens());

        List<ChatChunk> chunks = stream(provider(), request.toBuilder().maxTokens(null).maxCompletionTokens(2)
                .build());
        assertEquals("Echo: one", content(chunks));
        assertEquals(Optional.of(FinishReason.LENGTH), chunks.getLast().choices().getFirst().finishReason());
    }

    // ------------------------------------------------------------------ streaming

    @Test
    void streamSendsRoleThenWordsThenFinish() {
        String text = "stream  these\nfive words";
        List<ChatChunk> chunks = stream(provider(), chat("echo", text));

        String echo = "Echo: " + text;
        assertEquals(1 + Words.count(echo) + 1, chunks.size(), "role, one per word, finish");
        ChunkDelta first = chunks.getFirst().choices().getFirst().delta();
        assertEquals(Optional.of("assistant"), first.role());
        assertEquals(Optional.of(""), first.content());
        assertEquals(echo, content(chunks));
        List<String> pieces = chunks.subList(1, chunks.size() - 1).stream()
                .map(c -> c.choices().getFirst().delta().content().orElseThrow()).toList();
        assertEquals(List.of("Echo:", " stream", "  these", "\nfive", " words"), pieces);
        for (int i = 0; i < chunks.size() - 1; i++) {
            assertTrue(chunks.get(i).choices().getFirst().finishReason().isEmpty(), "no finish reason at " + i);
        }
        ChunkChoice last = chunks.getLast().choices().getFirst();
        assertEquals(Optional.of(FinishReason.STOP), last.finishReason());
        assertEquals(ChunkDelta.EMPTY, last.delta());
        String id = chunks.getFirst().id();
        assertTrue(chunks.stream().allMatch(c -> c.id().equals(id) && c.model().equals("echo")));
        assertTrue(chunks.stream().allMatch(c -> c.usage().isEmpty()), "no usage unless asked");
        assertEquals(content(chunks), provider().chat(chat("echo", text), call()).firstText(),
                "the stream says what chat says");
    }

    @Test
    void streamEndsWithUsageWhenAsked() {
        ChatRequest request = chat("echo", "count these").toBuilder().stream(true)
                .streamOptions(new StreamOptions(true, Map.of())).build();
        List<ChatChunk> chunks = stream(provider(), request);
        ChatChunk last = chunks.getLast();
        assertTrue(last.choices().isEmpty());
        assertEquals(Optional.of(Usage.of(2, 3)), last.usage());
        assertEquals(Optional.of(FinishReason.STOP),
                chunks.get(chunks.size() - 2).choices().getFirst().finishReason());
    }

    // ------------------------------------------------------------------ tools

    @Test
    void toolCallIsDeterministic() {
        ChatRequest request = withTools(chat("echo", "weather in \"Oslo\""));
        ChatResponse a = provider().chat(request, call());
        ChatResponse b = provider().chat(request, call());

        ToolCall tc = a.choices().getFirst().message().toolCalls().getFirst();
        assertEquals(1, a.choices().getFirst().message().toolCalls().size());
        assertEquals("lookup", tc.name());
        assertEquals("function", tc.type());
        assertEquals("{\"query\":\"weather in \\\"Oslo\\\"\"}", tc.arguments());
        assertTrue(tc.id().matches("call_[0-9a-f]{16}"), tc.id());
        assertEquals(tc, b.choices().getFirst().message().toolCalls().getFirst(), "same call, same id");
        assertEquals(Optional.of(FinishReason.TOOL_CALLS), a.choices().getFirst().finishReason());
        assertTrue(a.choices().getFirst().message().content().isEmpty(), "no text with the call");
        assertEquals(Optional.of(Usage.of(3, 3)), a.usage());
    }

    @Test
    void toolChoiceIsHonoured() {
        Provider provider = provider();
        ChatRequest base = withTools(chat("echo", "hi"));

        ToolCall named = provider.chat(base.toBuilder().toolChoice(ToolChoice.function("weather")).build(), call())
                .choices().getFirst().message().toolCalls().getFirst();
        assertEquals("weather", named.name());

        ChatResponse none = provider.chat(base.toBuilder().toolChoice(ToolChoice.mode("none")).build(), call());
        assertEquals("Echo: hi", none.firstText());
        assertTrue(none.choices().getFirst().message().toolCalls().isEmpty());

        GatewayError unknown = failure(() -> provider.chat(base.toBuilder()
                .toolChoice(ToolChoice.function("nope")).build(), call()));
        assertEquals(400, unknown.status());
        assertEquals(Optional.of("tool_choice"), unknown.param());
    }

    @Test
    void toolResultEndsTheLoopUnlessAToolIsRequired() {
        ToolCall tc = ToolCall.function("call_1", "lookup", "{}");
        ChatRequest afterTool = withTools(ChatRequest.builder().model("echo")
                .addMessage(ChatMessage.user("question"))
                .addMessage(ChatMessage.assistantToolCalls(Optional.empty(), List.of(tc)))
                .addMessage(ChatMessage.tool("call_1", "42"))
                .build());
        assertEquals("Echo: question", provider().chat(afterTool, call()).firstText());

        ChatResponse required = provider().chat(afterTool.toBuilder().toolChoice(ToolChoice.mode("required"))
                .build(), call());
        assertEquals("lookup", required.choices().getFirst().message().toolCalls().getFirst().name());
    }

    @Test
    void streamedToolCallArrivesInFragments() {
        ChatRequest request = withTools(chat("echo", "a longer question with Zoë 👋")).toBuilder()
                .streamOptions(new StreamOptions(true, Map.of())).build();
        List<ChatChunk> chunks = stream(provider(), request);
        ToolCall whole = provider().chat(request, call()).choices().getFirst().message().toolCalls().getFirst();

        assertEquals(Optional.of("assistant"), chunks.getFirst().choices().getFirst().delta().role());
        List<ToolCallDelta> deltas = chunks.stream().flatMap(c -> c.choices().stream())
                .flatMap(c -> c.delta().toolCalls().stream()).toList();
        assertTrue(deltas.size() > 3, "arguments in several fragments: " + deltas.size());
        ToolCallDelta start = deltas.getFirst();
        assertEquals(Optional.of(whole.id()), start.id());
        assertEquals(Optional.of("lookup"), start.name());
        assertEquals(Optional.of("function"), start.type());
        for (ToolCallDelta d : deltas.subList(1, deltas.size())) {
            assertEquals(0, d.index());
            assertTrue(d.id().isEmpty() && d.name().isEmpty(), "later fragments carry only arguments");
        }
        String args = deltas.stream().map(d -> d.arguments().orElse("")).collect(Collectors.joining());
        assertEquals(whole.arguments(), args);
        ChatChunk finish = chunks.get(chunks.size() - 2);
        assertEquals(Optional.of(FinishReason.TOOL_CALLS), finish.choices().getFirst().finishReason());
        assertEquals(whole.arguments().length() > 0, chunks.getLast().usage().isPresent());
        assertEquals("", content(chunks));
    }

    // ------------------------------------------------------------------ faults

    @Test
    void faultModels() {
        Provider provider = provider();
        GatewayError limited = failure(() -> provider.chat(chat("fail-429", "x"), call()));
        assertEquals(429, limited.status());
        assertEquals(GatewayError.RATE_LIMIT, limited.type());
        assertEquals(Optional.of("rate_limit_exceeded"), limited.code());
        assertEquals(Optional.of(Duration.ofSeconds(1)), limited.retryAfter());
        assertTrue(limited.retryable());

        GatewayError server = failure(() -> provider.stream(chat("fail-500", "x"), call(), c -> {
            throw new AssertionError("no chunk before the error");
        }));
        assertEquals(500, server.status());
        assertEquals(GatewayError.API_ERROR, server.type());
        assertTrue(server.retryable());

        GatewayError bad = failure(() -> provider.embed(EmbeddingRequest.of("fail-400", List.of("x")), call()));
        assertEquals(400, bad.status());
        assertEquals(GatewayError.INVALID_REQUEST, bad.type());
        assertEquals(Optional.of("mock_bad_request"), bad.code());
        assertFalse(bad.retryable());
    }

    @Test
    void failMidStreamSendsTwoChunksThenFails() {
        List<ChatChunk> chunks = new ArrayList<>();
        GatewayError error = failure(() -> provider().stream(chat("fail-mid-stream", "one two three"), call(),
                chunks::add));
        assertEquals(2, chunks.size());
        assertEquals(Optional.of("assistant"), chunks.getFirst().choices().getFirst().delta().role());
        assertEquals("Echo:", content(chunks));
        assertEquals(502, error.status());
        assertEquals(Optional.of("mock_stream_broken"), error.code());

        assertEquals(502, failure(() -> provider().chat(chat("fail-mid-stream", "x"), call())).status());
    }

    @Test
    void slowModelSleepsTwoSecondsButNotPastTheDeadline() {
        Provider provider = provider();
        long start = System.nanoTime();
        assertEquals("Echo: x", provider.chat(chat("slow", "x"), call()).firstText());
        assertTrue(millisSince(start) >= 2_000, "slept " + millisSince(start));

        start = System.nanoTime();
        GatewayError error = failure(() -> provider.chat(chat("slow", "x"),
                call(new TestRequestContext().timeout(Duration.ofMillis(200)))));
        long took = millisSince(start);
        assertEquals(504, error.status());
        assertEquals(Optional.of("upstream_timeout"), error.code());
        assertTrue(took >= 150 && took < 1_500, "gave up after " + took + " ms");
    }

    @Test
    void configuredFailuresEveryNth() {
        Provider provider = provider(Map.of("failure-status", 503, "failure-every", 3));
        List<Integer> outcomes = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            try {
                if (i % 2 == 0) {
                    provider.chat(chat("echo", "x"), call());
                } else {
                    provider.stream(chat("echo", "x"), call(), c -> {
                    });
                }
                outcomes.add(200);
            } catch (GatewayException e) {
                outcomes.add(e.error().status());
                assertEquals(Optional.of("mock_failure"), e.error().code());
                assertEquals(GatewayError.API_ERROR, e.error().type());
            }
        }
        assertEquals(List.of(200, 200, 503, 200, 200, 503, 200), outcomes);

        Provider always = provider(Map.of("failure-status", 429));
        GatewayError error = failure(() -> always.embed(EmbeddingRequest.of("echo", List.of("x")), call()));
        assertEquals(429, error.status());
        assertEquals(GatewayError.RATE_LIMIT, error.type());
        assertEquals(Optional.of(Duration.ofSeconds(1)), error.retryAfter());
        assertEquals(MockProvider.MODELS.size(), always.listModels(call()).size(), "listing never fails");
    }

    @Test
    void latencyIsHonoured() {
        Provider provider = provider(Map.of("latency", "150ms"));
        long start = System.nanoTime();
        provider.chat(chat("echo", "x"), call());
        assertTrue(millisSince(start) >= 150, "latency " + millisSince(start));

        start = System.nanoTime();
        List<ChatChunk> chunks = new ArrayList<>();
        long[] firstAt = new long[1];
        provider.stream(chat("echo", "x"), call(), c -> {
            if (chunks.isEmpty()) {
                firstAt[0] = System.nanoTime();
            }
            chunks.add(c);
        });
        assertTrue((firstAt[0] - start) / 1_000_000 >= 150, "latency before the first chunk");

        start = System.nanoTime();
        GatewayError error = failure(() -> provider(Map.of("latency", "5s")).chat(chat("echo", "x"),
                call(new TestRequestContext().timeout(Duration.ofMillis(100)))));
        assertEquals(504, error.status());
        assertTrue(millisSince(start) < 2_000, "the deadline cuts the latency short");
    }

    @Test
    void chunkDelayIsHonoured() {
        Provider provider = provider(Map.of("chunk-delay", "40ms"));
        List<Long> times = new ArrayList<>();
        provider.stream(chat("echo", "a b c"), call(), c -> times.add(System.nanoTime()));
        assertEquals(6, times.size());
        for (int i = 1; i < times.size(); i++) {
            long gap = (times.get(i) - times.get(i - 1)) / 1_000_000;
            assertTrue(gap >= 35, "gap " + i + ": " + gap + " ms");
        }

        List<ChatChunk> chunks = new ArrayList<>();
        GatewayError error = failure(() -> provider(Map.of("chunk-delay", "300ms")).stream(
                chat("echo", "a b c d e f"), call(new TestRequestContext().timeout(Duration.ofMillis(500))),
                chunks::add));
        assertEquals(504, error.status());
        assertTrue(chunks.size() >= 1 && chunks.size() < 5, "stopped at the deadline: " + chunks.size());
    }

    @Test
    void interruptedSleepIsACancellation() throws Exception {
        Provider provider = provider(Map.of("latency", "5s"));
        GatewayException[] thrown = new GatewayException[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                provider.chat(chat("echo", "x"), call());
            } catch (GatewayException e) {
                thrown[0] = e;
            }
        });
        Thread.sleep(100);
        t.interrupt();
        t.join(2_000);
        assertFalse(t.isAlive());
        assertEquals(499, thrown[0].error().status());
    }

    // ------------------------------------------------------------------ embeddings and models

    @Test
    void embeddingsAreDeterministicUnitVectors() {
        Provider provider = provider();
        List<String> input = List.of("hello world", "Hello, world!", "something else entirely", "");
        EmbeddingResponse a = provider.embed(EmbeddingRequest.of("echo", input), call());
        EmbeddingResponse b = provider.embed(EmbeddingRequest.of("text-embedding-3-small", input), call());

        assertEquals(4, a.data().size());
        assertEquals("echo", a.model());
        for (int i = 0; i < input.size(); i++) {
            float[] v = a.data().get(i).vector();
            assertEquals(i, a.data().get(i).index());
            assertEquals(64, v.length);
            assertEquals(1.0, VectorsTest.dot(v, v), 1e-5);
            assertArrayEquals(v, b.data().get(i).vector());
        }
        double similar = VectorsTest.dot(a.data().get(0).vector(), a.data().get(1).vector());
        double unrelated = VectorsTest.dot(a.data().get(0).vector(), a.data().get(2).vector());
        assertTrue(similar > unrelated + 0.3, similar + " vs " + unrelated);
        assertNotEquals(1.0, similar, 1e-6);
        assertEquals(Usage.of(2 + 2 + 3, 0), a.usage());
    }

    @Test
    void embeddingDimensions() {
        EmbeddingRequest sized = new EmbeddingRequest("echo", List.of("x"), true, Optional.empty(), Optional.of(16),
                Optional.empty(), Map.of());
        assertEquals(16, provider().embed(sized, call()).data().getFirst().vector().length);
        float[] configured = provider(Map.of("embedding-dimensions", 32))
                .embed(EmbeddingRequest.of("echo", List.of("x")), call()).data().getFirst().vector();
        assertEquals(32, configured.length);
        assertArrayEquals(Vectors.embed("x", 32), configured);

        EmbeddingRequest tooBig = new EmbeddingRequest("echo", List.of("x"), true, Optional.empty(),
                Optional.of(100_000), Optional.empty(), Map.of());
        assertEquals(Optional.of("dimensions"), failure(() -> provider().embed(tooBig, call())).param());
        assertEquals(400, failure(() -> provider().embed(EmbeddingRequest.of("echo", List.of()), call())).status());
    }

    @Test
    void modelsAreListed() {
        List<ModelInfo> models = provider().listModels(call());
        assertEquals(List.of("echo", "fail-429", "fail-500", "fail-400", "slow", "fail-mid-stream"),
                models.stream().map(ModelInfo::id).toList());
        assertTrue(models.stream().allMatch(m -> m.ownedBy().equals("mock")));
    }
}
