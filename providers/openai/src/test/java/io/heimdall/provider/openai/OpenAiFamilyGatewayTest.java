package io.heimdall.provider.openai;

import io.heimdall.core.Gateway;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real gateway in-process with the module's factories found through {@code provides}: a preset configured by type
 * and key alone (base URL pointed at the mock), a local preset without key, and azure-openai with a deployment map,
 * all reached through {@code POST /v1/chat/completions} and {@code GET /v1/models}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class OpenAiFamilyGatewayTest {
    @TempDir
    static Path dir;
    private MockOpenAiServer mock;
    private Gateway gateway;

    private record Response(int status, String body) {
    }

    @BeforeAll
    void start() throws IOException {
        mock = MockOpenAiServer.start();
        String root = mock.baseUrl().substring(0, mock.baseUrl().length() - "/v1".length());
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                routing: { retries: { max: 0 } }
                providers:
                  groq: { type: groq, base-url: "%s", keys: [ "gsk-gateway-test-key" ] }
                  local: { type: ollama, base-url: "%s" }
                  azure:
                    type: azure-openai
                    base-url: "%s"
                    api-version: 2024-10-21
                    keys: [ "azure-gateway-test-key" ]
                    deployments: { gpt-4o: prod-gpt4o }
                """.formatted(mock.baseUrl(), mock.baseUrl(), root));
        gateway = Gateway.builder().config(config).port(0).start();
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (mock != null) {
            mock.close();
        }
    }

    @BeforeEach
    void reset() {
        mock.reset();
    }

    private Response call(String method, String path, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(gateway.baseUrl() + path).toURL().openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(20_000);
        c.setRequestMethod(method);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            c.disconnect();
        }
    }

    private Response chat(String model, String more) throws IOException {
        return call("POST", "/v1/chat/completions", """
                {"model":"%s","messages":[{"role":"user","content":"hi there"}]%s}""".formatted(model, more));
    }

    @Test
    void everyTypeOfTheModuleIsFound() {
        List<String> providers = gateway.loadedFactories().get("provider");
        for (String type : List.of("openai", "openai-compatible", "azure-openai", "mistral", "groq", "together",
                "fireworks", "deepseek", "xai", "openrouter", "cerebras", "perplexity", "nvidia-nim", "ollama",
                "vllm", "lm-studio", "sglang", "huggingface")) {
            assertTrue(providers.contains(type), type + " in " + providers);
        }
    }

    @Test
    void aPresetWorksWithTypeAndKeyAloneAndDropsWhatTheServiceRejects() throws IOException {
        Response r = chat("groq/llama-3.3-70b-versatile", ",\"logprobs\":true,\"top_logprobs\":2");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains(MockOpenAiServer.echo("hi there")), r.body());
        RecordedRequest sent = mock.requests().getFirst();
        assertEquals("/v1/chat/completions", sent.path());
        assertEquals(Optional.of("Bearer gsk-gateway-test-key"), sent.header("authorization"));
        assertEquals(Optional.of("llama-3.3-70b-versatile"), sent.jsonValue("/model"));
        assertEquals(Optional.empty(), sent.jsonValue("/logprobs"));
        assertEquals(Optional.empty(), sent.jsonValue("/top_logprobs"));
    }

    @Test
    void severalChoicesOnGroqAreA400BeforeAnyUpstreamCall() throws IOException {
        Response r = chat("groq/llama-3.3-70b-versatile", ",\"n\":2");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("\"param\":\"n\""), r.body());
        assertTrue(mock.requests().isEmpty());
    }

    @Test
    void aLocalPresetSendsNoKey() throws IOException {
        assertEquals(200, chat("local/llama3.2", "").status());
        assertEquals(Optional.empty(), mock.requests().getFirst().header("authorization"));
    }

    @Test
    void azureUsesTheDeploymentPathAndApiKeyHeader() throws IOException {
        Response r = chat("azure/gpt-4o", "");
        assertEquals(200, r.status(), r.body());
        RecordedRequest sent = mock.requests().getFirst();
        assertEquals("/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21", sent.path());
        assertEquals(Optional.of("azure-gateway-test-key"), sent.header("api-key"));
    }

    @Test
    void anAzureModelThatWouldLeaveThePathIsA400() throws IOException {
        for (String model : List.of("azure/../../x", "azure/a%2F..%2Fb", "azure/x?api-version=1")) {
            Response r = chat(model, "");
            assertEquals(400, r.status(), model + ": " + r.body());
        }
        assertTrue(mock.requests().isEmpty(), "nothing reached the upstream: " + mock.requests());
    }

    @Test
    void modelsListTheDeploymentsAndTheUpstreams() throws IOException {
        Response r = call("GET", "/v1/models", null);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("azure/gpt-4o"), r.body());
        assertTrue(r.body().contains("groq/gpt-4o-mini"), r.body());
    }
}
