package io.heimdall.plugin.accesslog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.core.Gateway;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.MockOpenAiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real gateway in-process with the {@code access-log} plugin writing to a file, a failing and a healthy
 * {@link MockOpenAiServer} and a canary key value: every request gets one JSON line with the documented fields, and
 * the key's value is nowhere in the file.
 */
class AccessLogGatewayTest {
    private static final String CANARY = "sk-canary-5e1d0b77aa31";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    MockOpenAiServer flaky;
    MockOpenAiServer healthy;
    Gateway gateway;
    Path log;

    @BeforeEach
    void start() {
        flaky = MockOpenAiServer.start();
        healthy = MockOpenAiServer.start();
        log = dir.resolve("logs/access.log");
    }

    private void startGateway(boolean includePrompts) throws IOException {
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                routing:
                  retries: { max: 1, initial-backoff: 1ms, max-backoff: 1ms }
                  circuit-breaker: { enabled: false }
                providers:
                  a: { type: openai-compatible, base-url: "%s", keys: [ { name: primary, value: "%s" } ] }
                  b: { type: openai-compatible, base-url: "%s" }
                models:
                  smart: { targets: [ { model: a/gpt-4o-mini } ], fallbacks: [ b/gpt-4o-mini ] }
                plugins:
                  - { id: access-log, config: { file: "%s", include-prompts: %s } }
                """.formatted(flaky.baseUrl(), CANARY, healthy.baseUrl(), log, includePrompts));
        gateway = Gateway.builder().config(config).port(0).start();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        flaky.close();
        healthy.close();
    }

    /** Sends a chat request; returns its x-request-id. */
    /** Response body bytes the client read, by request id. */
    private final java.util.Map<String, Long> received = new java.util.concurrent.ConcurrentHashMap<>();
    /** Request body bytes the client sent, by request id. */
    private final java.util.Map<String, Long> sent = new java.util.concurrent.ConcurrentHashMap<>();

    private String chat(boolean stream) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(gateway.baseUrl() + "/v1/chat/completions").toURL()
                .openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("content-type", "application/json");
        c.setRequestProperty("authorization", "Bearer " + CANARY);
        byte[] body = """
                {"model":"smart","stream":%s,"messages":[{"role":"user","content":"secret plans"}]}"""
                .formatted(stream).getBytes(StandardCharsets.UTF_8);
        if (stream) {
            c.setChunkedStreamingMode(16); // no content-length: the gateway counts what it read
        }
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        assertEquals(200, c.getResponseCode());
        try (InputStream in = c.getInputStream()) {
            received.put(c.getHeaderField("x-request-id"), (long) in.readAllBytes().length);
        }
        sent.put(c.getHeaderField("x-request-id"), (long) body.length);
        return c.getHeaderField("x-request-id");
    }

    private List<JsonNode> lines(int atLeast) throws Exception {
        long until = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < until) {
            if (Files.exists(log) && Files.readAllLines(log).size() >= atLeast) {
                break;
            }
            Thread.sleep(20);
        }
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void oneLinePerRequestWithItsFieldsAndNoSecrets() throws Exception {
        startGateway(false);
        flaky.enqueue(MockBehavior.status(500), MockBehavior.status(500));
        String plain = chat(false);
        String streamed = chat(true);
        List<JsonNode> lines = lines(2);
        assertEquals(2, lines.size(), lines.toString());
        JsonNode first = lines.stream().filter(l -> l.path("request_id").asText().equals(plain)).findFirst()
                .orElseThrow();
        assertEquals("chat", first.path("route").asText());
        assertEquals("smart", first.path("model").asText());
        assertEquals("b", first.path("provider").asText());
        assertEquals("gpt-4o-mini", first.path("served_model").asText());
        assertEquals(3, first.path("attempts").asInt());
        assertEquals(200, first.path("status").asInt());
        assertEquals("anonymous", first.path("caller").asText());
        assertEquals("127.0.0.1", first.path("client_address").asText());
        assertEquals("miss", first.path("cache").asText());
        assertTrue(first.path("latency_ms").asDouble() > 0);
        assertTrue(first.path("tokens").path("prompt").asLong() > 0, first.toString());
        assertEquals(sent.get(plain), first.path("bytes_in").asLong(), first.toString());
        assertEquals(received.get(plain), first.path("bytes_out").asLong(), first.toString());
        assertTrue(first.path("time").asText().endsWith("Z"));
        assertTrue(first.path("messages").isMissingNode(), "no prompt text unless include-prompts");
        JsonNode second = lines.stream().filter(l -> l.path("request_id").asText().equals(streamed)).findFirst()
                .orElseThrow();
        assertEquals("chat.stream", second.path("route").asText());
        assertTrue(second.has("ttft_ms"), second.toString());
        assertEquals(received.get(streamed), second.path("bytes_out").asLong(), "every event up to [DONE]");
        assertEquals(sent.get(streamed), second.path("bytes_in").asLong(), "a chunked body is counted as read");
        gateway.close();
        gateway = null;
        String text = Files.readString(log);
        assertFalse(text.contains(CANARY), "the key's value leaked into the access log");
        assertFalse(text.contains("secret plans"), "prompt text logged without include-prompts");
    }

    @Test
    void promptsOnlyWhenEnabled() throws Exception {
        startGateway(true);
        chat(false);
        JsonNode line = lines(1).getFirst();
        assertEquals("secret plans", line.path("messages").path(0).path("content").asText(), line.toString());
        assertEquals("user", line.path("messages").path(0).path("role").asText());
    }
}
