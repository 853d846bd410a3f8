package io.heimdall.plugin.adminapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.core.Gateway;
import org.junit.jupiter.api.AfterEach;
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
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin API over real HTTP: reading, structured changes, validation, history, rollback, stats, security. */
class AdminApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TOKEN = "test-admin-token-0123456789";
    private static final String CANARY = "sk-admin-api-canary-55aa";

    @TempDir
    Path dir;
    Path file;
    Gateway gateway;

    @BeforeEach
    void start() throws Exception {
        file = Files.writeString(dir.resolve("heimdall.yaml"), """
                # the gateway's config
                server: { host: 127.0.0.1, port: 0 }
                admin: { token: "${env:ADMIN_TOKEN}" }
                providers:
                  mock: { type: mock }
                models:
                  default: { targets: [ { model: mock/echo } ] }
                plugins:
                  - { id: admin-api, config: { history-dir: "%s" } }
                """.formatted(dir.resolve("history")));
        gateway = Gateway.builder().config(file).port(0).watchConfig(false)
                .environment(Map.of("ADMIN_TOKEN", TOKEN)).start();
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode admin(String method, String path, String body, int status) throws Exception {
        HttpResponse<String> res = call(method, path, body, TOKEN);
        assertEquals(status, res.statusCode(), method + " " + path + ": " + res.body());
        return JSON.readTree(res.body());
    }

    int chat(String model) throws Exception {
        return call("POST", "/v1/chat/completions", "{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello admin\"}]}", null).statusCode();
    }

    @Test
    void adminRoutesNeedTheToken() throws Exception {
        HttpResponse<String> none = call("GET", "/api/admin/config", null, null);
        assertEquals(401, none.statusCode());
        assertEquals("authentication_error", JSON.readTree(none.body()).path("error").path("type").asText());
        assertEquals(401, call("GET", "/api/admin/config", null, "not-the-admin-token-xx").statusCode());
        assertEquals(200, call("GET", "/api/admin/config", null, TOKEN).statusCode());
    }

    @Test
    void aProviderAddedThroughTheApiServesRequestsAndItsKeyNeverComesBack() throws Exception {
        assertEquals(404, chat("other/echo") == 404 ? 404 : chat("other/echo"));
        admin("PUT", "/api/admin/providers/other", "{\"type\":\"mock\",\"keys\":[{\"name\":\"main\",\"value\":\""
                + CANARY + "\"}]}", 200);
        assertEquals(200, chat("other/echo"));
        assertTrue(Files.readString(file).contains(CANARY), "the key is written to the file");

        for (String path : new String[]{"/api/admin/config", "/api/admin/providers", "/api/admin/history/2",
                "/api/admin/config/download"}) {
            String body = call("GET", path, null, TOKEN).body();
            assertFalse(body.contains(CANARY), path + " sent the key: " + body);
        }
        JsonNode providers = admin("GET", "/api/admin/providers", null, 200);
        assertEquals("other", providers.get(1).path("name").asText());
        assertEquals("main", providers.get(1).path("health").get(0).path("key").asText());

        // Another change through the masked text keeps the key.
        admin("PUT", "/api/admin/models/fast", "{\"targets\":[{\"model\":\"other/echo\"}]}", 200);
        assertTrue(Files.readString(file).contains(CANARY));
        assertEquals(200, chat("fast"));
        admin("DELETE", "/api/admin/providers/other/keys/main", null, 200);
        assertFalse(Files.readString(file).contains(CANARY));

        // Rolling back to a version with the removed key puts the key back (the gateway still knows it).
        long withKey = admin("GET", "/api/admin/history", null, 200).size() - 1;
        admin("POST", "/api/admin/history/" + withKey + "/rollback", null, 200);
        assertTrue(Files.readString(file).contains(CANARY));
        assertEquals(200, chat("fast"));
    }

    @Test
    void aBrokenConfigIsRefusedWithPathPreciseProblemsAndTheFileKept() throws Exception {
        String before = Files.readString(file);
        JsonNode refused = admin("PUT", "/api/admin/providers/bad", "{\"type\":\"mock\",\"colour\":\"red\"}", 422);
        assertEquals("config_invalid", refused.path("error").path("code").asText());
        assertTrue(refused.path("problems").toString().contains("providers.bad.colour"), refused.toString());
        assertEquals(before, Files.readString(file));
        JsonNode valid = admin("POST", "/api/admin/config/validate",
                JSON.writeValueAsString(Map.of("text", "providers: { x: { type: nope } }")), 200);
        assertFalse(valid.path("valid").asBoolean());
        assertTrue(valid.path("problems").toString().contains("providers.x.type"), valid.toString());
        assertEquals(400, call("PUT", "/api/admin/providers/other", "{not json", TOKEN).statusCode());
    }

    @Test
    void historyShowsDiffsAndRollsBack() throws Exception {
        admin("PUT", "/api/admin/models/fast", "{\"targets\":[{\"model\":\"mock/echo\"}]}", 200);
        assertEquals(200, chat("fast"));
        assertTrue(Files.readString(file).contains("# the gateway's config"), "a structured change keeps comments");
        JsonNode versions = admin("GET", "/api/admin/history", null, 200);
        assertEquals(2, versions.size(), versions.toString());
        JsonNode v2 = admin("GET", "/api/admin/history/2", null, 200);
        assertTrue(v2.path("diff").toString().contains("+  fast:"), v2.toString());
        assertEquals("admin", v2.path("who").asText());

        JsonNode rolled = admin("POST", "/api/admin/history/1/rollback", null, 200);
        assertEquals(3, rolled.path("version").asInt());
        assertTrue(Files.readString(file).contains("# the gateway's config"), "version 1 is the text as written");
        assertEquals(404, chat("fast"));
        assertEquals(404, call("GET", "/api/admin/history/99", null, TOKEN).statusCode());
    }

    @Test
    void statsRequestsTypesAndHealthDescribeTheGateway() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(200, chat("default"));
        }
        assertEquals(404, chat("nope/none"));
        JsonNode stats = admin("GET", "/api/admin/stats?window=60", null, 200);
        assertTrue(stats.path("requests").asLong() >= 6, stats.toString());
        assertTrue(stats.path("latency_p99_ms").asDouble() > 0, stats.toString());
        JsonNode recent = admin("GET", "/api/admin/requests?limit=3&model=default", null, 200);
        assertEquals(3, recent.size(), recent.toString());
        assertEquals("mock/echo", recent.get(0).path("served_by").asText());
        assertFalse(recent.toString().contains("hello admin"), "no prompt text unless record-prompts");
        assertEquals(1, admin("GET", "/api/admin/requests?status=4xx", null, 200).size());

        JsonNode types = admin("GET", "/api/admin/plugin-types", null, 200);
        assertTrue(types.toString().contains("\"id\":\"mock\""), types.toString());
        assertTrue(types.toString().contains("\"key\":\"history-size\""), types.toString());
        assertEquals("closed", admin("GET", "/api/admin/health", null, 200).get(0).path("breaker").asText());
        chat("mock/fail-500");
        JsonNode failure = admin("GET", "/api/admin/health", null, 200).get(0).path("recent_errors").path(0);
        assertEquals(500, failure.path("status").asInt(), failure.toString());
        assertEquals("fail-500", failure.path("model").asText(), failure.toString());
        assertEquals("provider", failure.path("fault").asText(), failure.toString());
        JsonNode openapi = admin("GET", "/api/admin/openapi.json", null, 200);
        assertTrue(openapi.isObject());
    }

    @Test
    void aliasesProvidersAndPluginEntriesAreRemovedAndBadEntriesRefusedByPath() throws Exception {
        admin("PUT", "/api/admin/providers/other", "{\"type\":\"mock\"}", 200);
        admin("PUT", "/api/admin/models/fast", "{\"targets\":[{\"model\":\"other/echo\"}]}", 200);
        assertEquals("other/echo", admin("GET", "/api/admin/models", null, 200)
                .path("fast").path("targets").path(0).path("model").asText());
        assertEquals(200, chat("fast"));
        admin("DELETE", "/api/admin/models/fast", null, 200);
        assertEquals(404, chat("fast"));
        admin("DELETE", "/api/admin/providers/other", null, 200);
        assertEquals(404, chat("other/echo"));
        assertEquals(404, call("DELETE", "/api/admin/providers/other", null, TOKEN).statusCode());
        assertEquals(404, call("DELETE", "/api/admin/models/fast", null, TOKEN).statusCode());

        JsonNode unknown = admin("POST", "/api/admin/plugins", "{\"id\":\"no-such-plugin\"}", 422);
        assertTrue(unknown.path("problems").toString().contains("plugins[1]"), unknown.toString());
        JsonNode outOfRange = admin("PUT", "/api/admin/plugins/0",
                "{\"id\":\"admin-api\",\"config\":{\"history-size\":0}}", 422);
        assertTrue(outOfRange.path("problems").toString().contains("plugins[0].config.history-size"),
                outOfRange.toString());
        assertEquals(1, admin("GET", "/api/admin/plugins", null, 200).size());
        assertEquals(404, call("DELETE", "/api/admin/plugins/5", null, TOKEN).statusCode());
    }

    @Test
    void everyDocumentedRouteIsInTheOpenApiDescription() throws Exception {
        JsonNode paths = admin("GET", "/api/admin/openapi.json", null, 200).path("paths");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`(GET|PUT|POST|DELETE) (/api/admin/[^`?]*)")
                .matcher(Files.readString(Path.of("../../docs/admin-api.md")));
        int routes = 0;
        while (m.find()) {
            routes++;
            assertTrue(paths.path(m.group(2)).has(m.group(1).toLowerCase(java.util.Locale.ROOT)),
                    m.group(1) + " " + m.group(2) + " is documented but not in openapi.json");
        }
        assertTrue(routes >= 25, "routes found in docs/admin-api.md: " + routes);
    }

    /** A second gateway without admin.token, config file {@code <name>.yaml}, with one more admin-api setting. */
    Gateway withoutToken(String name, String setting) throws Exception {
        Path config = Files.writeString(dir.resolve(name + ".yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers: { mock: { type: mock } }
                plugins:
                  - { id: admin-api, config: { history-dir: "%s", %s } }
                """.formatted(dir.resolve("history-" + name), setting));
        return Gateway.builder().config(config).port(0).watchConfig(false).start();
    }

    @Test
    void promptsAreRecordedOnlyWhenEnabled() throws Exception {
        try (Gateway g = withoutToken("prompts", "record-prompts: true")) {
            HttpRequest chat = HttpRequest.newBuilder(URI.create(g.baseUrl() + "/v1/chat/completions"))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"remember me\"}]}"))
                    .build();
            assertEquals(200, HTTP.send(chat, HttpResponse.BodyHandlers.ofString()).statusCode());
            String recent = HTTP.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + "/api/admin/requests")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertEquals("remember me", JSON.readTree(recent).path(0).path("prompt").asText(), recent);
        }
    }

    /** Sends a raw HTTP/1.1 request (the JDK client will not send another Host header) and answers its status line. */
    static String raw(String baseUrl, String head) throws Exception {
        URI uri = URI.create(baseUrl);
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((head + "Connection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines().findFirst().orElse("");
        }
    }

    @Test
    void otherWebSitesCannotUseTheLoopbackAdminApi() throws Exception {
        Path open = dir.resolve("open.yaml");
        try (Gateway g = withoutToken("open", "record-prompts: false")) {
            String before = Files.readString(open);
            // A page of another site posting a "simple" cross-site request (text/plain, no preflight).
            HttpResponse<String> forged = HTTP.send(HttpRequest.newBuilder(URI.create(g.baseUrl()
                            + "/api/admin/providers/mock/keys")).header("origin", "http://evil.example")
                    .header("content-type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"evil\",\"value\":\"sk-evil\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, forged.statusCode(), forged.body());
            assertEquals("cross_origin_refused", JSON.readTree(forged.body()).path("error").path("code").asText());
            assertEquals(before, Files.readString(open));
            // The UI's own requests carry its origin: accepted.
            HttpResponse<String> own = HTTP.send(HttpRequest.newBuilder(URI.create(g.baseUrl()
                            + "/api/admin/config/validate")).header("origin", g.baseUrl())
                    .POST(HttpRequest.BodyPublishers.ofString("providers: { mock: { type: mock } }")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, own.statusCode(), own.body());
            // DNS rebinding: a request from loopback addressed to another host name.
            String rebound = raw(g.baseUrl(), "GET /api/admin/config HTTP/1.1\r\nHost: evil.example:80\r\n");
            assertTrue(rebound.contains(" 403"), rebound);
            String local = raw(g.baseUrl(), "GET /api/admin/config HTTP/1.1\r\nHost: localhost:"
                    + URI.create(g.baseUrl()).getPort() + "\r\n");
            assertTrue(local.contains(" 200"), local);
        }
        // With the admin token, a cross-site request is refused as well.
        HttpResponse<String> withToken = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl()
                        + "/api/admin/plugins")).header("origin", "http://evil.example")
                .header("authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, withToken.statusCode(), withToken.body());
    }
}
