package io.heimdall.plugin.mcp;

import io.heimdall.api.auth.AuthDecision;
import io.heimdall.api.auth.Authenticator;
import io.heimdall.api.auth.Caller;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.core.Gateway;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /mcp} with the SDK's own client against the gateway, and per-caller tool filtering: callers come from a test
 * authenticator (key {@code alice-key}: tag {@code ops}, every tool; {@code bob-key}: only {@code t__pid}).
 */
class McpServeTest {
    @TempDir
    static Path dir;
    static Gateway gateway;

    /** Bearer keys to callers; no key: 401. */
    public static final class TestAuth implements PluginFactory {
        @Override
        public String id() {
            return "test-auth";
        }

        @Override
        public Plugin create(PluginConfig config, PluginContext context) {
            Authenticator auth = credentials -> credentials.presented().map(key -> switch (key.reveal()) {
                case "alice-key" -> AuthDecision.allow(Caller.of("alice").withTags(Set.of("ops")));
                case "bob-key" -> AuthDecision.allow(Caller.of("bob"));
                default -> AuthDecision.unauthorized("Unknown key");
            }).orElse(AuthDecision.abstain());
            return new Plugin() {
                @Override
                public Optional<Authenticator> authenticator() {
                    return Optional.of(auth);
                }
            };
        }
    }

    @BeforeAll
    static void start() throws Exception {
        List<String> toy = NodeServers.toy();
        Files.writeString(dir.resolve("heimdall.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  m: { type: openai-compatible, base-url: "http://127.0.0.1:9" }
                plugins:
                  - id: test-auth
                  - id: mcp
                    config:
                      servers:
                        t: { command: [ "%s", "%s" ] }
                      access:
                        - { tags: [ ops ], tools: [ "*" ] }
                        - { callers: [ bob ], tools: [ t__pid ] }
                """.formatted(toy.get(0), toy.get(1)));
        gateway = Gateway.builder().config(dir.resolve("heimdall.yaml")).port(0).watchConfig(false)
                .factory(new TestAuth()).start();
        assertTrue(Http.await(() -> toolsOf("alice-key").contains("t__pid"), Duration.ofSeconds(20)));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    static List<String> toolsOf(String key) {
        return Http.toolNames(gateway.baseUrl(), "authorization", "Bearer " + key);
    }

    static McpSyncClient client(String key, CopyOnWriteArrayList<List<McpSchema.Tool>> changes) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(gateway.baseUrl())
                .endpoint("/mcp").jsonMapper(ServerConnection.MAPPER)
                .httpRequestCustomizer((b, method, uri, body, ctx) -> b.setHeader("authorization", "Bearer " + key))
                .build();
        McpSyncClient c = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
                .jsonSchemaValidator(new io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator())
                .toolsChangeConsumer(changes::add).build();
        c.initialize();
        return c;
    }

    private static List<String> names(List<McpSchema.Tool> tools) {
        return tools.stream().map(McpSchema.Tool::name).toList();
    }

    @Test
    void anMcpClientListsAndCallsTheAggregatedToolsAndHearsOfChanges() throws Exception {
        CopyOnWriteArrayList<List<McpSchema.Tool>> changes = new CopyOnWriteArrayList<>();
        McpSyncClient c = client("alice-key", changes);
        try {
            List<String> names = names(c.listTools().tools());
            assertTrue(names.containsAll(List.of("t__pid", "t__add-tool", "t__crash")), names::toString);
            McpSchema.CallToolResult pid = c.callTool(new McpSchema.CallToolRequest("t__pid", java.util.Map.of()));
            assertTrue(((McpSchema.TextContent) pid.content().getFirst()).text().matches("\\d+"), pid::toString);
            c.callTool(new McpSchema.CallToolRequest("t__add-tool", java.util.Map.of()));
            assertTrue(Http.await(() -> changes.stream().anyMatch(l -> names(l).contains("t__extra")),
                    Duration.ofSeconds(10)), () -> "changes: " + changes);
        } finally {
            c.closeGracefully();
        }
    }

    @Test
    void callersSeeAndRunOnlyTheirTools() throws Exception {
        assertEquals(List.of("t__pid"), toolsOf("bob-key"));
        McpSyncClient c = client("bob-key", new CopyOnWriteArrayList<>());
        try {
            assertEquals(List.of("t__pid"), names(c.listTools().tools()));
            McpSchema.CallToolResult r = c.callTool(new McpSchema.CallToolRequest("t__crash", java.util.Map.of()));
            assertTrue(Boolean.TRUE.equals(r.isError()), r::toString);
        } finally {
            c.closeGracefully();
        }
        HttpResponse<String> denied = Http.send("POST", gateway.baseUrl() + "/v1/mcp/tool/execute",
                "{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"t__crash\",\"arguments\":\"{}\"}}",
                "authorization", "Bearer bob-key");
        assertEquals(403, denied.statusCode(), denied.body());
        assertEquals("tool_not_allowed", Http.json(denied.body()).get("error").get("code").stringValue());
    }

    @Test
    void anUnknownSessionIsNotFound() throws Exception {
        HttpResponse<String> r = Http.send("POST", gateway.baseUrl() + "/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", "authorization", "Bearer alice-key",
                "mcp-session-id", "no-such-session");
        assertEquals(404, r.statusCode(), r.body());
        assertTrue(Http.json(r.body()).get("error").get("message").stringValue().contains("no-such-session"));
    }

    /**
     * A second gateway uses this one's {@code /mcp} as a Streamable HTTP server: with the configured
     * {@code Authorization} header it connects and sees the caller's tools; the same server without it is refused
     * (401) and offers nothing.
     */
    @Test
    void anHttpServerIsReachedWithItsConfiguredHeaders() throws Exception {
        Path config = Files.writeString(dir.resolve("chained.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  m: { type: openai-compatible, base-url: "http://127.0.0.1:9" }
                plugins:
                  - id: mcp
                    config:
                      servers:
                        hub: { url: "%1$s/mcp", headers: { Authorization: "Bearer bob-key" } }
                        locked: { url: "%1$s/mcp" }
                """.formatted(gateway.baseUrl()));
        try (Gateway chained = Gateway.builder().config(config).port(0).watchConfig(false).start()) {
            assertTrue(Http.await(() -> Http.toolNames(chained.baseUrl()).contains("hub__t__pid"),
                    Duration.ofSeconds(20)), () -> "tools: " + Http.toolNames(chained.baseUrl()));
            assertEquals(List.of("hub__t__pid"), Http.toolNames(chained.baseUrl()), "bob's tools only");
            var servers = Http.json(Http.send("GET", chained.baseUrl() + "/v1/mcp/tools", null).body()).get("servers");
            for (var server : servers) {
                assertEquals(server.get("name").stringValue().equals("hub"), server.get("connected").asBoolean(),
                        servers::toString);
            }
        }
    }

    @Test
    void mcpIsAuthenticatedLikeEveryRoute() throws Exception {
        HttpResponse<String> r = Http.send("POST", gateway.baseUrl() + "/mcp",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}");
        assertEquals(401, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"error\""), r.body());
    }
}
