package io.heimdall.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.route.Attempt;
import io.heimdall.api.route.Fault;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPI v2 over real HTTP: a plugin with every role, its routes, its authenticator, its hook and observer, reloads. */
class SpiV2Test {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String KEY = "multi-canary-key-0123456789";

    @TempDir
    static Path dir;
    static Path config;
    static Gateway gateway;

    static String config(String label, String extraPlugin) {
        return """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  alpha: { type: scripted, label: alpha }
                models:
                  fast: { targets: [ { model: alpha/ok } ] }
                  hidden: { targets: [ { model: alpha/ok } ] }
                  other: { targets: [ { model: alpha/ok } ] }
                plugins:
                  - { id: test-multi, config: { key: "${env:MULTI_KEY}", allowed: [ fast, hidden, "alpha/*" ], label: %s } }
                """.formatted(label) + extraPlugin;
    }

    @BeforeAll
    static void start() throws Exception {
        config = Files.writeString(dir.resolve("heimdall.yaml"), config("one", ""));
        gateway = Gateway.builder().config(config).port(0).watchConfig(false)
                .environment(Map.of("MULTI_KEY", KEY))
                .factory(new ScriptedProviderFactory())
                .factory(new MultiRolePluginFactory())
                .factory(new MultiRolePluginFactory("test-multi-2"))
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String chat(String model, String text, boolean stream) throws Exception {
        return JSON.writeValueAsString(Map.of("model", model, "stream", stream, "messages",
                List.of(Map.of("role", "user", "content", text))));
    }

    static JsonNode error(HttpResponse<String> res) throws Exception {
        return JSON.readTree(res.body()).path("error");
    }

    @Test
    void everyRouteButPublicOnesNeedsTheAuthenticatorsCaller() throws Exception {
        HttpResponse<String> none = send("POST", "/v1/chat/completions", chat("fast", "hi", false), null);
        assertEquals(401, none.statusCode(), none.body());
        assertEquals("missing_api_key", error(none).path("code").asText());
        assertEquals("authentication_error", error(none).path("type").asText());
        assertEquals(401, send("GET", "/test/stats", null, null).statusCode());
        assertEquals(401, send("GET", "/v1/models", null, null).statusCode());

        HttpResponse<String> wrong = send("GET", "/test/stats", null, "sk-wrong-canary-999");
        assertEquals(401, wrong.statusCode());
        assertEquals("invalid_api_key", error(wrong).path("code").asText());
        assertFalse(wrong.body().contains("canary"), wrong.body());

        HttpResponse<String> open = send("GET", "/test/public", null, null);
        assertEquals(200, open.statusCode(), open.body());
        assertEquals("open", open.body());
        assertTrue(open.headers().firstValue("x-request-id").isPresent());
        assertEquals(200, send("GET", "/health", null, null).statusCode());
    }

    @Test
    void theCallerReachesHooksAndItsAllowListIsEnforced() throws Exception {
        HttpResponse<String> ok = send("POST", "/v1/chat/completions", chat("fast", "hi", false), KEY);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("alice", ok.headers().firstValue("x-multi-caller").orElseThrow());
        assertEquals("1", ok.headers().firstValue("x-heimdall-attempts").orElseThrow());

        HttpResponse<String> denied = send("POST", "/v1/chat/completions", chat("other", "hi", false), KEY);
        assertEquals(403, denied.statusCode(), denied.body());
        assertEquals("model_not_allowed", error(denied).path("code").asText());

        JsonNode models = JSON.readTree(send("GET", "/v1/models", null, KEY).body()).path("data");
        List<String> ids = new java.util.ArrayList<>();
        models.forEach(m -> ids.add(m.path("id").asText()));
        assertTrue(ids.contains("fast") && ids.contains("alpha/ok"), ids.toString());
        assertFalse(ids.contains("other"), "not allowed for the caller: " + ids);
        assertFalse(ids.contains("hidden"), "removed by the hook's onModels: " + ids);
    }

    @Test
    void pluginRoutesServeBodiesStreamsAndErrorsWithTheCoresHandling() throws Exception {
        HttpResponse<String> echo = send("POST", "/test/echo/bob", "payload", KEY);
        assertEquals(201, echo.statusCode(), echo.body());
        assertEquals("payload", echo.body());
        assertEquals("bob", echo.headers().firstValue("x-name").orElseThrow());
        assertTrue(echo.headers().firstValue("x-request-id").isPresent());

        HttpResponse<String> sse = send("GET", "/test/sse", null, KEY);
        assertEquals(200, sse.statusCode());
        assertTrue(sse.headers().firstValue("content-type").orElseThrow().startsWith("text/event-stream"));
        assertEquals("event: message_start\ndata: {\"n\":1}\n\ndata: line one\ndata: line two\n\n: ping\n\n",
                sse.body());

        HttpResponse<String> fail = send("GET", "/test/fail", null, KEY);
        assertEquals(409, fail.statusCode(), fail.body());
        assertEquals("conflict", error(fail).path("code").asText());

        HttpResponse<String> wrongMethod = send("POST", "/test/stats", "x", KEY);
        assertEquals(405, wrongMethod.statusCode(), wrongMethod.body());
        assertEquals("GET", wrongMethod.headers().firstValue("allow").orElseThrow());
    }

    @Test
    void aRouteRunsTheWholePipelineWithItsOwnContext() throws Exception {
        int before = JSON.readTree(send("GET", "/test/stats", null, KEY).body()).path("requests").asInt();
        HttpResponse<String> res = send("POST", "/test/chat", "through a route", KEY);
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("alpha: through a route", res.body());
        int after = JSON.readTree(send("GET", "/test/stats", null, KEY).body()).path("requests").asInt();
        assertEquals(before + 1, after, "the hook ran for the route's pipeline request");
    }

    @Test
    void aHookAnswersWithAStreamOfItsOwn() throws Exception {
        HttpResponse<String> stream = send("POST", "/v1/chat/completions", chat("fast", "stream me", true), KEY);
        assertEquals(200, stream.statusCode(), stream.body());
        StringBuilder text = new StringBuilder();
        for (String event : stream.body().split("\n\n")) {
            if (event.startsWith("data: {")) {
                text.append(JSON.readTree(event.substring(6)).at("/choices/0/delta/content").asText(""));
            }
        }
        assertEquals("streamed by hook", text.toString());
        assertTrue(stream.body().endsWith("data: [DONE]\n\n"));
        assertEquals("hook", stream.headers().firstValue("x-heimdall-provider").orElseThrow());

        HttpResponse<String> whole = send("POST", "/v1/chat/completions", chat("fast", "stream me", false), KEY);
        assertEquals("streamed by hook",
                JSON.readTree(whole.body()).at("/choices/0/message/content").asText(), whole.body());
    }

    @Test
    void observersAndHooksLearnHowRequestsAndAttemptsEnded() throws Exception {
        String id = "req-observed-1";
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + KEY).header("x-request-id", id)
                .POST(HttpRequest.BodyPublishers.ofString(chat("fast", "observe me", false))).build();
        assertEquals(200, HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
        Attempt attempt = MultiRolePluginFactory.ATTEMPTS.stream().filter(a -> a.status() == 200
                && a.target().provider().equals("alpha")).findFirst().orElseThrow();
        assertEquals(Fault.NONE, attempt.fault());
        assertEquals(1, attempt.number());
        assertTrue(MultiRolePluginFactory.ATTEMPT_HEADERS.contains(id + ":1"));
        RequestSummary end = awaitSummary(MultiRolePluginFactory.ENDS, id);
        assertEquals(200, end.status());
        assertEquals(java.util.Optional.of("alpha/ok"), end.servedBy());
        assertTrue(end.usage().isPresent());
        assertEquals(200, awaitSummary(MultiRolePluginFactory.FINISHED, id).status());
    }

    @Test
    void aPluginCallingTheGatewayMakesAChildRequest() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .header("authorization", "Bearer " + KEY).header("x-request-id", "req-parent")
                .POST(HttpRequest.BodyPublishers.ofString(chat("fast", "child please", false))).build();
        HttpResponse<String> res = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("alpha: from child", JSON.readTree(res.body()).at("/choices/0/message/content").asText());
        assertTrue(MultiRolePluginFactory.ATTEMPT_HEADERS.contains("req-parent.1:1"),
                "the child has its own id and attempt numbering: " + MultiRolePluginFactory.ATTEMPT_HEADERS);
        assertFalse(MultiRolePluginFactory.ATTEMPT_HEADERS.contains("req-parent:1"),
                "the child's call is not an attempt of the parent");
        assertEquals(200, awaitSummary(MultiRolePluginFactory.FINISHED, "req-parent.1").status());
    }

    @Test
    void anUnchangedInstanceSurvivesAReloadAndAChangedOneIsReplacedAndClosed() throws Exception {
        synchronized (SpiV2Test.class) {
            int instance = JSON.readTree(send("GET", "/test/stats", null, KEY).body()).path("instance").asInt();
            assertEquals(List.of(), gateway.reload());
            assertEquals(instance, JSON.readTree(send("GET", "/test/stats", null, KEY).body()).path("instance")
                    .asInt(), "same config, same instance");

            int closed = MultiRolePluginFactory.CLOSED.get();
            Files.writeString(config, config("two", ""));
            assertEquals(List.of(), gateway.reload());
            int next = JSON.readTree(send("GET", "/test/stats", null, KEY).body()).path("instance").asInt();
            assertTrue(next > instance, "a changed config builds a new instance");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (MultiRolePluginFactory.CLOSED.get() == closed && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(closed + 1, MultiRolePluginFactory.CLOSED.get(), "the old instance is closed once drained");

            Files.writeString(config, config("two", "  - { id: test-multi-2, config: { route: /test/other } }\n"));
            List<String> problems = gateway.reload();
            assertEquals(1, problems.stream().filter(p -> p.contains("/test/echo/{name}")
                    && p.contains("'test-multi'") && p.contains("'test-multi-2'")).count(), problems.toString());
            assertEquals(next, JSON.readTree(send("GET", "/test/stats", null, KEY).body()).path("instance").asInt(),
                    "a refused reload keeps the running instance");
        }
    }

    private static RequestSummary awaitSummary(Map<String, RequestSummary> seen, String requestId)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            RequestSummary s = seen.get(requestId);
            if (s != null) {
                return s;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no summary for " + requestId + " in " + seen.keySet());
    }
}
