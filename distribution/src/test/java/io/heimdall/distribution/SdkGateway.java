package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.heimdall.core.Gateway;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The setup that {@link OpenAiJavaClientIT} and {@link OpenAiJavaClientErrorsIT} each start: a
 * {@link MockOpenAiServer} upstream, an in-process gateway in front of it whose plugins are loaded from the built
 * {@code target/heimdall/plugins} (one layer each), and two clients of the official OpenAI Java SDK, one through the
 * gateway and one straight to the mock. SDK retries are off ({@code maxRetries(0)}) so every failure seen is the
 * gateway's own behaviour, and response validation is on, so every gateway answer must fit the SDK's schema.
 */
final class SdkGateway implements AutoCloseable {
    static final String UPSTREAM_KEY = "sk-upstream-0123456789abcdef";
    static final String OA_KEY = "sk-oa-fedcba9876543210";
    static final String CLIENT_KEY = "sk-client-must-not-reach-the-upstream";
    static final ObjectMapper JSON = new ObjectMapper();

    MockOpenAiServer mock;
    Gateway gateway;
    /** The SDK through the gateway, with a client key that must never reach the upstream. */
    OpenAIClient client;
    /** The SDK straight to the mock upstream. */
    OpenAIClient direct;

    private SdkGateway() {
    }

    /** Starts the mock, the gateway (config written into {@code tmp}) and both SDK clients. */
    static SdkGateway start(Path tmp) throws Exception {
        SdkGateway started = new SdkGateway();
        try {
            started.open(tmp);
        } catch (Exception | Error e) {
            started.close();
            throw e;
        }
        return started;
    }

    private void open(Path tmp) throws Exception {
        Path dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        assertTrue(Files.isDirectory(dist.resolve("plugins")), "no " + dist + "/plugins: run ./mvnw package first");
        mock = MockOpenAiServer.start();
        Path config = Files.writeString(tmp.resolve("heimdall.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  upstream:
                    type: openai-compatible
                    base-url: "%1$s"
                    keys: [ { value: "${env:UPSTREAM_KEY}" } ]
                    routing: { retries: { max: 0 } }        # a 503 moves straight to the next target
                  limited:                                   # rate-limit tests rest this key, not upstream's
                    type: openai-compatible
                    base-url: "%1$s"
                    keys: [ { value: "${env:UPSTREAM_KEY}" } ]
                  limited-stream:
                    type: openai-compatible
                    base-url: "%1$s"
                    keys: [ { value: "${env:UPSTREAM_KEY}" } ]
                  oa:
                    type: openai
                    base-url: "%1$s"
                    organization: org-heimdall-it
                    keys: [ { value: "${env:OA_KEY}" } ]
                  local: { type: mock }
                  local-limits: { type: mock }
                models:
                  fast:
                    targets:
                      - model: upstream/gpt-4o-mini
                      - { model: oa/gpt-4o, priority: 1 }
                  local-alias: { targets: [ local/echo ] }
                plugins:
                  - { id: example-header-hook, config: { header: x-company, value: acme } }
                """.formatted(mock.baseUrl()));
        gateway = Gateway.builder()
                .config(config)
                .pluginsDir(dist.resolve("plugins"))
                .port(0)
                .environment(Map.of("UPSTREAM_KEY", UPSTREAM_KEY, "OA_KEY", OA_KEY))
                .watchConfig(false)
                .start();
        assertEquals(List.of(), gateway.pluginFailures(), "plugin folders that failed");
        client = sdk(gateway.baseUrl() + "/v1", CLIENT_KEY);
        direct = sdk(mock.baseUrl(), "sk-direct");
    }

    private static OpenAIClient sdk(String baseUrl, String key) {
        return OpenAIOkHttpClient.builder()
                .baseUrl(baseUrl)
                .apiKey(key)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(20))
                .responseValidation(true)
                .build();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        if (direct != null) {
            direct.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (mock != null) {
            mock.close();
        }
    }

    /** A one-message chat request. */
    static ChatCompletionCreateParams chat(String model, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text).build();
    }

    /** The chat completion requests the upstream received since the last reset. */
    List<RecordedRequest> chatRequests() {
        return mock.requests().stream().filter(r -> r.path().equals("/v1/chat/completions")).toList();
    }
}
