package io.heimdall.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.MockOpenAiServer;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The MCP bridge in the packaged distribution ({@code bin/heimdall}, plugin folder {@code plugins/mcp}) against
 * {@code @modelcontextprotocol/server-everything} from npm over stdio: tool listing, execution, the agent loop with a
 * mock model, and {@code /mcp} spoken over plain HTTP (JSON-RPC) and by a real MCP client (the official TypeScript
 * SDK's {@code StreamableHTTPClientTransport}, which server-everything brings along). Skipped when node or npm is
 * missing.
 */
class McpDistributionIT {
    /** The same pinned version as plugins/mcp's tests. */
    private static final String EVERYTHING = "@modelcontextprotocol/server-everything@2026.8.31";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path tmp;
    static Path npm;
    static MockOpenAiServer mock;
    static DistributionSmokeIT.Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        npm = Path.of("target/mcp-npm").toAbsolutePath();
        Files.createDirectories(npm);
        assumeTrue(NodeClientIT.works(List.of("node", "--version"), npm, 20), "node is not installed");
        assumeTrue(NodeClientIT.works(List.of("npm", "install", "--prefix", npm.toString(), "--no-audit", "--no-fund",
                "--loglevel=error", EVERYTHING), npm, 180), "npm could not install " + EVERYTHING);
        Path server = npm.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
        Path dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        mock = MockOpenAiServer.start();
        Path config = Files.writeString(tmp.resolve("heimdall.yaml"), """
                server: { host: 127.0.0.1 }
                providers:
                  up: { type: openai-compatible, base-url: "%s" }
                plugins:
                  - id: mcp
                    config:
                      servers:
                        ev: { command: [ node, "%s", stdio ], auto-execute: [ get-sum ] }
                """.formatted(mock.baseUrl(), server));
        gateway = DistributionSmokeIT.Gateway.start(dist, tmp, "--config", config.toString(), "--port", "0");
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!send("GET", "/v1/mcp/tools", null, null).body().contains("ev__get-sum")) {
            assertTrue(System.nanoTime() < end, "no tools from server-everything within 30 s" + gateway.output());
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.process().destroy();
            gateway.process().waitFor(10, TimeUnit.SECONDS);
        }
        if (mock != null) {
            mock.close();
        }
    }

    private static HttpResponse<String> send(String method, String path, String body, String session)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .timeout(Duration.ofSeconds(30)).header("accept", "application/json, text/event-stream")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("content-type", "application/json");
        }
        if (session != null) {
            b.header("mcp-session-id", session);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void executesAToolCall() throws Exception {
        HttpResponse<String> r = send("POST", "/v1/mcp/tool/execute", "{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"ev__get-sum\",\"arguments\":\"{\\\"a\\\":20,\\\"b\\\":22}\"}}", null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode msg = JSON.readTree(r.body());
        assertEquals("tool", msg.get("role").asText());
        assertEquals("The sum of 20 and 22 is 42.", msg.get("content").asText());
    }

    @Test
    void runsTheAgentLoop() throws Exception {
        String head = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                + "[{\"index\":0,";
        mock.enqueue(MockBehavior.raw(200, "text/event-stream", "data: " + head + "\"delta\":{\"role\":\"assistant\","
                + "\"tool_calls\":[{\"index\":0,\"id\":\"call_7\",\"type\":\"function\",\"function\":{\"name\":"
                + "\"ev__get-sum\",\"arguments\":\"{\\\"a\\\":1,\\\"b\\\":2}\"}}]},\"finish_reason\":null}]}\n\n"
                + "data: " + head + "\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n"));
        HttpResponse<String> r = send("POST", "/v1/chat/completions",
                "{\"model\":\"up/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"1+2?\"}]}", null);
        assertEquals(200, r.statusCode(), r.body() + gateway.output());
        assertEquals("Echo: 1+2?", JSON.readTree(r.body()).at("/choices/0/message/content").asText());
        assertTrue(mock.lastRequest().orElseThrow().body().contains("The sum of 1 and 2 is 3."));
    }

    /** An MCP client of the official TypeScript SDK: connects, lists the tools, calls one, ends its session. */
    private static final String TS_CLIENT = """
            import { Client } from "@modelcontextprotocol/sdk/client/index.js";
            import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
            const [url, tool, args] = process.argv.slice(2);
            const client = new Client({ name: "heimdall-it", version: "1.0.0" });
            const transport = new StreamableHTTPClientTransport(new URL(url));
            await client.connect(transport);
            const session = transport.sessionId;
            const tools = await client.listTools();
            const result = await client.callTool({ name: tool, arguments: JSON.parse(args) });
            await transport.terminateSession();
            await client.close();
            console.log(JSON.stringify({ session, tools: tools.tools.map(t => t.name), result }));
            """;

    @Test
    void anMcpClientOfTheTypeScriptSdkUsesTheGatewayAsItsServer() throws Exception {
        Path script = Files.writeString(npm.resolve("mcp-client.mjs"), TS_CLIENT);
        Process node = new ProcessBuilder("node", script.toString(), gateway.baseUrl() + "/mcp", "ev__get-sum",
                "{\"a\":40,\"b\":2}").directory(npm.toFile()).redirectErrorStream(true).start();
        node.getOutputStream().close();
        java.util.concurrent.CompletableFuture<String> out = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        assertTrue(node.waitFor(30, TimeUnit.SECONDS), "the MCP client did not finish within 30 s");
        String output = out.get(5, TimeUnit.SECONDS);
        assertEquals(0, node.exitValue(), output + gateway.output());
        JsonNode r = JSON.readTree(output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        assertTrue(!r.path("session").asText("").isEmpty(), output);
        List<String> names = new java.util.ArrayList<>();
        r.path("tools").forEach(t -> names.add(t.asText()));
        assertTrue(names.contains("ev__get-sum") && names.contains("ev__echo"), output);
        assertEquals("The sum of 40 and 2 is 42.", r.at("/result/content/0/text").asText(), output);
        assertTrue(!r.at("/result/isError").asBoolean(), output);
    }

    @Test
    void servesTheToolsAsAnMcpServer() throws Exception {
        HttpResponse<String> init = send("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"it\",\"version\":\"1\"}}}", null);
        assertEquals(200, init.statusCode(), init.body());
        String session = init.headers().firstValue("mcp-session-id").orElseThrow();
        assertEquals(202, send("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                session).statusCode());
        HttpResponse<String> list = send("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                session);
        assertEquals(200, list.statusCode(), list.body());
        assertTrue(list.body().contains("\"ev__get-sum\""), list.body());
        HttpResponse<String> call = send("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"ev__get-sum\",\"arguments\":{\"a\":2,\"b\":2}}}", session);
        assertTrue(call.body().contains("The sum of 2 and 2 is 4."), call.body());
        assertEquals(200, send("DELETE", "/mcp", null, session).statusCode());
        assertEquals(404, send("POST", "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}", session)
                .statusCode());
    }
}
