package io.heimdall.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.model.Usage;
import io.heimdall.core.Gateway;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole path: an in-process gateway on an ephemeral port that finds the {@code anthropic} type through
 * {@code provides}, an OpenAI-shaped HTTP client in front, {@link AnthropicUpstream} behind.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AnthropicGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-ant-gateway-test-0123456789";

    @TempDir
    static Path dir;
    static AnthropicUpstream upstream;
    static Gateway gateway;

    @BeforeAll
    static void start() throws IOException {
        upstream = new AnthropicUpstream();
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                routing: { retries: { max: 0 } }
                providers:
                  claude:
                    type: anthropic
                    base-url: "%s"
                    keys: [ "%s" ]
                    default-max-tokens: 512
                """.formatted(upstream.baseUrl(), KEY));
        gateway = Gateway.builder().config(config).port(0).watchConfig(false).start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private record Response(int status, Map<String, List<String>> headers, String body) {
    }

    private static Response post(String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(gateway.baseUrl() + "/v1/chat/completions").toURL()
                .openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(20_000);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("content-type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            return new Response(status, c.getHeaderFields(),
                    in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } finally {
            c.disconnect();
        }
    }

    @Test
    void chatCompletionWithCachedUsage() throws IOException {
        upstream.enqueue(new Reply.Text(List.of("Bonjour"), "stop", Usage.of(120, 3).withCachedTokens(100)));
        Response r = post("""
                {"model":"claude/claude-sonnet-4-5","messages":[{"role":"system","content":"French."},
                 {"role":"user","content":"Hello"}]}""");
        assertEquals(200, r.status(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("chat.completion", body.get("object").asText());
        assertEquals("Bonjour", body.at("/choices/0/message/content").asText());
        assertEquals("stop", body.at("/choices/0/finish_reason").asText());
        assertEquals(120, body.at("/usage/prompt_tokens").asInt());
        assertEquals(100, body.at("/usage/prompt_tokens_details/cached_tokens").asInt());
        SeenRequest seen = upstream.requests().getFirst();
        assertEquals("claude-sonnet-4-5", seen.model());
        assertEquals("French.", seen.system());
        assertEquals(Optional.of(512), seen.maxTokens());
        assertEquals(Optional.of(KEY), seen.header("x-api-key"));
    }

    @Test
    void streamedParallelToolCallsAsOpenAiSse() throws IOException {
        upstream.enqueue(new Reply.ToolCalls("", List.of(
                new Reply.ToolCalls.Call("toolu_1", "lookup", List.of("{\"q\":", "\"a\"}")),
                new Reply.ToolCalls.Call("toolu_2", "lookup", List.of("{\"q\":\"b", "\"}"))), Usage.of(10, 6)));
        Response r = post("""
                {"model":"claude/claude-sonnet-4-5","stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"two"}],
                 "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]}""");
        assertEquals(200, r.status(), r.body());
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                events.add(JSON.readTree(line.substring(6)));
            }
        }
        assertTrue(r.body().strip().endsWith("data: [DONE]"), r.body());
        assertEquals("assistant", events.getFirst().at("/choices/0/delta/role").asText());
        StringBuilder[] args = {new StringBuilder(), new StringBuilder()};
        List<String> ids = new ArrayList<>();
        for (JsonNode e : events) {
            for (JsonNode call : e.at("/choices/0/delta/tool_calls")) {
                int index = call.get("index").asInt();
                if (call.has("id")) {
                    ids.add(call.get("id").asText());
                    assertEquals("lookup", call.at("/function/name").asText());
                } else {
                    assertFalse(call.at("/function").has("name"), "name on the first delta only");
                }
                args[index].append(call.at("/function/arguments").asText(""));
            }
        }
        assertEquals(List.of("toolu_1", "toolu_2"), ids);
        assertEquals(JSON.readTree("{\"q\":\"a\"}"), JSON.readTree(args[0].toString()));
        assertEquals(JSON.readTree("{\"q\":\"b\"}"), JSON.readTree(args[1].toString()));
        JsonNode last = events.getLast();
        assertEquals(16, last.at("/usage/total_tokens").asInt(), "usage in the final chunk");
        assertEquals("tool_calls", events.get(events.size() - 2).at("/choices/0/finish_reason").asText());
    }

    @Test
    void thinkingBlocksTravelToTheClientAndBackSigned() throws IOException {
        upstream.enqueue(AnthropicUpstream.Raw.json("""
                {"id":"msg_t","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[
                  {"type":"thinking","thinking":"Need data.","signature":"SIG-abc=="},
                  {"type":"tool_use","id":"toolu_7","name":"lookup","input":{"q":"x"}}],
                 "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":9}}"""));
        Response first = post("""
                {"model":"claude/claude-sonnet-4-5","reasoning_effort":"medium","messages":[{"role":"user","content":"go"}],
                 "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]}""");
        assertEquals(200, first.status(), first.body());
        JsonNode message = JSON.readTree(first.body()).at("/choices/0/message");
        assertEquals("SIG-abc==", message.at("/thinking_blocks/0/signature").asText(), first.body());
        assertEquals("Need data.", message.get("reasoning_content").asText());
        assertEquals("toolu_7", message.at("/tool_calls/0/id").asText());
        assertEquals(8192, JSON.readTree(upstream.requests().getFirst().body()).at("/thinking/budget_tokens").asInt());

        upstream.reset();
        Response second = post("""
                {"model":"claude/claude-sonnet-4-5","reasoning_effort":"medium","messages":[{"role":"user","content":"go"},
                 %s, {"role":"tool","tool_call_id":"toolu_7","content":"42"}],
                 "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]}"""
                .formatted(message.toString()));
        assertEquals(200, second.status(), second.body());
        JsonNode assistant = JSON.readTree(upstream.requests().getFirst().body()).at("/messages/1/content");
        assertEquals(JSON.readTree("""
                [{"type":"thinking","thinking":"Need data.","signature":"SIG-abc=="},
                 {"type":"tool_use","id":"toolu_7","name":"lookup","input":{"q":"x"}}]"""), assistant);
    }

    @Test
    void overloadedReachesTheClientAsAnOpenAiError() throws IOException {
        upstream.enqueue(new Reply.Failure(Reply.Kind.OVERLOADED, "Overloaded", Optional.empty()));
        Response r = post("""
                {"model":"claude/claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}]}""");
        assertTrue(r.status() == 529 || r.status() == 503, r.status() + " " + r.body());
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertTrue(error.get("message").asText().contains("Overloaded"), r.body());
        assertFalse(r.body().contains(KEY));
    }

    @Test
    void reasoningOnAModelWithoutThinkingIsA400BeforeAnyUpstreamCall() throws IOException {
        Response r = post("""
                {"model":"claude/claude-3-5-haiku-20241022","reasoning_effort":"high",
                 "messages":[{"role":"user","content":"hi"}]}""");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("claude"), r.body());
        assertTrue(upstream.requests().isEmpty());
    }
}
