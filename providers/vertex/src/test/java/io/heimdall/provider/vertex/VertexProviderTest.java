package io.heimdall.provider.vertex;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.Usage;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.core.StandaloneContext;
import io.heimdall.provider.googlemock.GoogleMock;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenRequest;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vertex provider against the Vertex mock: paths, OAuth tokens (cached, refreshed), embeddings, refusals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class VertexProviderTest {
    private static final String CHAT_PATH = "/v1/projects/my-proj/locations/europe-west4/publishers/google/models/"
            + "gemini-2.5-flash";

    private GoogleMock mock;
    private KeyPair pair;
    @TempDir
    Path dir;

    @BeforeAll
    void start() {
        mock = GoogleMock.start(GoogleMock.Dialect.VERTEX);
    }

    @AfterAll
    void stop() {
        mock.close();
    }

    @BeforeEach
    void reset() {
        mock.reset();
    }

    private Provider provider(Map<String, Object> extra) {
        Map<String, Object> values = new LinkedHashMap<>(Map.of("base-url", mock.baseUrl(), "project", "my-proj",
                "location", "europe-west4"));
        values.putAll(extra);
        VertexProviderFactory factory = new VertexProviderFactory();
        return factory.create(StandaloneContext.config("providers.v", values, factory.configSpec()),
                StandaloneContext.create("v"));
    }

    private static ProviderCall call(Optional<ApiKey> key) {
        return new ProviderCall("v", key, new TestRequestContext(), 1);
    }

    private static ChatRequest chat(String model) {
        return ChatRequest.builder().model(model).addMessage(ChatMessage.user("hi")).build();
    }

    /** A service-account JSON signed by a fresh RSA key, whose token_uri is the mock's OAuth endpoint. */
    private Path serviceAccount() throws IOException, NoSuchAlgorithmException {
        if (pair == null) {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(1024);
            pair = gen.generateKeyPair();
        }
        String pem = "-----BEGIN PRIVATE KEY-----\\n" + Base64.getEncoder().encodeToString(pair.getPrivate()
                .getEncoded()) + "\\n-----END PRIVATE KEY-----\\n";
        String json = "{\"type\":\"service_account\",\"project_id\":\"sa-proj\",\"private_key_id\":\"k1\","
                + "\"private_key\":\"" + pem + "\",\"client_email\":\"gw@sa-proj.iam.gserviceaccount.com\","
                + "\"client_id\":\"1\",\"token_uri\":\"" + mock.tokenUri() + "\"}";
        Path file = dir.resolve("sa.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void chatWithAFixedAccessTokenGoesToThePublisherModelPath() {
        mock.enqueue(new Reply.Text(List.of("Hi!"), "stop", Usage.of(2, 1)));
        try (Provider p = provider(Map.of("access-token", "ya29.fixed-token-value"))) {
            ChatResponse response = p.chat(chat("gemini-2.5-flash"), call(Optional.empty()));
            assertEquals("Hi!", response.firstText());
        }
        SeenRequest seen = mock.requests().getFirst();
        assertEquals(CHAT_PATH + ":generateContent", seen.path());
        assertEquals(List.of("Bearer ya29.fixed-token-value"), seen.headers().get("authorization"));
        assertEquals(0, mock.tokenFetches());
    }

    @Test
    void serviceAccountTokenIsFetchedOnceForManyRequests() throws Exception {
        Path sa = serviceAccount();
        try (Provider p = provider(Map.of("credentials-file", sa.toString()))) {
            assertEquals(0, mock.tokenFetches(), "no token fetched before the first request");
            for (int i = 0; i < 5; i++) {
                p.chat(chat("gemini-2.5-flash"), call(Optional.empty()));
            }
            List<ChatChunk> chunks = new ArrayList<>();
            p.stream(chat("gemini-2.5-flash").toBuilder().stream(true).build(), call(Optional.empty()), chunks::add);
            assertFalse(chunks.isEmpty());
        }
        assertEquals(1, mock.tokenFetches());
        assertEquals(6, mock.requests().size());
        for (SeenRequest r : mock.requests()) {
            assertEquals(List.of("Bearer ya29.mock-token-1"), r.headers().get("authorization"));
        }
        assertEquals(CHAT_PATH + ":streamGenerateContent?alt=sse", mock.requests().getLast().path());
        String claims = new String(Base64.getUrlDecoder().decode(mock.tokenAssertions().getFirst().split("\\.")[1]));
        assertTrue(claims.contains("\"scope\":\"https://www.googleapis.com/auth/cloud-platform\""), claims);
        assertTrue(claims.contains("\"iss\":\"gw@sa-proj.iam.gserviceaccount.com\""), claims);
    }

    @Test
    void aTokenNearItsExpiryIsRefreshedBeforeUse() throws Exception {
        Path sa = serviceAccount();
        mock.nextTokenLifetime(30).nextTokenLifetime(3600);
        try (Provider p = provider(Map.of("credentials-file", sa.toString()))) {
            for (int i = 0; i < 4; i++) {
                p.chat(chat("gemini-2.5-flash"), call(Optional.empty()));
            }
        }
        assertEquals(2, mock.tokenFetches(), "the 30 s token is within the refresh margin: one refresh, then cached");
        List<String> used = mock.requests().stream().map(r -> r.headers().get("authorization").getFirst()).toList();
        assertEquals(List.of("Bearer ya29.mock-token-1", "Bearer ya29.mock-token-2", "Bearer ya29.mock-token-2",
                "Bearer ya29.mock-token-2"), used);
    }

    @Test
    void aKeyMayCarryItsOwnServiceAccountOrToken() throws Exception {
        String json = Files.readString(serviceAccount());
        try (Provider p = provider(Map.of())) {
            ApiKey sa = new ApiKey("sa", Optional.empty(), Map.of("service-account", Secret.of(json)));
            p.chat(chat("gemini-2.5-flash"), call(Optional.of(sa)));
            p.chat(chat("gemini-2.5-flash"), call(Optional.of(sa)));
            p.chat(chat("gemini-2.5-flash"), call(Optional.of(ApiKey.of("t", Secret.of("ya29.key-token")))));
        }
        assertEquals(1, mock.tokenFetches());
        assertEquals(List.of("Bearer ya29.mock-token-1", "Bearer ya29.mock-token-1", "Bearer ya29.key-token"),
                mock.requests().stream().map(r -> r.headers().get("authorization").getFirst()).toList());
    }

    @Test
    void theProjectDefaultsToTheCredentialsFile() throws Exception {
        Path sa = serviceAccount();
        VertexProviderFactory factory = new VertexProviderFactory();
        try (Provider p = factory.create(StandaloneContext.config("providers.v", Map.of("base-url", mock.baseUrl(),
                "credentials-file", sa.toString()), factory.configSpec()), StandaloneContext.create("v"))) {
            p.chat(chat("gemini-2.5-flash"), call(Optional.empty()));
        }
        assertEquals("/v1/projects/sa-proj/locations/us-central1/publishers/google/models/gemini-2.5-flash"
                + ":generateContent", mock.requests().getFirst().path());
    }

    @Test
    void embeddingsUsePredict() {
        try (Provider p = provider(Map.of("access-token", "ya29.t"))) {
            EmbeddingResponse r = p.embed(new EmbeddingRequest("text-embedding-005", List.of("one two", "three"),
                    false, Optional.empty(), Optional.of(8), Optional.empty(), Map.of()), call(Optional.empty()));
            assertEquals(2, r.data().size());
            assertEquals(8, r.data().getFirst().vector().length);
            assertEquals(3, r.usage().promptTokens());
        }
        assertEquals("/v1/projects/my-proj/locations/europe-west4/publishers/google/models/text-embedding-005"
                + ":predict", mock.requests().getFirst().path());
    }

    @Test
    void badModelNamesAreRefusedBeforeAnyRequest() {
        try (Provider p = provider(Map.of("access-token", "ya29.t", "models", List.of("gemini-2.5-pro")))) {
            for (String model : List.of("gemini/../../x", "../projects/other", "a/b", "x?y", "claude/../../x")) {
                GatewayException e = assertThrows(GatewayException.class, () -> p.chat(chat(model),
                        call(Optional.empty())));
                assertEquals(400, e.error().status(), model);
            }
            assertTrue(p.capabilities("claude-sonnet-4@20250514").contains(Capability.REASONING));
            assertFalse(p.capabilities("claude-3-5-haiku@20241022").contains(Capability.REASONING));
            assertFalse(p.capabilities("claude-sonnet-4@20250514").contains(Capability.EMBEDDINGS));
            assertTrue(p.capabilities("gemini-2.5-pro").contains(Capability.REASONING));
        }
        assertEquals(List.of(), mock.requests());
    }

    @Test
    void badCredentialsAre401WithoutDetails() throws Exception {
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"type\":\"service_account\",\"project_id\":\"x\",\"private_key\":\"nope\"}");
        try (Provider p = provider(Map.of("credentials-file", broken.toString()))) {
            GatewayException e = assertThrows(GatewayException.class, () -> p.chat(chat("gemini-2.5-flash"),
                    call(Optional.empty())));
            assertEquals(401, e.error().status());
            assertFalse(e.error().message().contains("nope"));
        }
        assertEquals(List.of(), mock.requests());
    }
}
