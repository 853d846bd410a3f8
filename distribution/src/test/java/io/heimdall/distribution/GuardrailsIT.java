package io.heimdall.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.MockOpenAiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three guardrail plugins as shipped, through the packaged {@code bin/heimdall} against a mock upstream:
 * request-validation's caps, profanity split across stream chunks of the upstream, and schema-violating model output.
 */
class GuardrailsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path tmp;
    static MockOpenAiServer mock;
    static DistributionSmokeIT.Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Path dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        assertTrue(Files.isExecutable(dist.resolve("bin/heimdall")), "no " + dist.resolve("bin/heimdall"));
        mock = MockOpenAiServer.start();
        Path config = Files.writeString(tmp.resolve("guard.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  upstream: { type: openai-compatible, base-url: "%s" }
                plugins:
                  - { id: request-validation, config: { max-tokens: 512, allowed-models: [ "upstream/*" ] } }
                  - { id: profanity-filter, config: { mode: mask } }
                  - { id: json-validation, config: { on-failure: error } }
                """.formatted(mock.baseUrl()));
        gateway = DistributionSmokeIT.Gateway.start(dist, tmp, "--config", config.toString(), "--port", "0");
        assertFalse(gateway.output().contains("was not loaded"), gateway.output());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.process().destroy();
            if (!gateway.process().waitFor(10, TimeUnit.SECONDS)) {
                gateway.process().destroyForcibly();
            }
        }
        if (mock != null) {
            mock.close();
        }
    }

    @BeforeEach
    void reset() {
        mock.reset();
    }

    static HttpResponse<String> post(Map<String, Object> body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, Object> chat(String text, boolean stream) {
        return new java.util.HashMap<>(Map.of("model", "upstream/gpt-4o-mini", "stream", stream, "messages",
                List.of(Map.of("role", "user", "content", text))));
    }

    static String sse(String... pieces) {
        StringBuilder sb = new StringBuilder();
        sb.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n");
        for (String p : pieces) {
            sb.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":"
                    + "\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"").append(p)
                    .append("\"}}]}\n\n");
        }
        sb.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        return sb.append("data: [DONE]\n\n").toString();
    }

    static List<String> contents(String body) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode n = JSON.readTree(line.substring(6));
                if (n.has("error")) {
                    out.add("ERROR:" + n.path("error").path("code").asText());
                } else if (n.path("choices").size() > 0) {
                    out.add(n.path("choices").path(0).path("delta").path("content").asText(""));
                }
            }
        }
        return out;
    }

    @Test
    void profanitySplitAcrossUpstreamChunksIsMasked() throws Exception {
        mock.enqueue(MockBehavior.raw(200, "text/event-stream", sse("oh f", "u", "ck it, what a sh", "it", "ty day")));
        HttpResponse<String> res = post(chat("tell me", true));
        assertEquals(200, res.statusCode(), res.body() + gateway.output());
        List<String> contents = contents(res.body());
        assertEquals("oh **** it, what a ****** day", String.join("", contents), contents.toString());
        assertTrue(res.body().trim().endsWith("data: [DONE]"), res.body());
        for (String c : contents) {
            assertFalse(c.contains("f") && c.contains("u"), "a part of the word leaked: " + contents);
        }
    }

    @Test
    void profanityInTheRequestIsMaskedBeforeTheUpstream() throws Exception {
        HttpResponse<String> res = post(chat("you are a b1tch", false));
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(mock.lastRequest().orElseThrow().body().contains("you are a *****"),
                mock.lastRequest().orElseThrow().body());
    }

    @Test
    void schemaViolatingOutputIsA502AndAStreamEndsWithAnErrorEvent() throws Exception {
        Map<String, Object> schema = Map.of("type", "object", "required", List.of("n"), "properties",
                Map.of("n", Map.of("type", "integer")));
        Map<String, Object> body = chat("give me n", false);
        body.put("response_format", Map.of("type", "json_schema", "json_schema", Map.of("name", "n", "schema",
                schema)));
        mock.enqueue(MockBehavior.reply("{\"n\": \"seven\"}"));
        HttpResponse<String> res = post(body);
        assertEquals(502, res.statusCode(), res.body());
        assertEquals("json_validation_failed", JSON.readTree(res.body()).path("error").path("code").asText());

        body.put("stream", true);
        mock.enqueue(MockBehavior.reply("{\"n\": \"seven\"}"));
        HttpResponse<String> streamed = post(body);
        assertEquals(200, streamed.statusCode(), streamed.body());
        assertEquals("ERROR:json_validation_failed", contents(streamed.body()).getLast(), streamed.body());
        assertFalse(streamed.body().contains("[DONE]"), streamed.body());

        mock.enqueue(MockBehavior.reply("{\"n\": 7}"));
        body.put("stream", false);
        assertEquals(200, post(body).statusCode());
    }

    @Test
    void requestValidationCapsMaxTokens() throws Exception {
        Map<String, Object> body = chat("hello", false);
        body.put("max_tokens", 4096);
        HttpResponse<String> res = post(body);
        assertEquals(400, res.statusCode(), res.body());
        JsonNode error = JSON.readTree(res.body()).path("error");
        assertEquals("max_tokens", error.path("param").asText());
        assertEquals("max_tokens_too_large", error.path("code").asText());
        assertEquals(0, mock.requestCount("/v1/chat/completions"));
    }
}
