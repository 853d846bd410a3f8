package io.heimdall.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway in-process on an ephemeral port, driven over real HTTP. */
class GatewayHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    static Gateway gateway;
    static String base;

    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0, max-body-size: 4KiB }
            providers:
              alpha: { type: scripted, label: alpha, keys: [ { value: "${env:ALPHA_KEY}", weight: 1, models: ["*"] } ] }
              beta:  { type: scripted, label: beta }
            models:
              fast: { targets: [ { model: alpha/ok } ] }
              fallback: { targets: [ { model: alpha/fail-500 }, { model: beta/ok, priority: 1 } ] }
              limited: { targets: [ { model: alpha/fail-429 } ] }
              stream-fallback: { targets: [ { model: alpha/fail-500 }, { model: beta/ok, priority: 1 } ] }
              broken-stream: { targets: [ { model: alpha/stream-break }, { model: beta/ok, priority: 1 } ] }
            plugins:
              - { id: test-guard, config: { word: forbidden } }
            """;

    @BeforeAll
    static void start() throws IOException {
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, CONFIG);
        gateway = Gateway.builder().config(config).port(0)
                .environment(Map.of("ALPHA_KEY", "sk-alpha-secret-value-1234"))
                .factory(new ScriptedProviderFactory())
                .factory(new RejectingHookFactory())
                .start();
        base = gateway.baseUrl();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @BeforeEach
    void clear() {
        ScriptedProviderFactory.CALLS.clear();
    }

    static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String chat(String model, String text, boolean stream) {
        return """
                {"model":"%s","messages":[{"role":"user","content":"%s"}],"stream":%s,"temperature":0.5,
                 "metadata":{"team":"search"},"logit_bias":{"50256":-100}}""".formatted(model, text, stream);
    }

    static JsonNode error(HttpResponse<String> res) throws IOException {
        JsonNode body = JSON.readTree(res.body());
        assertTrue(body.has("error"), "OpenAI error shape: " + res.body());
        JsonNode e = body.get("error");
        for (String f : List.of("message", "type", "param", "code")) {
            assertTrue(e.has(f), "error has " + f + ": " + res.body());
        }
        assertTrue(res.headers().firstValue("x-request-id").isPresent());
        return e;
    }

    @Test
    void chatThroughAnAliasNamesTheProviderAndEchoesTheRequestId() throws Exception {
        HttpResponse<String> res = post("/v1/chat/completions", chat("fast", "hello", false),
                "x-request-id", "my-trace-42");
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = JSON.readTree(res.body());
        assertEquals("chat.completion", body.get("object").asText());
        assertEquals("alpha: hello", body.at("/choices/0/message/content").asText());
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());
        assertEquals(5, body.at("/usage/total_tokens").asInt());
        assertEquals("my-trace-42", res.headers().firstValue("x-request-id").orElseThrow());
        assertEquals("alpha/ok", res.headers().firstValue("x-heimdall-provider").orElseThrow());
        assertEquals("seen", res.headers().firstValue("x-guard-post").orElseThrow());
        ScriptedProviderFactory.Call call = ScriptedProviderFactory.CALLS.poll();
        assertEquals("ok", call.model());
        assertEquals("sk-alpha-secret-value-1234", call.key().orElseThrow());
        assertEquals("yes", call.upstreamHeaders().get("x-guarded"));
    }

    @Test
    void providerSlashModelAddressesAProviderDirectlyAndGeneratesARequestId() throws Exception {
        HttpResponse<String> res = post("/v1/chat/completions", chat("beta/ok", "hi", false));
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("beta: hi", JSON.readTree(res.body()).at("/choices/0/message/content").asText());
        assertTrue(res.headers().firstValue("x-request-id").orElseThrow().startsWith("req_"));
        assertEquals("beta/ok", res.headers().firstValue("x-heimdall-provider").orElseThrow());
    }

    @Test
    void streamingIsSseEndingInDone() throws Exception {
        HttpResponse<String> res = post("/v1/chat/completions", chat("fast", "one two", true));
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(res.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        List<String> events = events(res.body());
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        boolean usage = false;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = JSON.readTree(e);
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            if (chunk.get("choices").isEmpty()) {
                usage = true;
            } else {
                text.append(chunk.at("/choices/0/delta/content").asText(""));
            }
        }
        assertEquals("alpha: one two ", text.toString());
        assertFalse(usage, "no usage chunk unless stream_options.include_usage");
        assertTrue(res.body().endsWith("data: [DONE]\n\n"));
    }

    @Test
    void streamIncludesUsageWhenAsked() throws Exception {
        String body = """
                {"model":"fast","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"x"}]}""";
        List<String> events = events(post("/v1/chat/completions", body).body());
        JsonNode last = JSON.readTree(events.get(events.size() - 2));
        assertEquals(0, last.get("choices").size());
        assertEquals(5, last.at("/usage/total_tokens").asInt());
    }

    @Test
    void retryableFailureFallsBackToTheNextTarget() throws Exception {
        HttpResponse<String> res = post("/v1/chat/completions", chat("fallback", "x", false));
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("beta: x", JSON.readTree(res.body()).at("/choices/0/message/content").asText());
        assertEquals("beta/ok", res.headers().firstValue("x-heimdall-provider").orElseThrow());
        assertEquals(2, ScriptedProviderFactory.CALLS.size());
    }

    @Test
    void streamFallsBackOnlyBeforeTheFirstChunk() throws Exception {
        HttpResponse<String> ok = post("/v1/chat/completions", chat("stream-fallback", "x", true));
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("beta:"), ok.body());

        HttpResponse<String> broken = post("/v1/chat/completions", chat("broken-stream", "x", true));
        assertEquals(200, broken.statusCode(), "headers were already sent");
        List<String> events = events(broken.body());
        JsonNode last = JSON.readTree(events.getLast());
        assertEquals("upstream broke", last.at("/error/message").asText());
        assertFalse(broken.body().contains("[DONE]"));
        assertFalse(broken.body().contains("beta:"), "no fallback after the first chunk");
    }

    @Test
    void upstreamRateLimitStays429WithRetryAfter() throws Exception {
        HttpResponse<String> res = post("/v1/chat/completions", chat("limited", "x", false));
        assertEquals(429, res.statusCode());
        JsonNode e = error(res);
        assertEquals("rate_limit_error", e.get("type").asText());
        assertEquals("rate_limit_exceeded", e.get("code").asText());
        assertEquals("7", res.headers().firstValue("retry-after").orElseThrow());
    }

    @Test
    void upstreamBadRequestStays400AndIsNotRetried() throws Exception {
        HttpResponse<String> res = post("/v1/chat/completions", chat("beta/fail-400", "x", false));
        assertEquals(400, res.statusCode());
        assertEquals("temperature", error(res).get("param").asText());
        assertEquals(1, ScriptedProviderFactory.CALLS.size());
    }

    @Test
    void hooksCanRejectAndAnswer() throws Exception {
        HttpResponse<String> rejected = post("/v1/chat/completions", chat("fast", "a forbidden thing", false));
        assertEquals(400, rejected.statusCode());
        assertEquals("content_rejected", error(rejected).get("code").asText());
        assertTrue(ScriptedProviderFactory.CALLS.isEmpty());

        HttpResponse<String> answered = post("/v1/chat/completions", chat("fast", "ping", true));
        assertEquals(200, answered.statusCode());
        assertTrue(answered.body().contains("\"content\":\"pong\""), answered.body());
        assertTrue(answered.body().endsWith("data: [DONE]\n\n"));
        assertTrue(ScriptedProviderFactory.CALLS.isEmpty());
    }

    @Test
    void badInputGetsClearErrors() throws Exception {
        assertError(post("/v1/chat/completions", "{not json"), 400, null, "not valid JSON");
        assertError(post("/v1/chat/completions", "[]"), 400, null, "JSON object");
        assertError(post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400,
                "model", "'model' is required");
        assertError(post("/v1/chat/completions", "{\"model\":\"fast\"}"), 400, "messages", "required");
        assertError(post("/v1/chat/completions", "{\"model\":\"fast\",\"messages\":[{\"role\":\"wizard\","
                + "\"content\":\"x\"}]}"), 400, "messages[0].role", "must be one of");
        assertError(post("/v1/chat/completions", "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"x\"}],\"temperature\":\"hot\"}"), 400, "temperature", "must be a number");
        assertError(post("/v1/chat/completions", chat("nope", "x", false)), 404, "model", "does not exist");
        assertError(post("/v1/chat/completions", chat("ghost/gpt", "x", false)), 404, "model", "does not exist");
        assertError(post("/v1/chat/completions", chat("fast", "x".repeat(5000), false)), 413, null, "limit");
        assertError(post("/v1/nothing-here", "{}"), 404, null, "Unknown path");
        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertError(get, 405, null, "not allowed");
        // The gateway survives all of it.
        assertEquals(200, post("/v1/chat/completions", chat("fast", "still here", false)).statusCode());
    }

    @Test
    void secretsNeverAppearInErrors() throws Exception {
        for (String model : List.of("limited", "alpha/fail-500", "nope")) {
            HttpResponse<String> res = post("/v1/chat/completions", chat(model, "x", false));
            assertFalse(res.body().contains("sk-alpha-secret"), res.body());
        }
    }

    @Test
    void embeddingsAndModels() throws Exception {
        HttpResponse<String> res = post("/v1/embeddings", "{\"model\":\"beta/e\",\"input\":[\"a\",\"b\"]}");
        assertEquals(200, res.statusCode(), res.body());
        JsonNode body = JSON.readTree(res.body());
        assertEquals("list", body.get("object").asText());
        assertEquals(2, body.get("data").size());
        assertEquals(0.5, body.at("/data/0/embedding/1").asDouble(), 1e-6);

        HttpResponse<String> b64 = post("/v1/embeddings",
                "{\"model\":\"beta/e\",\"input\":\"a\",\"encoding_format\":\"base64\"}");
        assertTrue(JSON.readTree(b64.body()).at("/data/0/embedding").isTextual());

        HttpResponse<String> models = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode list = JSON.readTree(models.body());
        List<String> ids = new ArrayList<>();
        list.get("data").forEach(m -> ids.add(m.get("id").asText()));
        assertTrue(ids.containsAll(List.of("fast", "fallback", "alpha/ok", "beta/ok")), ids.toString());

        HttpResponse<String> one = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/models/beta/ok")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, one.statusCode(), one.body());
        assertEquals("beta/ok", JSON.readTree(one.body()).get("id").asText());
        assertError(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/models/beta/nope")).build(),
                HttpResponse.BodyHandlers.ofString()), 404, "model", "does not exist");
    }

    @Test
    void healthAndReady() throws Exception {
        for (String path : List.of("/health", "/ready")) {
            HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode());
            assertNotEquals("", res.body());
        }
    }

    static void assertError(HttpResponse<String> res, int status, String param, String messagePart)
            throws IOException {
        assertEquals(status, res.statusCode(), res.body());
        JsonNode e = error(res);
        if (param != null) {
            assertEquals(param, e.get("param").asText(), res.body());
        }
        assertTrue(e.get("message").asText().contains(messagePart), res.body());
    }

    static List<String> events(String body) {
        List<String> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            if (block.startsWith("data: ")) {
                out.add(block.substring(6));
            }
        }
        return out;
    }
}
