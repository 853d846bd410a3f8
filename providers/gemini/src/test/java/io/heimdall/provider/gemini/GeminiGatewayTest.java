package io.heimdall.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.model.Usage;
import io.heimdall.core.Gateway;
import io.heimdall.provider.googlemock.GoogleMock;
import io.heimdall.testkit.tck.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gemini provider inside a running gateway, over HTTP: OpenAI SSE out, capability and model-name refusals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GeminiGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOOLS = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"lookup\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}}]";

    private Path dir;
    private GoogleMock mock;
    private Gateway gateway;

    @BeforeAll
    void start() throws IOException {
        mock = GoogleMock.start(GoogleMock.Dialect.GEMINI);
        dir = Files.createTempDirectory("gemini-gateway");
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                routing: { retries: { max: 0 } }
                providers:
                  g: { type: gemini, base-url: "%s", keys: [ "AIza-gateway-test-key" ] }
                """.formatted(mock.baseUrl()));
        gateway = Gateway.builder().config(config).port(0).start();
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        mock.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temp folder left behind
        }
    }

    @BeforeEach
    void reset() {
        mock.reset();
    }

    @Test
    void parallelToolCallsStreamAsOpenAiChunks() throws IOException {
        mock.enqueue(new Reply.ToolCalls("", List.of(
                new Reply.ToolCalls.Call("a", "lookup", List.of("{\"q\":\"Oslo\"}")),
                new Reply.ToolCalls.Call("b", "lookup", List.of("{\"q\":\"Rome\"}"))), Usage.of(7, 9)));
        HttpURLConnection c = post("{\"model\":\"g/gemini-2.5-flash\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"both\"}],"
                + TOOLS + "}");
        assertEquals(200, c.getResponseCode());
        assertTrue(c.getContentType().startsWith("text/event-stream"), c.getContentType());
        List<String> data = new ArrayList<>();
        for (String line : new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring(6).strip());
            }
        }
        assertEquals("[DONE]", data.getLast());
        JsonNode first = JSON.readTree(data.getFirst());
        assertEquals("assistant", first.at("/choices/0/delta/role").asText());
        List<String> ids = new ArrayList<>();
        StringBuilder[] args = {new StringBuilder(), new StringBuilder()};
        List<String> finishes = new ArrayList<>();
        JsonNode usage = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = JSON.readTree(d);
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            for (JsonNode choice : chunk.path("choices")) {
                for (JsonNode tc : choice.path("delta").path("tool_calls")) {
                    int index = tc.path("index").asInt();
                    if (tc.has("id")) {
                        ids.add(tc.path("id").asText());
                        assertEquals("lookup", tc.at("/function/name").asText());
                        assertEquals("function", tc.path("type").asText());
                    } else {
                        assertFalse(tc.path("function").has("name"), "name on the first delta only");
                    }
                    args[index].append(tc.at("/function/arguments").asText(""));
                }
                if (choice.hasNonNull("finish_reason")) {
                    finishes.add(choice.path("finish_reason").asText());
                }
            }
            if (chunk.hasNonNull("usage")) {
                usage = chunk.path("usage");
            }
        }
        assertEquals(2, ids.size());
        assertFalse(ids.get(0).equals(ids.get(1)));
        assertEquals("{\"q\":\"Oslo\"}", args[0].toString());
        assertEquals("{\"q\":\"Rome\"}", args[1].toString());
        assertEquals(List.of("tool_calls"), finishes);
        assertEquals(16, usage.path("total_tokens").asInt());
        assertEquals(List.of("AIza-gateway-test-key"), mock.requests().getFirst().headers().get("x-goog-api-key"));
    }

    @Test
    void aModelWithoutThinkingRefusesReasoningBeforeAnyUpstreamCall() throws IOException {
        HttpURLConnection c = post("{\"model\":\"g/gemini-2.0-flash\",\"reasoning_effort\":\"high\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(400, c.getResponseCode());
        String body = new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(body.contains("'g'"), body);
        assertEquals(List.of(), mock.requests());
    }

    @Test
    void aModelNameThatWouldLeaveItsPathIsA400() throws IOException {
        HttpURLConnection c = post("{\"model\":\"g/x/../../v1beta/files\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(400, c.getResponseCode());
        String body = new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(body.contains("invalid_request_error"), body);
        assertEquals(List.of(), mock.requests());
    }

    private HttpURLConnection post(String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(gateway.baseUrl() + "/v1/chat/completions").toURL()
                .openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        return c;
    }
}
