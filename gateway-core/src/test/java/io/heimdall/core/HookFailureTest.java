package io.heimdall.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hooks fail closed (a throwing hook is a 500 {@code hook_failed}) unless their entry says {@code fail-open: true}. */
class HookFailureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static Gateway gateway;

    /** A hook that throws on a request whose text contains "boom", and on every chunk of "chunky" requests. */
    static final class ThrowingHookFactory implements PluginFactory {
        private final String id;

        ThrowingHookFactory(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public Plugin create(PluginConfig config, PluginContext context) {
            Hook hook = new Hook() {
                @Override
                public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
                    String text = request.messages().getLast().text();
                    if (text.contains("boom")) {
                        throw new IllegalStateException("secret-detail-42 exploded");
                    }
                    ctx.attributes().put(id + ".chunky", text.contains("chunky"));
                    return RequestOutcome.proceed(request);
                }

                @Override
                public HookOutcome<ChatChunk> onChunk(ChatChunk chunk, RequestContext ctx) {
                    if (Boolean.TRUE.equals(ctx.attributes().get(id + ".chunky"))) {
                        throw new IllegalStateException("chunk failure");
                    }
                    return HookOutcome.proceed(chunk);
                }
            };
            return new Plugin() {
                @Override
                public Optional<Hook> hook() {
                    return Optional.of(hook);
                }
            };
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path config = Files.writeString(dir.resolve("heimdall.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  alpha: { type: scripted, label: alpha }
                plugins:
                  - { id: test-closed }
                  - { id: test-open, fail-open: true }
                """);
        gateway = Gateway.builder().config(config).port(0).watchConfig(false)
                .factory(new ScriptedProviderFactory())
                .factory(new ThrowingHookFactory("test-closed"))
                .factory(new ThrowingHookFactory("test-open"))
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static HttpResponse<String> chat(String text, boolean stream) throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", "alpha/ok", "stream", stream, "messages",
                List.of(Map.of("role", "user", "content", text))));
        HttpRequest req = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aThrowingHookRejectsTheRequestWithAClearErrorAndNoDetail() throws Exception {
        HttpResponse<String> res = chat("boom", false);
        assertEquals(500, res.statusCode(), res.body());
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertEquals("hook_failed", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("'test-closed'"), res.body());
        assertFalse(res.body().contains("secret-detail-42"), res.body());
    }

    @Test
    void failOpenConfigIsValidated() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  alpha: { type: scripted }
                plugins:
                  - { id: test-open, fail-open: "yes" }
                """);
        Gateway.GatewayStartException e = org.junit.jupiter.api.Assertions.assertThrows(
                Gateway.GatewayStartException.class, () -> Gateway.builder().config(bad).port(0).watchConfig(false)
                        .factory(new ScriptedProviderFactory()).factory(new ThrowingHookFactory("test-open")).start());
        assertTrue(e.getMessage().contains("plugins[0].fail-open"), e.getMessage());
    }

    @Test
    void aFailOpenHookThatThrowsIsSkipped() throws Exception {
        Path config = Files.writeString(dir.resolve("open.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  alpha: { type: scripted, label: alpha }
                plugins:
                  - { id: test-open, fail-open: true }
                """);
        try (Gateway open = Gateway.builder().config(config).port(0).watchConfig(false)
                .factory(new ScriptedProviderFactory()).factory(new ThrowingHookFactory("test-open")).start()) {
            ChatRequest request = ChatRequest.builder().model("alpha/ok")
                    .addMessage(io.heimdall.api.model.ChatMessage.user("boom")).build();
            assertEquals("alpha: boom", open.chat(request).choices().getFirst().message().text());
            StringBuilder streamed = new StringBuilder();
            open.stream(request.toBuilder().messages(List.of(io.heimdall.api.model.ChatMessage.user("chunky")))
                    .build(), c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append)));
            assertEquals("alpha: chunky ", streamed.toString());
            double errors = open.metrics().snapshot().stream().filter(m -> m.name().endsWith("plugin_errors"))
                    .flatMap(m -> m.samples().stream()).filter(s -> "test-open".equals(s.labels().get("plugin")))
                    .mapToDouble(s -> s.value()).sum();
            assertTrue(errors >= 2, "plugin errors counted: " + errors);
        }
    }

    @Test
    void aFailingChunkHookFailsTheStreamWhenClosed() throws Exception {
        HttpResponse<String> res = chat("chunky", true);
        assertEquals(500, res.statusCode(), res.body());
        assertTrue(res.body().contains("hook_failed"), res.body());
        assertFalse(res.body().contains("[DONE]"), res.body());
    }
}
