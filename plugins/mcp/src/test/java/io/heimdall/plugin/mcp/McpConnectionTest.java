package io.heimdall.plugin.mcp;

import io.heimdall.core.Gateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections over their life: tools/list_changed, a server that dies (its tools withdrawn, then back after a
 * reconnect, for stdio and Streamable HTTP), and config reloads that keep an untouched server's subprocess.
 */
class McpConnectionTest {
    @TempDir
    Path dir;
    Gateway gateway;
    Process web;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (web != null) {
            web.destroyForcibly();
        }
    }

    private void start(String servers) throws Exception {
        Files.writeString(dir.resolve("heimdall.yaml"), config(servers));
        gateway = Gateway.builder().config(dir.resolve("heimdall.yaml")).port(0).watchConfig(false).start();
    }

    private static String config(String servers) {
        return """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  m: { type: openai-compatible, base-url: "http://127.0.0.1:9" }
                plugins:
                  - id: mcp
                    config:
                      ping-interval: 1s
                      reconnect-initial: 1s
                      reconnect-max: 2s
                      servers:
                %s""".formatted(servers.indent(8));
    }

    private static String toy(String name, String extra) throws Exception {
        List<String> cmd = NodeServers.toy();
        return name + ": { command: [ \"" + cmd.get(0) + "\", \"" + cmd.get(1) + "\" ]" + extra + " }\n";
    }

    private List<String> tools() {
        return Http.toolNames(gateway.baseUrl());
    }

    private HttpResponse<String> run(String tool) throws Exception {
        return Http.send("POST", gateway.baseUrl() + "/v1/mcp/tool/execute",
                "{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"" + tool + "\",\"arguments\":\"{}\"}}");
    }

    private String pid(String tool) throws Exception {
        HttpResponse<String> r = run(tool);
        assertEquals(200, r.statusCode(), r.body());
        return Http.json(r.body()).get("content").stringValue();
    }

    @Test
    void followsToolsListChanged() throws Exception {
        start(toy("a", ""));
        assertTrue(Http.await(() -> tools().contains("a__pid"), Duration.ofSeconds(15)), () -> "" + tools());
        assertTrue(!tools().contains("a__extra"));
        assertEquals(200, run("a__add-tool").statusCode());
        assertTrue(Http.await(() -> tools().contains("a__extra"), Duration.ofSeconds(5)), () -> "" + tools());
        assertEquals("extra!", Http.json(run("a__extra").body()).get("content").stringValue());
    }

    @Test
    void aDeadStdioServerIsWithdrawnAndRestarted() throws Exception {
        start(toy("a", ""));
        assertTrue(Http.await(() -> tools().contains("a__pid"), Duration.ofSeconds(15)));
        String before = pid("a__pid");
        assertEquals(200, run("a__crash").statusCode());
        assertTrue(Http.await(() -> !tools().contains("a__pid"), Duration.ofSeconds(5)), "tools withdrawn");
        assertEquals(404, run("a__pid").statusCode(), "a withdrawn tool is not offered");
        assertTrue(Http.await(() -> tools().contains("a__pid"), Duration.ofSeconds(15)), "reconnected");
        assertNotEquals(before, pid("a__pid"), "a new process");
    }

    @Test
    void aDeadHttpServerIsWithdrawnAndReconnected() throws Exception {
        int port = NodeServers.freePort();
        web = NodeServers.everythingHttp(port);
        start("web: { url: \"http://127.0.0.1:" + port + "/mcp\", include: [ get-sum ] }\n");
        assertTrue(Http.await(() -> tools().contains("web__get-sum"), Duration.ofSeconds(15)));
        web.destroyForcibly().waitFor();
        assertTrue(Http.await(() -> tools().isEmpty(), Duration.ofSeconds(10)), "tools withdrawn");
        web = NodeServers.everythingHttp(port);
        assertTrue(Http.await(() -> tools().contains("web__get-sum"), Duration.ofSeconds(20)), "reconnected");
    }

    @Test
    void aReloadKeepsTheConnectionsOfServersItDoesNotTouch() throws Exception {
        start(toy("a", "") + toy("b", ""));
        assertTrue(Http.await(() -> tools().containsAll(List.of("a__pid", "b__pid")), Duration.ofSeconds(15)));
        String a = pid("a__pid");
        String b = pid("b__pid");
        // b's settings change (an env var), a's do not, and the plugin-level config changes with them
        Files.writeString(dir.resolve("heimdall.yaml"), config(toy("a", "") + toy("b", ", env: { X: \"1\" }")));
        assertEquals(List.of(), gateway.reload());
        assertTrue(Http.await(() -> tools().containsAll(List.of("a__pid", "b__pid")), Duration.ofSeconds(15)));
        assertTrue(Http.await(() -> {
            try {
                return !b.equals(pid("b__pid"));
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(15)), "b was restarted with its new settings");
        assertEquals(a, pid("a__pid"), "a kept its process");
    }

    /**
     * The agent loop's deadline: a model that asks for an auto-executed tool outlasting {@code agent-timeout} gets
     * {@code 504 agent_timeout} once the time is up, not after the tool (server-everything's 10 s operation).
     */
    @Test
    void theAgentLoopEndsWithAgentTimeoutWhenItsTimeIsUp() throws Exception {
        List<String> ev = NodeServers.everythingStdio();
        try (io.heimdall.testkit.MockOpenAiServer model = io.heimdall.testkit.MockOpenAiServer.start()) {
            Files.writeString(dir.resolve("heimdall.yaml"), """
                    server: { host: 127.0.0.1, port: 0 }
                    providers:
                      up: { type: openai-compatible, base-url: "%s" }
                    plugins:
                      - id: mcp
                        config:
                          agent-timeout: 1s
                          servers:
                            ev: { command: [ "%s", "%s", "%s" ], auto-execute: [ trigger-long-running-operation ] }
                    """.formatted(model.baseUrl(), ev.get(0), ev.get(1), ev.get(2)));
            gateway = Gateway.builder().config(dir.resolve("heimdall.yaml")).port(0).watchConfig(false).start();
            assertTrue(Http.await(() -> tools().contains("ev__trigger-long-running-operation"),
                    Duration.ofSeconds(20)), () -> "tools: " + tools());
            model.enqueue(io.heimdall.testkit.MockBehavior.raw(200, "text/event-stream", Http.toolCallStream(
                    "ev__trigger-long-running-operation", "{\"duration\":10,\"steps\":2}")));
            long start = System.nanoTime();
            HttpResponse<String> r = Http.send("POST", gateway.baseUrl() + "/v1/chat/completions",
                    "{\"model\":\"up/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"wait\"}]}");
            assertEquals(504, r.statusCode(), r.body());
            assertEquals("agent_timeout", Http.json(r.body()).get("error").get("code").stringValue());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(8)) < 0,
                    "ended at the deadline, not after the 10 s tool");
        }
    }
}
