package io.heimdall.provider.openai;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.RecordedRequest;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Azure specifics: deployments, api-version, path validation, Entra ID tokens, Azure's error and stream shapes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(20)
class AzureOpenAiTest {
    private static final Secret KEY = Secret.of("azure-key-0123456789abcdefSECRET");
    private static final String CLIENT_SECRET = "entra~client~secret~VALUE";

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

    private static String root(String v1BaseUrl) {
        return v1BaseUrl.substring(0, v1BaseUrl.length() - "/v1".length());
    }

    private static Provider azure(String baseUrl, Map<String, Object> extra) {
        Map<String, Object> config = new LinkedHashMap<>(extra);
        config.put("base-url", baseUrl);
        AzureOpenAiProviderFactory f = new AzureOpenAiProviderFactory();
        return f.create(StandaloneContext.config("providers.azure", config, f.configSpec()),
                StandaloneContext.create("azure"));
    }

    private Provider azure(Map<String, Object> extra) {
        return azure(root(mock.baseUrl()), extra);
    }

    private static ProviderCall call(Optional<Secret> key) {
        return new ProviderCall("azure", key.map(k -> ApiKey.of("azure#0", k)), new TestRequestContext(), 1);
    }

    private static ChatRequest chat(String model, boolean stream) {
        return ChatRequest.builder().model(model).addMessage(ChatMessage.user("hi azure")).stream(stream).build();
    }

    @Test
    void deploymentsMapModelsAndApiVersionIsSent() {
        try (Provider p = azure(Map.of("api-version", "2025-04-01-preview",
                "deployments", Map.of("gpt-4o", "prod-gpt4o", "text-embedding-3-small", "embed.small")))) {
            p.chat(chat("gpt-4o", false), call(Optional.of(KEY)));
            p.embed(EmbeddingRequest.of("text-embedding-3-small", List.of("x")), call(Optional.of(KEY)));
            List<RecordedRequest> sent = mock.requests();
            assertEquals("/openai/deployments/prod-gpt4o/chat/completions?api-version=2025-04-01-preview",
                    sent.get(0).path());
            assertEquals("/openai/deployments/embed.small/embeddings?api-version=2025-04-01-preview",
                    sent.get(1).path());
            assertEquals(Optional.of(KEY.reveal()), sent.get(0).header("api-key"));
            List<String> models = p.listModels(call(Optional.of(KEY))).stream().map(ModelInfo::id).toList();
            assertEquals(List.of("gpt-4o", "text-embedding-3-small"), models);
            assertEquals(2, mock.requests().size(), "models come from config");
        }
    }

    @Test
    void deploymentNamesThatLeaveThePathAre400sWithoutAnyRequest() {
        try (Provider p = azure(Map.of())) {
            for (String model : List.of("../../x", "a/b", "..", "gpt?x=1", "dep%2F..", "a b", "", ".hidden")) {
                GatewayException e = assertThrows(GatewayException.class,
                        () -> p.chat(chat(model, false), call(Optional.of(KEY))), model);
                assertEquals(400, e.error().status(), model);
                assertEquals(Optional.of("invalid_deployment"), e.error().code());
                assertThrows(GatewayException.class, () -> p.embed(EmbeddingRequest.of(model, List.of("x")),
                        call(Optional.of(KEY))), model);
            }
            assertTrue(mock.requests().isEmpty(), "nothing was sent: " + mock.requests());
        }
    }

    @Test
    void badConfigIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> azure(Map.of("deployments", Map.of("m", "../evil"))));
        assertThrows(IllegalArgumentException.class, () -> azure(Map.of("api-version", "latest&x=1")));
    }

    @Test
    void withoutKeyOrEntraTheCallIsRefused() {
        try (Provider p = azure(Map.of())) {
            GatewayException e = assertThrows(GatewayException.class,
                    () -> p.chat(chat("gpt-4o", false), call(Optional.empty())));
            assertEquals(401, e.error().status());
            assertTrue(mock.requests().isEmpty());
        }
    }

    private static Map<String, Object> entra(String authority) {
        return Map.of("entra", Map.of("tenant-id", "contoso.onmicrosoft.com", "client-id", "app-123",
                "client-secret", CLIENT_SECRET, "authority", authority));
    }

    @Test
    void entraTokenIsFetchedOnceCachedAndSentAsBearer() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        try (RawServer login = new RawServer(r -> RawServer.Reply.json(200,
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"eyJ.tok"
                        + issued.incrementAndGet() + "\"}"));
             Provider p = azure(entra(root(login.baseUrl())))) {
            for (int i = 0; i < 3; i++) {
                p.chat(chat("gpt-4o", false), call(Optional.empty()));
            }
            RawServer.Received token = login.take();
            assertEquals("POST", token.method());
            assertEquals("/contoso.onmicrosoft.com/oauth2/v2.0/token", token.path());
            assertTrue(token.headers().get("content-type").startsWith("application/x-www-form-urlencoded"));
            assertTrue(token.body().contains("grant_type=client_credentials"), token.body());
            assertTrue(token.body().contains("client_id=app-123"), token.body());
            assertTrue(token.body().contains("scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default"),
                    token.body());
            assertEquals(1, issued.get(), "one token for three requests");
            for (RecordedRequest r : mock.requests()) {
                assertEquals(Optional.of("Bearer eyJ.tok1"), r.header("authorization"));
                assertEquals(Optional.empty(), r.header("api-key"));
            }
        }
    }

    @Test
    void concurrentRequestsShareOneTokenRequest() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (RawServer login = new RawServer(r -> {
            try {
                release.await(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return RawServer.Reply.json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"t"
                    + issued.incrementAndGet() + "\"}");
        });
             Provider p = azure(entra(root(login.baseUrl())))) {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                threads.add(Thread.ofVirtual().start(() -> p.chat(chat("gpt-4o", false), call(Optional.empty()))));
            }
            login.take();
            release.countDown();
            for (Thread t : threads) {
                t.join(10_000);
            }
            assertEquals(1, issued.get(), "one token request for six concurrent calls");
            assertEquals(6, mock.requests().size());
            mock.requests().forEach(r -> assertEquals(Optional.of("Bearer t1"), r.header("authorization")));
        }
    }

    @Test
    void anExpiredEntraTokenIsReplaced() throws Exception {
        AtomicInteger issued = new AtomicInteger();
        try (RawServer login = new RawServer(r -> RawServer.Reply.json(200,
                "{\"token_type\":\"Bearer\",\"expires_in\":0,\"access_token\":\"tok" + issued.incrementAndGet()
                        + "\"}"));
             Provider p = azure(entra(root(login.baseUrl())))) {
            p.chat(chat("gpt-4o", false), call(Optional.empty()));
            p.chat(chat("gpt-4o", false), call(Optional.empty()));
            assertEquals(2, issued.get());
            assertEquals(Optional.of("Bearer tok2"), mock.requests().get(1).header("authorization"));
        }
    }

    @Test
    void refusedClientCredentialsAre401WithoutTheSecret() throws Exception {
        try (RawServer login = new RawServer(r -> RawServer.Reply.json(401, "{\"error\":\"invalid_client\","
                + "\"error_description\":\"AADSTS7000215: Invalid client secret provided.\"}"));
             Provider p = azure(entra(root(login.baseUrl())))) {
            GatewayException e = assertThrows(GatewayException.class,
                    () -> p.chat(chat("gpt-4o", false), call(Optional.empty())));
            assertEquals(401, e.error().status());
            assertTrue(e.error().message().contains("invalid_client"), e.error().message());
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains(CLIENT_SECRET));
            }
            assertTrue(mock.requests().isEmpty());
        }
    }

    private static GatewayError azureError(int status, String body, Map<String, String> headers) throws Exception {
        try (RawServer server = new RawServer(r -> RawServer.Reply.json(status, body, headers));
             Provider p = azure(root(server.baseUrl()), Map.of())) {
            GatewayException e = assertThrows(GatewayException.class,
                    () -> p.chat(chat("gpt-4o", false), call(Optional.of(KEY))));
            return e.error();
        }
    }

    @Test
    void contentFilterErrorIs400WithCodeContentFilter() throws Exception {
        GatewayError e = azureError(400, "{\"error\":{\"message\":\"The response was filtered due to the prompt "
                + "triggering Azure OpenAI's content management policy.\",\"type\":null,\"param\":\"prompt\","
                + "\"code\":\"content_filter\",\"status\":400,\"innererror\":{"
                + "\"code\":\"ResponsibleAIPolicyViolation\","
                + "\"content_filter_result\":{\"hate\":{\"filtered\":true,\"severity\":\"high\"}}}}}", Map.of());
        assertEquals(400, e.status());
        assertEquals(GatewayError.INVALID_REQUEST, e.type());
        assertEquals(Optional.of("content_filter"), e.code());
        assertTrue(e.message().contains("content management policy"));
    }

    @Test
    void numericRateLimitCodeIsMappedAndRetryAfterKept() throws Exception {
        GatewayError e = azureError(429, "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the "
                + "ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate "
                + "limit of your current pricing tier. Please retry after 6 seconds.\"}}", Map.of("retry-after", "6"));
        assertEquals(429, e.status());
        assertEquals(GatewayError.RATE_LIMIT, e.type());
        assertEquals(Optional.of("rate_limit_exceeded"), e.code());
        assertEquals(Optional.of(Duration.ofSeconds(6)), e.retryAfter());
    }

    @Test
    void deploymentNotFoundIs404ModelNotFound() throws Exception {
        GatewayError e = azureError(404, "{\"error\":{\"code\":\"DeploymentNotFound\",\"message\":\"The API "
                + "deployment for this resource does not exist.\"}}", Map.of());
        assertEquals(404, e.status());
        assertEquals(GatewayError.NOT_FOUND, e.type());
        assertEquals(Optional.of("model_not_found"), e.code());
    }

    @Test
    void streamSkipsPromptFilterChunkAndKeepsContentFilterFinish() throws Exception {
        String head = "{\"id\":\"\",\"object\":\"\",\"created\":0,\"model\":\"\",\"prompt_filter_results\":[{"
                + "\"prompt_index\":0,\"content_filter_results\":{}}],\"choices\":[]}";
        String c1 = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Par\"},"
                + "\"finish_reason\":null,\"content_filter_results\":{}}]}";
        String c2 = "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"content_filter\","
                + "\"content_filter_results\":{\"violence\":{\"filtered\":true,\"severity\":\"medium\"}}}]}";
        try (RawServer server = new RawServer(r -> RawServer.Reply.sse("data: " + head + "\n\n",
                "data: " + c1 + "\n\n", "data: " + c2 + "\n\n", "data: [DONE]\n\n"));
             Provider p = azure(root(server.baseUrl()), Map.of())) {
            List<ChatChunk> chunks = new ArrayList<>();
            p.stream(chat("gpt-4o", true), call(Optional.of(KEY)), chunks::add);
            assertEquals(2, chunks.size(), "the prompt-filter chunk is not forwarded: " + chunks);
            assertEquals(Optional.of("assistant"), chunks.getFirst().choices().getFirst().delta().role());
            assertEquals(Optional.of(FinishReason.CONTENT_FILTER),
                    chunks.getLast().choices().getFirst().finishReason());
            RawServer.Received sent = server.take();
            assertEquals("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21", sent.path());
            assertEquals(KEY.reveal(), sent.headers().get("api-key"));
        }
    }
}
