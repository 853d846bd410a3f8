package io.heimdall.provider.openai;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.plugin.ConfigOption;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.api.provider.ProviderFactory;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.RecordedRequest;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.lang.module.ModuleDescriptor;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the shared contract does not cover: config keys, headers, retry-after forms, SSE edge cases, key masking. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(15)
class OpenAiProviderTest {
    private static final Secret KEY = Secret.of("sk-test-0123456789abcdefSECRET");
    private static final String CHUNK = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":%s,\"finish_reason\":%s}]}";

    private MockOpenAiServer mock;

    @BeforeAll
    void start() {
        mock = MockOpenAiServer.start();
    }

    @AfterAll
    void stop() {
        mock.close();
    }

    @BeforeEach
    void reset() {
        mock.reset();
    }

    // ------------------------------------------------------------------ helpers

    private static Provider provider(ProviderFactory factory, Map<String, Object> config) {
        return factory.create(StandaloneContext.config("providers.test", config, factory.configSpec()),
                StandaloneContext.create("test"));
    }

    private Provider openai(Map<String, Object> extra) {
        Map<String, Object> config = new LinkedHashMap<>(extra);
        config.putIfAbsent("base-url", mock.baseUrl());
        return provider(new OpenAiProviderFactory(), config);
    }

    private static Provider compatible(String baseUrl) {
        return provider(new OpenAiCompatibleProviderFactory(), Map.of("base-url", baseUrl));
    }

    private static ProviderCall call(Optional<Secret> key) {
        return call(key, new TestRequestContext());
    }

    private static ProviderCall call(Optional<Secret> key, TestRequestContext context) {
        return new ProviderCall("test", key.map(k -> io.heimdall.api.provider.ApiKey.of("test#0", k)), context, 1);
    }

    private static ChatRequest chat(String text, boolean stream) {
        return ChatRequest.builder().model("gpt-4o-mini").addMessage(ChatMessage.user(text)).stream(stream).build();
    }

    private static String chunk(String delta, String finish) {
        return "data: " + CHUNK.formatted(delta, finish) + "\n\n";
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
        GatewayException e = assertThrows(GatewayException.class, call::run);
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(KEY.reveal()), "key leaked into " + t);
        }
        return e.error();
    }

    // ------------------------------------------------------------------ factories and config

    @Test
    void moduleProvidesBothFactories() {
        ModuleDescriptor descriptor = OpenAiProvider.class.getModule().getDescriptor();
        assertEquals("io.heimdall.provider.openai", descriptor.name());
        Set<String> providers = descriptor.provides().stream()
                .filter(p -> p.service().equals(ProviderFactory.class.getName()))
                .flatMap(p -> p.providers().stream()).collect(Collectors.toSet());
        Set<String> expected = new java.util.HashSet<>(Set.of(OpenAiProviderFactory.class.getName(),
                OpenAiCompatibleProviderFactory.class.getName()));
        PresetFactories.ALL.forEach(c -> expected.add(c.getName()));
        assertTrue(providers.containsAll(expected), "provides " + providers);
        assertTrue(descriptor.exports().isEmpty(), "the implementation is not exported");
    }

    @Test
    void configSpecs() {
        OpenAiProviderFactory openai = new OpenAiProviderFactory();
        OpenAiCompatibleProviderFactory compatible = new OpenAiCompatibleProviderFactory();
        assertEquals("openai", openai.id());
        assertEquals("openai-compatible", compatible.id());
        assertEquals(List.of("base-url", "timeout", "organization", "project", "headers"),
                openai.configSpec().options().stream().map(ConfigOption::key).toList());
        assertEquals(List.of("base-url", "timeout", "headers"),
                compatible.configSpec().options().stream().map(ConfigOption::key).toList());
        assertEquals(Optional.of("https://api.openai.com/v1"),
                openai.configSpec().option("base-url").flatMap(ConfigOption::defaultValue));
        assertEquals(Optional.of("60s"), openai.configSpec().option("timeout").flatMap(ConfigOption::defaultValue));
        assertTrue(compatible.configSpec().option("base-url").orElseThrow().required());
        Set<Capability> all = Set.of(Capability.values());
        assertEquals(all, openai(Map.of()).capabilities());
    }

    @Test
    void compatibleRequiresBaseUrl() {
        OpenAiCompatibleProviderFactory factory = new OpenAiCompatibleProviderFactory();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StandaloneContext.config("providers.local", Map.of(), factory.configSpec()));
        assertTrue(e.getMessage().contains("providers.local.base-url"), e.getMessage());
    }

    @Test
    void badBaseUrlsAreRejected() {
        for (String url : List.of("ftp://example.com/v1", "not a url", "/v1", "http://h/v1?x=1")) {
            assertThrows(IllegalArgumentException.class, () -> compatible(url), url);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> compatible("ftp://user:" + KEY.reveal() + "@example.com/v1"));
        assertFalse(e.getMessage().contains(KEY.reveal()), "credentials in a URL are not echoed");
    }

    @Test
    void badHeadersAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> openai(Map.of("headers", Map.of("Bad Name", "x"))));
        assertThrows(IllegalArgumentException.class,
                () -> openai(Map.of("headers", Map.of("X-Ok", "line\r\nInjected: 1"))));
    }

    @Test
    void baseUrlWithAndWithoutTrailingSlash() {
        for (String url : List.of(mock.baseUrl(), mock.baseUrl() + "/", mock.baseUrl() + "//")) {
            mock.clearRequests();
            Provider provider = compatible(url);
            provider.chat(chat("slash", false), call(Optional.empty()));
            provider.listModels(call(Optional.empty()));
            List<String> paths = mock.requests().stream().map(RecordedRequest::path).toList();
            assertEquals(List.of("/v1/chat/completions", "/v1/models"), paths, url);
        }
    }

    // ------------------------------------------------------------------ headers

    @Test
    void organizationProjectAndStaticHeaders() {
        Provider provider = openai(Map.of("organization", "org-abc", "project", "proj_xyz",
                "headers", Map.of("X-Title", "Heimdall", "x-env", "test")));
        provider.chat(chat("hi", false), call(Optional.of(KEY)));
        provider.stream(chat("hi", true), call(Optional.of(KEY)), c -> {
        });
        provider.embed(EmbeddingRequest.of("text-embedding-3-small", List.of("hi")), call(Optional.of(KEY)));
        provider.listModels(call(Optional.of(KEY)));

        assertEquals(4, mock.requests().size());
        for (RecordedRequest sent : mock.requests()) {
            assertEquals(Optional.of("org-abc"), sent.header("openai-organization"), sent.toString());
            assertEquals(Optional.of("proj_xyz"), sent.header("openai-project"), sent.toString());
            assertEquals(Optional.of("Heimdall"), sent.header("x-title"), sent.toString());
            assertEquals(Optional.of("test"), sent.header("x-env"), sent.toString());
            assertEquals(Optional.of("Bearer " + KEY.reveal()), sent.header("authorization"), sent.toString());
            assertFalse(sent.header("x-request-id").isPresent(), "the gateway's request id is not leaked");
        }
    }

    @Test
    void noOrganizationOrProjectHeadersByDefault() {
        openai(Map.of()).chat(chat("hi", false), call(Optional.of(KEY)));
        RecordedRequest sent = mock.lastRequest().orElseThrow();
        assertFalse(sent.header("openai-organization").isPresent());
        assertFalse(sent.header("openai-project").isPresent());
    }

    @Test
    void requestHeadersOverrideStaticOnesButNotTheKey() {
        Provider provider = openai(Map.of("headers", Map.of("X-Team", "static")));
        TestRequestContext context = new TestRequestContext();
        context.setUpstreamHeader("x-team", "from-hook");
        context.setUpstreamHeader("Authorization", "Bearer hook-key");
        context.setUpstreamHeader("Content-Length", "99999");

        ChatResponse response = provider.chat(chat("hi", false), call(Optional.of(KEY), context));

        assertEquals("Echo: hi", response.firstText());
        RecordedRequest sent = mock.lastRequest().orElseThrow();
        assertEquals(List.of("from-hook"), sent.headers().get("x-team"));
        assertEquals(List.of("Bearer " + KEY.reveal()), sent.headers().get("authorization"));
    }

    @Test
    void compatibleWithoutKeySendsNoAuthorization() {
        Provider provider = compatible(mock.baseUrl());
        provider.chat(chat("hi", false), call(Optional.empty()));
        provider.stream(chat("hi", true), call(Optional.empty()), c -> {
        });
        provider.embed(EmbeddingRequest.of("e", List.of("x")), call(Optional.empty()));
        provider.listModels(call(Optional.empty()));
        assertEquals(4, mock.requests().size());
        for (RecordedRequest sent : mock.requests()) {
            assertFalse(sent.header("authorization").isPresent(), sent.toString());
        }
        provider.chat(chat("hi", false), call(Optional.of(Secret.of(""))));
        assertFalse(mock.lastRequest().orElseThrow().header("authorization").isPresent(), "empty key: no header");
    }

    @Test
    void compatibleWithKeySendsBearer() {
        compatible(mock.baseUrl()).chat(chat("hi", false), call(Optional.of(KEY)));
        assertEquals(Optional.of("Bearer " + KEY.reveal()), mock.lastRequest().orElseThrow().header("authorization"));
    }

    @Test
    void openAiWithoutKeyFailsBeforeSending() {
        GatewayError error = failure(() -> openai(Map.of()).chat(chat("hi", false), call(Optional.empty())));
        assertEquals(401, error.status());
        assertEquals(GatewayError.AUTHENTICATION, error.type());
        assertEquals(Optional.of("missing_api_key"), error.code());
        assertEquals(0, mock.requestCount());
    }

    // ------------------------------------------------------------------ errors

    @Test
    void retryAfterMillisecondsAndHttpDate() {
        Provider provider = openai(Map.of());
        mock.enqueue(MockBehavior.status(429).withHeader("retry-after-ms", "1500").withHeader("retry-after", "2"));
        assertEquals(Optional.of(Duration.ofMillis(1500)),
                failure(() -> provider.chat(chat("x", false), call(Optional.of(KEY)))).retryAfter());

        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(30));
        mock.enqueue(MockBehavior.status(503).withHeader("retry-after", date));
        GatewayError error = failure(() -> provider.chat(chat("x", false), call(Optional.of(KEY))));
        assertEquals(503, error.status());
        long seconds = error.retryAfter().orElseThrow().toSeconds();
        assertTrue(seconds >= 25 && seconds <= 30, "retry-after from a date: " + seconds);

        mock.enqueue(MockBehavior.status(429));
        assertEquals(Optional.empty(),
                failure(() -> provider.chat(chat("x", false), call(Optional.of(KEY)))).retryAfter());
    }

    @Test
    void openAiRateLimitTypesAreNormalised() {
        mock.enqueue(MockBehavior.error(429, "insufficient_quota", "You exceeded your current quota"));
        GatewayError error = failure(() -> openai(Map.of()).chat(chat("x", false), call(Optional.of(KEY))));
        assertEquals(429, error.status());
        assertEquals(GatewayError.RATE_LIMIT, error.type());
        assertEquals(Optional.of("insufficient_quota"), error.code());
    }

    @Test
    void statusesAreKept() {
        Provider provider = openai(Map.of());
        for (int status : new int[] {400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503, 504}) {
            mock.enqueue(MockBehavior.status(status));
            GatewayError error = failure(() -> provider.embed(EmbeddingRequest.of("e", List.of("x")),
                    call(Optional.of(KEY))));
            assertEquals(status, error.status());
        }
    }

    @Test
    void redirectsAndOddStatusesAreBadGateway() throws Exception {
        try (RawServer server = new RawServer(r -> new RawServer.Reply(302,
                Map.of("Location", "http://127.0.0.1:1/elsewhere"), List.of(""), false))) {
            GatewayError error = failure(() -> compatible(server.baseUrl()).chat(chat("x", false),
                    call(Optional.empty())));
            assertEquals(502, error.status());
            assertEquals(Optional.of("bad_upstream_response"), error.code());
        }
    }

    @Test
    void keyEchoedByAnUpstreamIsMasked() throws Exception {
        String body = "{\"error\":{\"message\":\"Invalid key " + KEY.reveal() + " given\",\"type\":"
                + "\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
        try (RawServer server = new RawServer(r -> RawServer.Reply.json(401, body))) {
            GatewayError error = failure(() -> compatible(server.baseUrl()).chat(chat("x", false),
                    call(Optional.of(KEY))));
            assertEquals(401, error.status());
            assertTrue(error.message().contains(KEY.masked()), error.message());
            assertEquals(Optional.of("invalid_api_key"), error.code());
        }
    }

    // ------------------------------------------------------------------ streams

    @Test
    void streamWithoutDoneButWithFinishReasonIsComplete() throws Exception {
        try (RawServer server = new RawServer(r -> RawServer.Reply.sse(
                chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"),
                chunk("{\"content\":\"Hello\"}", "null"),
                chunk("{}", "\"stop\"")))) {
            List<ChatChunk> chunks = new ArrayList<>();
            compatible(server.baseUrl()).stream(chat("x", true), call(Optional.empty()), chunks::add);
            assertEquals(3, chunks.size());
            assertEquals("Hello", content(chunks));
            assertEquals(Optional.of(FinishReason.STOP), chunks.getLast().choices().getFirst().finishReason());
            RawServer.Received sent = server.take();
            assertEquals("/v1/chat/completions", sent.path());
            assertEquals("text/event-stream", sent.headers().get("accept"));
            assertTrue(sent.body().contains("\"stream\":true"), sent.body());
        }
    }

    @Test
    void streamCutAfterFinishReasonIsComplete() throws Exception {
        try (RawServer server = new RawServer(r -> RawServer.Reply.sseAborted(
                chunk("{\"role\":\"assistant\",\"content\":\"Hi\"}", "null"),
                chunk("{}", "\"length\"")))) {
            List<ChatChunk> chunks = new ArrayList<>();
            compatible(server.baseUrl()).stream(chat("x", true), call(Optional.empty()), chunks::add);
            assertEquals("Hi", content(chunks));
            assertEquals(Optional.of(FinishReason.LENGTH), chunks.getLast().choices().getFirst().finishReason());
        }
    }

    @Test
    void streamWithoutDoneOrFinishReasonIsBadGateway() throws Exception {
        try (RawServer server = new RawServer(r -> RawServer.Reply.sse(
                chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"),
                chunk("{\"content\":\"Hel\"}", "null")))) {
            List<ChatChunk> chunks = new ArrayList<>();
            GatewayError error = failure(() -> compatible(server.baseUrl()).stream(chat("x", true),
                    call(Optional.empty()), chunks::add));
            assertEquals(502, error.status());
            assertEquals("Hel", content(chunks), "chunks before the end were delivered");
        }
    }

    @Test
    void emptyStreamIsBadGateway() throws Exception {
        try (RawServer server = new RawServer(r -> RawServer.Reply.sse(": keep-alive\n\n"))) {
            GatewayError error = failure(() -> compatible(server.baseUrl()).stream(chat("x", true),
                    call(Optional.empty()), c -> {
                    }));
            assertEquals(502, error.status());
            assertTrue(error.retryable());
        }
    }

    @Test
    void sseFramingVariantsAreRead() throws Exception {
        // no space after "data:", CRLF line ends, comments, an id field, and [DONE] split from the last chunk
        String first = "data:" + CHUNK.formatted("{\"role\":\"assistant\",\"content\":\"A\"}", "null") + "\r\n\r\n";
        String second = ": comment\r\nid: 7\r\ndata: " + CHUNK.formatted("{\"content\":\"B\"}", "\"stop\"")
                + "\r\n\r\n";
        try (RawServer server = new RawServer(r -> RawServer.Reply.sse(first, second, "data: [DONE]\n\n",
                "data: " + CHUNK.formatted("{\"content\":\"ignored\"}", "null") + "\n\n"))) {
            List<ChatChunk> chunks = new ArrayList<>();
            compatible(server.baseUrl()).stream(chat("x", true), call(Optional.empty()), chunks::add);
            assertEquals("AB", content(chunks), "stops at [DONE]");
        }
    }

    @Test
    void errorEventsMapToTheirStatus() throws Exception {
        Map<String, Integer> cases = new LinkedHashMap<>();
        cases.put("data: {\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}\n\n", 429);
        cases.put("data: {\"error\":{\"message\":\"slow down\",\"type\":\"tokens\","
                + "\"code\":\"rate_limit_exceeded\"}}\n\n", 429);
        cases.put("event: error\ndata: {\"error\":{\"message\":\"context too long\","
                + "\"type\":\"invalid_request_error\"}}\n\n", 400);
        cases.put("data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n", 502);
        cases.put("data: \t{ \"error\" :{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}\n\n", 429);
        cases.put("event: error\ndata: {\"message\":\"overloaded\"}\n\n", 502);
        for (Map.Entry<String, Integer> c : cases.entrySet()) {
            try (RawServer server = new RawServer(r -> RawServer.Reply.sse(
                    chunk("{\"role\":\"assistant\",\"content\":\"\"}", "null"), c.getKey()))) {
                List<ChatChunk> chunks = new ArrayList<>();
                GatewayError error = failure(() -> compatible(server.baseUrl()).stream(chat("x", true),
                        call(Optional.empty()), chunks::add));
                assertEquals((int) c.getValue(), error.status(), c.getKey());
                assertEquals(1, chunks.size(), "the chunk before the error was delivered");
                assertFalse(error.message().isBlank());
            }
        }
    }

    @Test
    void sinkFailureStopsTheStream() {
        Provider provider = compatible(mock.baseUrl());
        List<ChatChunk> chunks = new ArrayList<>();
        GatewayException gone = new GatewayException(GatewayError.of(499, GatewayError.API_ERROR, "gone", null));
        GatewayException e = assertThrows(GatewayException.class, () -> provider.stream(
                chat("one two three four five", true), call(Optional.empty()), c -> {
                    chunks.add(c);
                    if (chunks.size() == 2) {
                        throw gone;
                    }
                }));
        assertEquals(gone, e);
        assertEquals(2, chunks.size());
        // the provider is still usable afterwards
        assertEquals("Echo: again", provider.chat(chat("again", false), call(Optional.empty())).firstText());
    }

    // ------------------------------------------------------------------ requests

    @Test
    void chatRequestIsNotStreamedAndPassesUnknownFieldsThrough() {
        ChatRequest request = chat("hi", true).toBuilder()
                .extra("reasoning_effort", RawJson.string("low"))
                .extra("metadata", new RawJson("{\"a\":1}"))
                .build();
        openai(Map.of()).chat(request, call(Optional.of(KEY)));
        RecordedRequest sent = mock.lastRequest().orElseThrow();
        assertEquals(Optional.of("false"), sent.jsonValue("/stream").or(() -> Optional.of("false")));
        assertFalse(sent.jsonValue("/stream_options").isPresent());
        assertEquals(Optional.of("low"), sent.jsonValue("/reasoning_effort"));
        assertEquals(Optional.of("1"), sent.jsonValue("/metadata/a"));
        assertEquals(Optional.of("application/json"), sent.header("accept"));
    }

    @Test
    void streamIsRequestedEvenIfTheRequestSaysOtherwise() {
        List<ChatChunk> chunks = new ArrayList<>();
        openai(Map.of()).stream(chat("hi there", false), call(Optional.of(KEY)), chunks::add);
        assertEquals("Echo: hi there", content(chunks));
        assertEquals(Optional.of("true"), mock.lastRequest().orElseThrow().jsonValue("/stream"));
    }

    @Test
    void embeddingsAlwaysAskForFloats() {
        EmbeddingRequest request = new EmbeddingRequest("text-embedding-3-small", List.of("a b", "c"), false,
                Optional.of("base64"), Optional.of(8), Optional.of("u1"), Map.of());
        var response = openai(Map.of()).embed(request, call(Optional.of(KEY)));
        assertEquals(2, response.data().size());
        assertEquals(8, response.data().getFirst().vector().length);
        RecordedRequest sent = mock.lastRequest().orElseThrow();
        assertEquals("/v1/embeddings", sent.path());
        assertEquals(Optional.of("float"), sent.jsonValue("/encoding_format"));
        assertEquals(Optional.of("u1"), sent.jsonValue("/user"));
    }

    @Test
    void timeoutIsShortenedToTheDeadline() {
        mock.enqueue(MockBehavior.delay(Duration.ofSeconds(3)));
        Provider provider = openai(Map.of("timeout", "500ms"));
        long start = System.nanoTime();
        GatewayError error = failure(() -> provider.chat(chat("x", false), call(Optional.of(KEY))));
        assertEquals(504, error.status());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2_500, "the configured timeout applies");

        TestRequestContext expired = new TestRequestContext().deadline(java.time.Instant.now().minusSeconds(1));
        long before = mock.requestCount();
        assertEquals(504, failure(() -> provider.chat(chat("x", false), call(Optional.of(KEY), expired))).status());
        assertEquals(before, mock.requestCount(), "nothing is sent past the deadline");
    }

    @Test
    void concurrentCallsShareTheProvider() throws Exception {
        Provider provider = openai(Map.of());
        Map<Integer, String> answers = new HashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int n = i;
            threads.add(Thread.ofVirtual().start(() -> {
                String text = provider.chat(chat("q" + n, false), call(Optional.of(KEY))).firstText();
                synchronized (answers) {
                    answers.put(n, text);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        for (int i = 0; i < 16; i++) {
            assertEquals("Echo: q" + i, answers.get(i));
        }
    }
}
