package io.heimdall.plugin.mcp;

import io.heimdall.core.Gateway;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.MockOpenAiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge in a real gateway on 127.0.0.1 against server-everything from npm, over stdio ({@code ev}, whose echo
 * and get-sum are auto-execute), Streamable HTTP ({@code web}, echo and get-sum only, not auto-execute) and the legacy
 * HTTP+SSE transport ({@code old}, get-sum only), with a {@link MockOpenAiServer} as the model.
 */
class McpGatewayTest {
    private static final String CHAT = "/v1/chat/completions";
    @TempDir
    static Path dir;
    static MockOpenAiServer mock;
    static Process web;
    static Process old;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        List<String> stdio = NodeServers.everythingStdio();
        int port = NodeServers.freePort();
        int oldPort = NodeServers.freePort();
        var sse = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return NodeServers.everything("sse", oldPort);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Thread::startVirtualThread);
        web = NodeServers.everythingHttp(port);
        old = sse.join();
        mock = MockOpenAiServer.start();
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  up: { type: openai-compatible, base-url: "%s" }
                plugins:
                  - id: mcp
                    config:
                      servers:
                        ev: { command: [ "%s", "%s", "%s" ], auto-execute: [ "echo", "get-sum" ] }
                        web: { url: "http://127.0.0.1:%d/mcp", include: [ "echo", "get-sum" ] }
                        old: { url: "http://127.0.0.1:%d/sse", transport: sse, include: [ "get-sum" ] }
                      ping-interval: 1s
                """.formatted(mock.baseUrl(), stdio.get(0), stdio.get(1), stdio.get(2), port, oldPort));
        gateway = Gateway.builder().config(config).port(0).watchConfig(false).start();
        assertTrue(Http.await(() -> tools().containsAll(List.of("ev__get-sum", "web__get-sum", "old__get-sum")),
                Duration.ofSeconds(20)), () -> "tools: " + tools());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (mock != null) {
            mock.close();
        }
        for (Process p : new Process[] {web, old}) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    @BeforeEach
    void clear() {
        mock.reset();
    }

    static List<String> tools() {
        return Http.toolNames(gateway.baseUrl());
    }

    @Test
    void listsBothServersToolsUnderPrefixesWithTheServersFilters() {
        List<String> names = tools();
        assertTrue(names.containsAll(List.of("ev__echo", "ev__get-sum", "ev__get-env", "web__echo", "web__get-sum")),
                names::toString);
        assertFalse(names.contains("web__get-env"), "web includes only echo and get-sum");
        assertTrue(names.contains("old__get-sum") && !names.contains("old__echo"), names::toString);
    }

    @Test
    void executesAToolCallOverEveryTransport() throws Exception {
        for (String name : List.of("web__get-sum", "ev__get-sum", "old__get-sum")) {
            HttpResponse<String> r = Http.send("POST", gateway.baseUrl() + "/v1/mcp/tool/execute",
                    "{\"id\":\"call_9\",\"type\":\"function\",\"function\":{\"name\":\"" + name
                            + "\",\"arguments\":\"{\\\"a\\\":2,\\\"b\\\":3}\"}}");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode msg = Http.json(r.body());
            assertEquals("tool", msg.get("role").stringValue());
            assertEquals("call_9", msg.get("tool_call_id").stringValue());
            assertTrue(msg.get("content").stringValue().contains("5"), r.body());
        }
    }

    @Test
    void executeAnswersOpenAiErrors() throws Exception {
        HttpResponse<String> unknown = Http.send("POST", gateway.baseUrl() + "/v1/mcp/tool/execute",
                "{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"nope\",\"arguments\":\"{}\"}}");
        assertEquals(404, unknown.statusCode());
        assertEquals("tool_not_found", Http.json(unknown.body()).get("error").get("code").stringValue());
        HttpResponse<String> bad = Http.send("POST", gateway.baseUrl() + "/v1/mcp/tool/execute",
                "{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"ev__echo\",\"arguments\":\"{oops\"}}");
        assertEquals(400, bad.statusCode());
        assertEquals("function.arguments", Http.json(bad.body()).get("error").get("param").stringValue());
    }

    @Test
    void injectsTheAllowedToolsNarrowedByHeaderAndField() throws Exception {
        mock.enqueue(MockBehavior.reply("fine"));
        HttpResponse<String> r = Http.send("POST", gateway.baseUrl() + CHAT, """
                {"model":"up/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],
                 "mcp":{"exclude":["web__echo"]}}""", "x-heimdall-mcp-include", "web__*");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("fine", Http.json(r.body()).get("choices").get(0).get("message").get("content").stringValue());
        String sent = mock.lastRequest().orElseThrow().body();
        assertTrue(sent.contains("\"web__get-sum\""), sent);
        assertFalse(sent.contains("\"web__echo\""), sent);
        assertFalse(sent.contains("\"ev__"), sent);
        assertFalse(sent.contains("\"mcp\""), "the request field is not forwarded: " + sent);

        mock.enqueue(MockBehavior.reply("none"));
        HttpResponse<String> off = Http.send("POST", gateway.baseUrl() + CHAT,
                "{\"model\":\"up/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-heimdall-mcp", "off");
        assertEquals(200, off.statusCode(), off.body());
        assertFalse(mock.lastRequest().orElseThrow().body().contains("\"tools\""), "no tools with the header off");
    }

    @Test
    void agentLoopRunsAutoToolsInParallelAndAnswers() throws Exception {
        mock.enqueue(MockBehavior.raw(200, "text/event-stream", Http.toolCallStream(
                "ev__get-sum", "{\"a\":2,\"b\":3}", "ev__echo", "{\"message\":\"hello\"}")));
        HttpResponse<String> r = Http.send("POST", gateway.baseUrl() + CHAT,
                "{\"model\":\"up/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"add 2 and 3\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode choice = Http.json(r.body()).get("choices").get(0);
        assertEquals("Echo: add 2 and 3", choice.get("message").get("content").stringValue());
        assertEquals("stop", choice.get("finish_reason").stringValue());
        assertTrue(Http.json(r.body()).at("/usage/total_tokens").asInt() > 0, "the final turn's usage: " + r.body());
        assertEquals(2, mock.requestCount(CHAT));
        String second = mock.lastRequest().orElseThrow().body();
        assertTrue(second.contains("The sum of 2 and 3 is 5."), second);
        assertTrue(second.contains("Echo: hello"), second);
        assertTrue(second.contains("\"tool_call_id\":\"call_1\""), second);
    }

    @Test
    void agentLoopStreamsTheFinalTurn() throws Exception {
        mock.enqueue(MockBehavior.raw(200, "text/event-stream", Http.toolCallStream(
                "ev__get-sum", "{\"a\":1,\"b\":1}")));
        HttpResponse<String> r = Http.send("POST", gateway.baseUrl() + CHAT, "{\"model\":\"up/gpt-4o-mini\","
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one plus one\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        StringBuilder text = new StringBuilder();
        List<JsonNode> events = Http.events(r.body());
        assertTrue(events.size() > 2, r.body());
        String finish = "";
        for (JsonNode e : events) {
            for (JsonNode c : e.get("choices")) {
                JsonNode content = c.get("delta").get("content");
                if (content != null && content.isString()) {
                    text.append(content.stringValue());
                }
                if (c.get("finish_reason") != null && c.get("finish_reason").isString()) {
                    finish = c.get("finish_reason").stringValue();
                }
            }
        }
        assertEquals("Echo: one plus one", text.toString());
        assertEquals("stop", finish);
        assertTrue(r.body().trim().endsWith("data: [DONE]"), r.body());
        assertTrue(mock.lastRequest().orElseThrow().body().contains("The sum of 1 and 1 is 2."));
    }

    /**
     * The final turn's chunks are passed on as they come, not gathered: when that turn breaks after two chunks, the
     * client already has their text (status 200) and the stream ends with an error event.
     */
    @Test
    void agentLoopPassesTheFinalTurnOnAsItArrives() throws Exception {
        mock.enqueue(MockBehavior.raw(200, "text/event-stream", Http.toolCallStream(
                "ev__get-sum", "{\"a\":1,\"b\":1}")));
        mock.enqueue(MockBehavior.streamError(2, "the model fell over"));
        HttpResponse<String> r = Http.send("POST", gateway.baseUrl() + CHAT, "{\"model\":\"up/gpt-4o-mini\","
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one plus one\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        StringBuilder text = new StringBuilder();
        boolean error = false;
        for (JsonNode e : Http.events(r.body())) {
            error |= e.has("error");
            for (JsonNode c : e.path("choices")) {
                JsonNode content = c.get("delta").get("content");
                if (content != null && content.isString()) {
                    text.append(content.stringValue());
                }
            }
        }
        assertTrue(!text.isEmpty() && "Echo: one plus one".startsWith(text.toString()), r.body());
        assertTrue(error, "the broken turn ends the stream with an error event: " + r.body());
        assertTrue(!r.body().contains("[DONE]"), r.body());
    }

    @Test
    void agentLoopStopsAtMaxDepthWithAFinalCallThatForbidsTools() throws Exception {
        for (int i = 0; i < 5; i++) {   // max-depth 5 (the default): five tool rounds, then tools are forbidden
            mock.enqueue(MockBehavior.raw(200, "text/event-stream", Http.toolCallStream(
                    "ev__echo", "{\"message\":\"again\"}")));
        }
        HttpResponse<String> r = Http.send("POST", gateway.baseUrl() + CHAT,
                "{\"model\":\"up/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"loop\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("Echo: loop", Http.json(r.body()).at("/choices/0/message/content").stringValue());
        assertEquals(6, mock.requestCount(CHAT));
        assertTrue(mock.lastRequest().orElseThrow().body().contains("\"tool_choice\":\"none\""));
    }

    @Test
    void toolsThatAreNotAutoExecuteGoBackToTheClient() throws Exception {
        mock.enqueue(MockBehavior.raw(200, "text/event-stream", Http.toolCallStream(
                "web__echo", "{\"message\":\"x\"}")));
        HttpResponse<String> r = Http.send("POST", gateway.baseUrl() + CHAT,
                "{\"model\":\"up/gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"echo x\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode choice = Http.json(r.body()).get("choices").get(0);
        assertEquals("tool_calls", choice.get("finish_reason").stringValue());
        JsonNode call = choice.get("message").get("tool_calls").get(0);
        assertEquals("web__echo", call.get("function").get("name").stringValue());
        assertEquals("{\"message\":\"x\"}", call.get("function").get("arguments").stringValue());
        assertEquals(1, mock.requestCount(CHAT));
    }
}
