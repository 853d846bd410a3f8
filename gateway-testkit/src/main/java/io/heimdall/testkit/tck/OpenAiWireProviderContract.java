package io.heimdall.testkit.tck;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.Embedding;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.ToolChoice;
import io.heimdall.api.model.Usage;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.RecordedRequest;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
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
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract every provider whose upstream speaks the OpenAI wire format must pass. A provider module extends it in
 * its tests and implements {@link #createProvider}; the contract starts one {@link MockOpenAiServer} on loopback for
 * the test class, creates the provider against its base URL, and checks through the real socket: echo replies with
 * usage and finish reasons, streaming order, tool calls (whole and streamed), the bearer key, forwarded upstream
 * headers, the mapping of upstream failures (429, 400, 401, 5xx, dropped connections, malformed bodies, errors inside
 * a stream) onto {@link GatewayException}, the request deadline, embeddings and model listing when declared, and that
 * no exception message ever contains the key.
 *
 * <pre>{@code
 * class OpenAiProviderContractTest extends OpenAiWireProviderContract {
 *     @Override
 *     protected Provider createProvider(String baseUrl, Optional<Secret> key) {
 *         return new OpenAiProvider(baseUrl, ...);
 *     }
 * }
 * }</pre>
 *
 * <p>Every test has a 15 second limit. Calls are made as provider {@link #providerName()} with the key in
 * {@link ProviderCall#key()}; the same key is passed to {@link #createProvider} for providers configured with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 15, unit = TimeUnit.SECONDS)
public abstract class OpenAiWireProviderContract {
    /** The chat model the contract asks for. */
    protected static final String MODEL = "gpt-4o-mini";
    /** The embedding model the contract asks for. */
    protected static final String EMBEDDING_MODEL = "text-embedding-3-small";
    /** A user message with characters that need JSON escaping and non-ASCII text. */
    protected static final String TRICKY_TEXT = "Say \"hi\" \\ to Zoë 👋\nthen\ttab";

    private static final String TOOL_SCHEMA = "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}},"
            + "\"required\":[\"query\"]}";

    private final Secret key = Secret.of("sk-tck-" + Long.toHexString(ThreadLocalRandom.current().nextLong())
            + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "TCKSECRET");
    private MockOpenAiServer mock;
    private Provider provider;

    /** For subclasses. */
    protected OpenAiWireProviderContract() {
    }

    /**
     * Creates the provider under test.
     *
     * @param baseUrl the upstream's OpenAI base URL, {@code http://127.0.0.1:<port>/v1}
     * @param key     the API key the contract also passes in every {@link ProviderCall}
     * @return the provider; closed after the last test
     */
    protected abstract Provider createProvider(String baseUrl, Optional<Secret> key);

    /** The provider name used in {@link ProviderCall}s; default {@code tck}. */
    protected String providerName() {
        return "tck";
    }

    /** The mock upstream, for subclasses adding their own tests. */
    protected final MockOpenAiServer mock() {
        return mock;
    }

    /** The provider under test. */
    protected final Provider provider() {
        return provider;
    }

    /** The key the contract uses. */
    protected final Secret key() {
        return key;
    }

    /** A call for a client request, with the contract's key, attempt 1. */
    protected final ProviderCall call(TestRequestContext context) {
        return ProviderCall.withKey(providerName(), key, context, 1);
    }

    /** Starts the mock upstream and creates the provider. */
    @BeforeAll
    public final void startUpstream() {
        mock = MockOpenAiServer.start();
        provider = createProvider(mock.baseUrl(), Optional.of(key));
    }

    /** Closes the provider and stops the mock. */
    @AfterAll
    public final void stopUpstream() {
        try {
            if (provider != null) {
                provider.close();
            }
        } finally {
            if (mock != null) {
                mock.close();
            }
        }
    }

    /** Clears scripted behaviours and recorded requests between tests. */
    @BeforeEach
    public final void resetUpstream() {
        mock.reset();
    }

    // ------------------------------------------------------------------ chat

    /** A plain chat request gets the echo, finish reason {@code stop} and the upstream's usage. */
    @Test
    public void chatReturnsEchoWithUsageAndStop() {
        ChatResponse response = provider.chat(chat("Hello from the contract", false), call(new TestRequestContext()));

        String echo = MockOpenAiServer.echo("Hello from the contract");
        assertEquals(echo, response.firstText());
        assertEquals(1, response.choices().size(), "choices");
        assertEquals("assistant", response.choices().getFirst().message().role());
        assertEquals(Optional.of(FinishReason.STOP), response.choices().getFirst().finishReason());
        assertTrue(response.id().startsWith("chatcmpl-"), "upstream id kept: " + response.id());
        assertEquals(MODEL, response.model());
        assertUsage(response.usage(), words("Hello from the contract") + 4, words(echo));

        RecordedRequest sent = onlyRequest();
        assertEquals("POST", sent.method());
        assertEquals("/v1/chat/completions", sent.path());
        assertTrue(sent.header("content-type").orElse("").startsWith("application/json"),
                "content-type: " + sent.header("content-type"));
        assertEquals(Optional.of(MODEL), sent.jsonValue("/model"));
        assertEquals(Optional.of("user"), sent.jsonValue("/messages/0/role"));
        assertEquals(Optional.of("Hello from the contract"), sent.jsonValue("/messages/0/content"));
        assertFalse(sent.jsonValue("/stream").map(Boolean::parseBoolean).orElse(false), "stream must not be true");
    }

    /** Text that needs escaping and non-ASCII text survive the round trip, in the request and in the reply. */
    @Test
    public void chatKeepsEscapedAndUnicodeText() {
        ChatResponse response = provider.chat(chat(TRICKY_TEXT, false), call(new TestRequestContext()));

        assertEquals(MockOpenAiServer.echo(TRICKY_TEXT), response.firstText());
        assertEquals(Optional.of(TRICKY_TEXT), onlyRequest().jsonValue("/messages/0/content"));
    }

    /** Every message of the conversation is sent; the echo answers the last user message. */
    @Test
    public void chatSendsTheWholeConversation() {
        ChatRequest request = ChatRequest.builder().model(MODEL)
                .addMessage(ChatMessage.system("You are terse."))
                .addMessage(ChatMessage.user("first question"))
                .addMessage(ChatMessage.assistant("first answer"))
                .addMessage(ChatMessage.user("second question"))
                .build();

        ChatResponse response = provider.chat(request, call(new TestRequestContext()));

        assertEquals(MockOpenAiServer.echo("second question"), response.firstText());
        RecordedRequest sent = onlyRequest();
        assertEquals(Optional.of("system"), sent.jsonValue("/messages/0/role"));
        assertEquals(Optional.of("first answer"), sent.jsonValue("/messages/2/content"));
        assertEquals(Optional.of("second question"), sent.jsonValue("/messages/3/content"));
        assertUsage(response.usage(), words("You are terse. first question first answer second question") + 16,
                words(response.firstText()));
    }

    // ------------------------------------------------------------------ streaming

    /** A stream delivers the role first, then the text in order in several chunks, then finish reason stop. */
    @Test
    public void streamDeliversRoleAndContentInOrder() {
        String text = "stream these five words";
        List<ChatChunk> chunks = new ArrayList<>();

        provider.stream(chat(text, true), call(new TestRequestContext()), chunks::add);

        String echo = MockOpenAiServer.echo(text);
        List<ChatChunk> withChoices = chunks.stream().filter(c -> !c.choices().isEmpty()).toList();
        assertFalse(withChoices.isEmpty(), "no chunk with choices");
        assertEquals(Optional.of("assistant"), withChoices.getFirst().choices().getFirst().delta().role(),
                "the first chunk carries the role");
        assertEquals(echo, content(chunks));
        long contentChunks = withChoices.stream()
                .filter(c -> c.choices().getFirst().delta().content().filter(s -> !s.isEmpty()).isPresent())
                .count();
        assertEquals(words(echo), contentChunks, "one chunk per upstream chunk: the stream must not be buffered");
        assertFinishesWith(withChoices, FinishReason.STOP);
        String id = chunks.getFirst().id();
        assertTrue(id.startsWith("chatcmpl-"), "upstream id kept: " + id);
        assertTrue(chunks.stream().allMatch(c -> c.id().equals(id)), "every chunk has the stream's id");

        RecordedRequest sent = onlyRequest();
        assertEquals("/v1/chat/completions", sent.path());
        assertEquals(Optional.of("true"), sent.jsonValue("/stream"));
    }

    /** With {@code include_usage} the stream ends with a chunk that has usage and no choices. */
    @Test
    public void streamEndsWithUsageChunkWhenAsked() {
        String text = "count my tokens";
        ChatRequest request = chat(text, true).toBuilder().streamOptions(new StreamOptions(true, Map.of())).build();
        List<ChatChunk> chunks = new ArrayList<>();

        provider.stream(request, call(new TestRequestContext()), chunks::add);

        ChatChunk last = chunks.getLast();
        assertTrue(last.choices().isEmpty(), "the usage chunk has no choices");
        assertUsage(last.usage(), words(text) + 4, words(MockOpenAiServer.echo(text)));
        assertEquals(MockOpenAiServer.echo(text), content(chunks));
        assertFinishesWith(chunks.stream().filter(c -> !c.choices().isEmpty()).toList(), FinishReason.STOP);
        assertEquals(Optional.of("true"), onlyRequest().jsonValue("/stream_options/include_usage"));
    }

    /** Escaped and non-ASCII text survives streaming. */
    @Test
    public void streamKeepsEscapedAndUnicodeText() {
        List<ChatChunk> chunks = new ArrayList<>();

        provider.stream(chat(TRICKY_TEXT, true), call(new TestRequestContext()), chunks::add);

        assertEquals(MockOpenAiServer.echo(TRICKY_TEXT), content(chunks));
    }

    // ------------------------------------------------------------------ tools

    /** A request with tools gets a tool call with id, name and the complete arguments, finish reason tool_calls. */
    @Test
    public void chatReturnsToolCall() {
        ChatResponse response = provider.chat(withTools(chat(TRICKY_TEXT, false)), call(new TestRequestContext()));

        List<ToolCall> calls = response.choices().getFirst().message().toolCalls();
        assertEquals(1, calls.size(), "tool calls: " + calls);
        ToolCall tc = calls.getFirst();
        assertTrue(tc.id().startsWith("call_"), "tool call id: " + tc.id());
        assertEquals("function", tc.type());
        assertEquals("lookup", tc.name());
        assertEquals(MockOpenAiServer.toolArguments(TRICKY_TEXT), tc.arguments());
        assertEquals(Optional.of(FinishReason.TOOL_CALLS), response.choices().getFirst().finishReason());
        assertEquals("", response.firstText(), "no text with the tool call");

        RecordedRequest sent = onlyRequest();
        assertEquals(Optional.of("function"), sent.jsonValue("/tools/0/type"));
        assertEquals(Optional.of("lookup"), sent.jsonValue("/tools/0/function/name"));
        assertEquals(Optional.of("object"), sent.jsonValue("/tools/0/function/parameters/type"));
        assertEquals(Optional.of("query"), sent.jsonValue("/tools/0/function/parameters/required/0"));
    }

    /** A streamed tool call arrives as deltas: the first with index, id and name, the rest appending arguments. */
    @Test
    public void streamDeliversToolCallDeltas() {
        List<ChatChunk> chunks = new ArrayList<>();

        provider.stream(withTools(chat(TRICKY_TEXT, true)), call(new TestRequestContext()), chunks::add);

        List<ToolCallDelta> deltas = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .flatMap(c -> c.delta().toolCalls().stream())
                .toList();
        assertTrue(deltas.size() > 2, "arguments arrive in several fragments: " + deltas.size());
        ToolCallDelta first = deltas.getFirst();
        assertEquals(0, first.index());
        assertTrue(first.id().orElse("").startsWith("call_"), "first delta has the id: " + first);
        assertEquals(Optional.of("lookup"), first.name());
        assertTrue(deltas.stream().allMatch(d -> d.index() == 0), "one call, index 0");
        String arguments = deltas.stream().map(d -> d.arguments().orElse("")).collect(Collectors.joining());
        assertEquals(MockOpenAiServer.toolArguments(TRICKY_TEXT), arguments);
        assertFinishesWith(chunks.stream().filter(c -> !c.choices().isEmpty()).toList(), FinishReason.TOOL_CALLS);
    }

    /** {@code tool_choice: none} is forwarded: the model answers with text. */
    @Test
    public void toolChoiceNoneIsForwarded() {
        ChatRequest request = withTools(chat("no tools please", false)).toBuilder()
                .toolChoice(ToolChoice.mode("none")).build();

        ChatResponse response = provider.chat(request, call(new TestRequestContext()));

        assertEquals(MockOpenAiServer.echo("no tools please"), response.firstText());
        assertTrue(response.choices().getFirst().message().toolCalls().isEmpty());
        assertEquals(Optional.of("none"), onlyRequest().jsonValue("/tool_choice"));
    }

    // ------------------------------------------------------------------ headers

    /** The key is sent as {@code Authorization: Bearer <key>}. */
    @Test
    public void keyIsSentAsBearerToken() {
        provider.chat(chat("auth", false), call(new TestRequestContext()));
        provider.stream(chat("auth", true), call(new TestRequestContext()), chunk -> {
        });

        // Only this test's requests: a request abandoned by an earlier test may still arrive late.
        List<RecordedRequest> sent = mock.requests().stream().filter(r -> r.body().contains("auth")).toList();
        for (RecordedRequest r : sent) {
            assertEquals(Optional.of("Bearer " + key.reveal()), r.header("authorization"), r.toString());
        }
        assertEquals(2, sent.size());
    }

    /** Headers added with {@code RequestContext.setUpstreamHeader} reach the upstream, for chat and stream. */
    @Test
    public void upstreamHeadersAreForwarded() {
        TestRequestContext context = new TestRequestContext();
        context.setUpstreamHeader("x-tck-trace", "trace-123");
        context.setUpstreamHeader("X-Tck-Tenant", "blue");

        provider.chat(chat("headers", false), call(context));
        provider.stream(chat("headers", true), call(context), chunk -> {
        });

        List<RecordedRequest> mine = mock.requests().stream().filter(r -> r.body().contains("headers")).toList();
        assertEquals(2, mine.size());
        for (RecordedRequest sent : mine) {
            assertEquals(Optional.of("trace-123"), sent.header("x-tck-trace"), sent.toString());
            assertEquals(Optional.of("blue"), sent.header("x-tck-tenant"), sent.toString());
        }
    }

    // ------------------------------------------------------------------ failures

    /** 429 becomes status 429, type {@code rate_limit_error}, retryable, with the upstream's retry-after. */
    @Test
    public void rateLimitKeepsStatusAndRetryAfter() {
        mock.enqueue(MockBehavior.status(429, 7), MockBehavior.status(429, 3));

        GatewayError chat = failure(() -> provider.chat(chat("limited", false), call(new TestRequestContext())));
        GatewayError stream = failure(() -> provider.stream(chat("limited", true), call(new TestRequestContext()),
                chunk -> fail("no chunk expected")));

        assertEquals(429, chat.status());
        assertEquals(GatewayError.RATE_LIMIT, chat.type());
        assertTrue(chat.retryable());
        assertEquals(Optional.of(Duration.ofSeconds(7)), chat.retryAfter());
        assertEquals(429, stream.status());
        assertEquals(Optional.of(Duration.ofSeconds(3)), stream.retryAfter());
    }

    /** 400 stays 400, not retryable, with the upstream's message, param and code. */
    @Test
    public void badRequestKeepsUpstreamMessage() {
        String message = "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 7 "
                + "instead. (contract)";
        mock.enqueue(MockBehavior.error(400, "invalid_request_error", message, "decimal_above_max_value")
                .withParam("temperature"));

        GatewayError error = failure(() -> provider.chat(chat("bad", false), call(new TestRequestContext())));

        assertEquals(400, error.status());
        assertFalse(error.retryable());
        assertEquals(GatewayError.INVALID_REQUEST, error.type());
        assertTrue(error.message().contains(message), "upstream message kept: " + error.message());
        assertEquals(Optional.of("temperature"), error.param());
        assertEquals(Optional.of("decimal_above_max_value"), error.code());
    }

    /** 401 stays 401; the message (which OpenAI builds from the masked key) never shows the key. */
    @Test
    public void unauthorizedDoesNotLeakTheKey() {
        mock.enqueue(MockBehavior.status(401));

        GatewayError error = failure(() -> provider.chat(chat("who am i", false), call(new TestRequestContext())));

        assertEquals(401, error.status());
        assertFalse(error.retryable());
    }

    /** 500 and 503 keep their status and are retryable, for chat and for a stream before its first chunk. */
    @Test
    public void serverErrorsAreRetryable() {
        for (int status : new int[] {500, 503}) {
            mock.enqueue(MockBehavior.status(status), MockBehavior.status(status));

            GatewayError chat = failure(() -> provider.chat(chat("oops", false), call(new TestRequestContext())));
            GatewayError stream = failure(() -> provider.stream(chat("oops", true), call(new TestRequestContext()),
                    chunk -> fail("no chunk expected")));

            for (GatewayError error : List.of(chat, stream)) {
                assertEquals(status, error.status(), error.toString());
                assertTrue(error.retryable(), error.toString());
            }
        }
    }

    /** A connection closed before any response byte becomes 502 {@code upstream_unreachable}. */
    @Test
    public void droppedConnectionIsUpstreamUnreachable() {
        mock.enqueue(MockBehavior.dropConnection(), MockBehavior.dropConnection());

        GatewayError chat = failure(() -> provider.chat(chat("drop", false), call(new TestRequestContext())));
        GatewayError stream = failure(() -> provider.stream(chat("drop", true), call(new TestRequestContext()),
                chunk -> fail("no chunk expected")));

        for (GatewayError error : List.of(chat, stream)) {
            assertEquals(502, error.status(), error.toString());
            assertEquals(Optional.of("upstream_unreachable"), error.code(), error.toString());
            assertTrue(error.retryable());
        }
        assertEquals(2, mock.requests().stream().filter(r -> r.body().contains("drop")).count(),
                "a POST must not be silently retried by the provider");
    }

    /** A 200 whose body is not valid JSON becomes 502; so does a stream event that is not valid JSON. */
    @Test
    public void malformedBodyIsBadGateway() {
        mock.enqueue(MockBehavior.malformedBody(), MockBehavior.malformedBody());

        GatewayError chat = failure(() -> provider.chat(chat("garbled", false), call(new TestRequestContext())));
        GatewayError stream = failure(() -> provider.stream(chat("garbled", true), call(new TestRequestContext()),
                chunk -> {
                }));

        assertEquals(502, chat.status(), chat.toString());
        assertEquals(502, stream.status(), stream.toString());
    }

    /** An error event inside a stream fails it with the upstream message, after the chunks before it arrived. */
    @Test
    public void errorEventMidStreamFailsAfterEarlierChunks() {
        String message = "The server had an error while processing your request. (contract)";
        mock.enqueue(MockBehavior.streamError(3, message));
        List<ChatChunk> chunks = new ArrayList<>();

        GatewayError error = failure(() -> provider.stream(chat("one two three four", true),
                call(new TestRequestContext()), chunks::add));

        assertEquals("Echo: one", content(chunks), "chunks before the error event are delivered");
        assertTrue(error.status() >= 500, error.toString());
        assertTrue(error.message().contains(message), "upstream message kept: " + error.message());
    }

    /** A connection lost in the middle of a stream fails it with 502 after the chunks before it arrived. */
    @Test
    public void droppedStreamFailsAfterEarlierChunks() {
        mock.enqueue(MockBehavior.dropMidStream(3));
        mock.streamChunkDelay(Duration.ofMillis(100));  // as in real life, the drop comes a while after the last chunk
        List<ChatChunk> chunks = new ArrayList<>();

        GatewayError error = failure(() -> provider.stream(chat("one two three four", true),
                call(new TestRequestContext()), chunks::add));

        assertEquals("Echo: one", content(chunks), "chunks before the drop are delivered");
        assertEquals(502, error.status(), error.toString());
    }

    /** A provider gives up at the request's deadline with 504 instead of waiting for a slow upstream. */
    @Test
    public void deadlineIsHonoured() {
        mock.enqueue(MockBehavior.delay(Duration.ofSeconds(4)));
        TestRequestContext context = new TestRequestContext().timeout(Duration.ofMillis(500));
        long start = System.nanoTime();

        GatewayError error = failure(() -> provider.chat(chat("slow", false), call(context)));

        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, error.status(), error.toString());
        assertTrue(millis < 3_000, "gave up after " + millis + " ms, deadline was 500 ms");
    }

    // ------------------------------------------------------------------ embeddings and models

    /** Embeddings round-trip exactly (floats or base64 on the wire), in input order, with usage. */
    @Test
    public void embeddingsRoundTrip() {
        Assumptions.assumeTrue(provider.capabilities().contains(Capability.EMBEDDINGS),
                "the provider does not declare EMBEDDINGS");
        List<String> input = List.of("hello world", "the quick brown fox", TRICKY_TEXT);

        EmbeddingResponse response = provider.embed(EmbeddingRequest.of(EMBEDDING_MODEL, input),
                call(new TestRequestContext()));

        assertEquals(input.size(), response.data().size());
        for (int i = 0; i < input.size(); i++) {
            Embedding e = response.data().get(i);
            assertEquals(i, e.index());
            assertArrayEquals(MockOpenAiServer.embedding(input.get(i), 1536), e.vector(), "vector " + i);
        }
        assertEquals(EMBEDDING_MODEL, response.model());
        long tokens = input.stream().mapToLong(s -> Math.max(1, words(s))).sum();
        assertEquals(tokens, response.usage().promptTokens());
        RecordedRequest sent = onlyRequest();
        assertEquals("/v1/embeddings", sent.path());
        assertEquals(Optional.of(EMBEDDING_MODEL), sent.jsonValue("/model"));
    }

    /** The requested dimensions are forwarded. */
    @Test
    public void embeddingsForwardDimensions() {
        Assumptions.assumeTrue(provider.capabilities().contains(Capability.EMBEDDINGS),
                "the provider does not declare EMBEDDINGS");
        EmbeddingRequest request = new EmbeddingRequest(EMBEDDING_MODEL, List.of("short"), true, Optional.empty(),
                Optional.of(64), Optional.empty(), Map.of());

        EmbeddingResponse response = provider.embed(request, call(new TestRequestContext()));

        assertArrayEquals(MockOpenAiServer.embedding("short", 64), response.data().getFirst().vector());
        assertEquals(Optional.of("64"), onlyRequest().jsonValue("/dimensions"));
    }

    /** A failing embeddings call maps like chat: 503 stays 503 and is retryable. */
    @Test
    public void embeddingsFailuresMap() {
        Assumptions.assumeTrue(provider.capabilities().contains(Capability.EMBEDDINGS),
                "the provider does not declare EMBEDDINGS");
        mock.enqueue(MockBehavior.status(503));

        GatewayError error = failure(() -> provider.embed(EmbeddingRequest.of(EMBEDDING_MODEL, List.of("x")),
                call(new TestRequestContext())));

        assertEquals(503, error.status());
        assertTrue(error.retryable());
    }

    /** Model listing returns the upstream's model ids. */
    @Test
    public void modelsAreListed() {
        Assumptions.assumeTrue(provider.capabilities().contains(Capability.MODEL_LISTING),
                "the provider does not declare MODEL_LISTING");

        List<ModelInfo> models = provider.listModels(call(new TestRequestContext()));

        Set<String> ids = models.stream().map(ModelInfo::id).collect(Collectors.toSet());
        assertTrue(ids.containsAll(MockOpenAiServer.DEFAULT_MODELS), "models: " + ids);
        assertEquals("/v1/models", onlyRequest().path());
    }

    // ------------------------------------------------------------------ helpers

    /** A one-message chat request for {@link #MODEL}. */
    protected static ChatRequest chat(String userText, boolean stream) {
        return ChatRequest.builder().model(MODEL).addMessage(ChatMessage.user(userText)).stream(stream).build();
    }

    /** The request with two function tools, {@code lookup} first. */
    protected static ChatRequest withTools(ChatRequest request) {
        return request.toBuilder().tools(List.of(
                Tool.function("lookup", "Looks a query up", new RawJson(TOOL_SCHEMA)),
                Tool.function("other", "Never called", new RawJson(TOOL_SCHEMA)))).build();
    }

    /** Runs a call that must fail with a {@link GatewayException}; checks that no message shows the key. */
    protected final GatewayError failure(Runnable call) {
        GatewayException e = assertThrows(GatewayException.class, call::run);
        assertNoSecret(e);
        return e.error();
    }

    /** Asserts that neither the exception, its error nor any cause mentions the contract's key. */
    protected final void assertNoSecret(GatewayException e) {
        String secret = key.reveal();
        assertFalse(e.error().message().contains(secret), "the key leaked into the error message");
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(secret), "the key leaked into " + t.getClass());
            assertFalse(t.toString().contains(secret), "the key leaked into " + t.getClass());
        }
    }

    private RecordedRequest onlyRequest() {
        List<RecordedRequest> requests = mock.requests();
        assertEquals(1, requests.size(), "requests sent upstream: " + requests);
        return requests.getFirst();
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

    private static void assertFinishesWith(List<ChatChunk> withChoices, FinishReason reason) {
        assertFalse(withChoices.isEmpty(), "no chunk with choices");
        for (int i = 0; i < withChoices.size() - 1; i++) {
            assertTrue(withChoices.get(i).choices().getFirst().finishReason().isEmpty(),
                    "finish reason before the last chunk, at " + i);
        }
        assertEquals(Optional.of(reason), withChoices.getLast().choices().getFirst().finishReason());
    }

    private static void assertUsage(Optional<Usage> usage, long prompt, long completion) {
        assertTrue(usage.isPresent(), "usage missing");
        Usage u = usage.get();
        assertEquals(prompt, u.promptTokens(), "prompt tokens");
        assertEquals(completion, u.completionTokens(), "completion tokens");
        assertEquals(prompt + completion, u.totalTokens(), "total tokens");
    }

    /** Words as the mock counts tokens: whitespace-separated runs. */
    private static int words(String text) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < text.length(); i++) {
            boolean ws = Character.isWhitespace(text.charAt(i));
            if (!ws && !in) {
                n++;
            }
            in = !ws;
        }
        return n;
    }
}
