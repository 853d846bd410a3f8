package io.heimdall.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.core.Gateway;
import io.heimdall.core.StandaloneContext;
import io.heimdall.provider.googlemock.GoogleMock;
import io.heimdall.testkit.TestRequestContext;
import io.heimdall.testkit.tck.SeenRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@code GET /v1/models} of Vertex: the configured models, then the Gemini and embedding models of Google's publisher
 * model list (v1beta1, every page, the provider's bearer token), cached; the configured models alone when the listing
 * fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class VertexModelListingTest {
    private static final String TOKEN = "ya29.listing-token";
    private static final String FIRST_PAGE = "/v1beta1/publishers/google/models?pageSize=100";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoogleMock mock;

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

    private static Provider provider(String baseUrl) {
        Map<String, Object> values = new LinkedHashMap<>(Map.of("base-url", baseUrl, "project", "my-proj",
                "location", "europe-west4", "access-token", TOKEN,
                "models", List.of("claude-sonnet-4@20250514", "gemini-2.5-pro")));
        VertexProviderFactory factory = new VertexProviderFactory();
        return factory.create(StandaloneContext.config("providers.v", values, factory.configSpec()),
                StandaloneContext.create("v"));
    }

    private static ProviderCall call() {
        return new ProviderCall("v", Optional.empty(), new TestRequestContext(), 1);
    }

    private static List<String> ids(List<ModelInfo> models) {
        return models.stream().map(ModelInfo::id).toList();
    }

    @Test
    void listsTheConfiguredThenTheServedPublisherModelsOfEveryPageOnce() {
        try (Provider p = provider(mock.baseUrl())) {
            List<ModelInfo> models = p.listModels(call());
            assertEquals(List.of("claude-sonnet-4@20250514", "gemini-2.5-pro", "gemini-2.0-flash",
                    "text-embedding-005"), ids(models));
            assertEquals(List.of("anthropic", "google", "google", "google"),
                    models.stream().map(ModelInfo::ownedBy).toList());
            assertEquals(ids(models), ids(p.listModels(call())));
        }
        List<SeenRequest> seen = mock.requests();
        assertEquals(List.of(FIRST_PAGE, FIRST_PAGE + "&pageToken=page-2"), seen.stream().map(SeenRequest::path)
                .toList(), "both pages, once: the second call is cached");
        for (SeenRequest r : seen) {
            assertEquals("GET", r.method());
            assertEquals(List.of("Bearer " + TOKEN), r.headers().get("authorization"));
        }
    }

    @Test
    void aVersionedBaseUrlStillListsOnTheHostsV1beta1() {
        try (Provider p = provider(mock.baseUrl() + "/v1")) {
            assertEquals(4, p.listModels(call()).size());
        }
        assertEquals(FIRST_PAGE, mock.requests().getFirst().path());
    }

    @Test
    void aFailingListingFallsBackToTheConfiguredModels() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            closedPort = s.getLocalPort();
        }
        try (Provider p = provider("http://127.0.0.1:" + closedPort)) {
            assertEquals(List.of("claude-sonnet-4@20250514", "gemini-2.5-pro"), ids(p.listModels(call())));
        }
    }

    @Test
    void theGatewayListsThemUnderTheProviderName(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  vertex:
                    type: vertex
                    project: my-proj
                    location: europe-west4
                    base-url: "%s"
                    access-token: "%s"
                    models: [ "claude-sonnet-4@20250514" ]
                """.formatted(mock.baseUrl(), TOKEN));
        try (Gateway gateway = Gateway.builder().config(config).port(0).watchConfig(false).start()) {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + gateway.port()
                    + "/v1/models").toURL().openConnection();
            assertEquals(200, c.getResponseCode());
            String body;
            try (InputStream in = c.getInputStream()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<String> listed = new ArrayList<>();
            for (JsonNode m : JSON.readTree(body).path("data")) {
                listed.add(m.path("id").asText());
            }
            assertEquals(List.of("vertex/claude-sonnet-4@20250514", "vertex/gemini-2.0-flash",
                    "vertex/gemini-2.5-pro", "vertex/text-embedding-005"), listed);
            assertFalse(body.contains(TOKEN));
        }
    }
}
