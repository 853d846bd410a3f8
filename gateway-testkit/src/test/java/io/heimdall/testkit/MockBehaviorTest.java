package io.heimdall.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.heimdall.testkit.Http.events;
import static io.heimdall.testkit.Http.get;
import static io.heimdall.testkit.Http.json;
import static io.heimdall.testkit.Http.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(20)
class MockBehaviorTest {
    private static final String CHAT = "/v1/chat/completions";
    private static MockOpenAiServer mock;

    @BeforeAll
    static void start() {
        mock = MockOpenAiServer.start();
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    @BeforeEach
    void reset() {
        mock.reset();
    }

    @Test
    void rateLimitWithRetryAfter() {
        mock.enqueue(MockBehavior.status(429, 7));

        HttpResponse<String> res = post(mock, CHAT, Http.chat("x", false));

        assertEquals(429, res.statusCode());
        assertEquals(Optional.of("7"), res.headers().firstValue("retry-after"));
        assertEquals(Optional.of("application/json"), res.headers().firstValue("content-type"));
        assertTrue(res.body().startsWith("{\n    \"error\": {\n        \"message\": "), "OpenAI's 4-space layout");
        JsonNode error = json(res.body()).path("error");
        assertEquals("requests", error.path("type").asText(), "OpenAI's type for request rate limits");
        assertEquals("rate_limit_exceeded", error.path("code").asText());
        assertTrue(error.path("param").isNull());
    }

    @Test
    void cannedErrorsPerStatus() {
        record Case(int status, String type, String code) {
        }
        for (Case c : List.of(new Case(400, "invalid_request_error", null), new Case(403, "request_forbidden",
                        "unsupported_country_region_territory"), new Case(404, "invalid_request_error",
                        "model_not_found"), new Case(500, "server_error", null), new Case(503, "server_error", null),
                new Case(502, "server_error", null), new Case(418, "invalid_request_error", null))) {
            mock.enqueue(MockBehavior.status(c.status()));

            HttpResponse<String> res = post(mock, CHAT, Http.chat("x", false));

            assertEquals(c.status(), res.statusCode());
            JsonNode error = json(res.body()).path("error");
            assertEquals(c.type(), error.path("type").asText(), res.body());
            assertEquals(c.code(), error.path("code").isNull() ? null : error.path("code").asText(), res.body());
            assertFalse(error.path("message").asText().isBlank());
        }
        mock.enqueue(MockBehavior.status(404));
        assertTrue(json(post(mock, CHAT, Http.chat("x", false)).body()).path("error").path("message").asText()
                .contains("`gpt-4o-mini`"), "404 names the requested model");
    }

    @Test
    void unauthorizedMasksTheRequestKey() {
        mock.enqueue(MockBehavior.status(401), MockBehavior.status(401));

        HttpResponse<String> withKey = Http.send(Http.request(mock, CHAT)
                .header("Authorization", "Bearer sk-secret-value-0123456789-WXYZ")
                .POST(HttpRequest.BodyPublishers.ofString(Http.chat("x", false))).build());
        HttpResponse<String> withoutKey = post(mock, CHAT, Http.chat("x", false));

        assertEquals(401, withKey.statusCode());
        JsonNode error = json(withKey.body()).path("error");
        assertEquals("invalid_api_key", error.path("code").asText());
        assertTrue(error.path("message").asText().contains("WXYZ"));
        assertFalse(error.path("message").asText().contains("secret-value"));
        assertEquals(401, withoutKey.statusCode());
    }

    @Test
    void customErrorWithParamCodeAndHeaders() {
        mock.enqueue(MockBehavior.error(400, "invalid_request_error", "Bad 'temperature'.", "invalid_value")
                .withParam("temperature").withHeader("x-extra", "1").withRetryAfter(Duration.ofMillis(1500)));

        HttpResponse<String> res = post(mock, CHAT, Http.chat("x", false));

        assertEquals(400, res.statusCode());
        assertEquals("{\"message\":\"Bad 'temperature'.\",\"type\":\"invalid_request_error\","
                + "\"param\":\"temperature\",\"code\":\"invalid_value\"}", json(res.body()).path("error").toString());
        assertEquals(Optional.of("1"), res.headers().firstValue("x-extra"));
        assertEquals(Optional.of("2"), res.headers().firstValue("retry-after"), "rounded up to whole seconds");
    }

    @Test
    void behaviorsAreOneShotAndInOrder() {
        mock.enqueue(MockBehavior.status(500), MockBehavior.status(503));

        assertEquals(500, post(mock, CHAT, Http.chat("x", false)).statusCode());
        assertEquals(503, get(mock, "/v1/models").statusCode());
        assertEquals(200, post(mock, CHAT, Http.chat("x", false)).statusCode());
        assertEquals(0, mock.pendingBehaviors());
    }

    @Test
    void dropConnectionClosesTheSocketWithoutAnyResponseByte() {
        mock.enqueue(MockBehavior.dropConnection());

        Http.Raw raw = Http.rawPost(mock, CHAT, Http.chat("x", false));

        assertTrue(raw.closed(), "the server closed the connection");
        assertEquals("", raw.bytes(), "not a single response byte");
        assertEquals(1, mock.requests().size(), "the request was read and recorded first");
    }

    @Test
    void dropConnectionIsAnIoErrorForHttpClient() {
        mock.enqueue(MockBehavior.dropConnection());
        HttpRequest request = Http.request(mock, CHAT).POST(HttpRequest.BodyPublishers.ofString(
                Http.chat("x", false))).build();

        assertThrows(IOException.class, () -> Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofString()));
        assertEquals(200, post(mock, CHAT, Http.chat("x", false)).statusCode(), "the next request is served");
    }

    @Test
    void dropMidStreamCutsTheChunkedBody() {
        mock.enqueue(MockBehavior.dropMidStream(2));

        Http.Raw raw = Http.rawPost(mock, CHAT, Http.chat("one two three", true));

        assertTrue(raw.closed());
        assertTrue(raw.bytes().startsWith("HTTP/1.1 200 OK\r\n"), raw.bytes());
        assertTrue(raw.bytes().toLowerCase().contains("transfer-encoding: chunked"));
        String body = raw.bytes().substring(raw.bytes().indexOf("\r\n\r\n") + 4);
        assertEquals(2, body.split("data: ", -1).length - 1, "exactly two events before the drop: " + body);
        assertTrue(body.contains("\"content\":\"Echo:\""));
        assertFalse(body.contains(" one"));
        assertFalse(body.endsWith("0\r\n\r\n"), "the chunked body is never terminated");
    }

    @Test
    void dropMidStreamFailsHttpClientAfterEarlierEvents() throws Exception {
        mock.enqueue(MockBehavior.dropMidStream(3));
        // the JDK client reports a broken body as soon as it sees it, even before queued data is read: pause first
        mock.streamChunkDelay(Duration.ofMillis(300));
        HttpRequest request = Http.request(mock, CHAT).POST(HttpRequest.BodyPublishers.ofString(
                Http.chat("one two three", true))).build();

        HttpResponse<InputStream> res = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, res.statusCode());
        List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            assertThrows(IOException.class, () -> {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isEmpty()) {
                        lines.add(line);
                    }
                }
            });
        }
        assertEquals(3, lines.size(), "three events arrived before the drop: " + lines);
    }

    @Test
    void dropMidStreamAfterTheFirstEventAndOnJsonBodies() {
        mock.enqueue(MockBehavior.dropMidStream(1), MockBehavior.dropMidStream(1), MockBehavior.dropMidStream(99));

        Http.Raw stream = Http.rawPost(mock, CHAT, Http.chat("x", true));
        Http.Raw json = Http.rawPost(mock, CHAT, Http.chat("x", false));
        Http.Raw whole = Http.rawPost(mock, CHAT, Http.chat("x", true));

        assertTrue(stream.closed());
        assertTrue(stream.bytes().startsWith("HTTP/1.1 200 OK\r\n"));
        assertEquals(1, stream.bytes().split("data: ", -1).length - 1, stream.bytes());
        assertTrue(stream.bytes().contains("\"role\":\"assistant\""));
        assertTrue(json.closed());
        assertTrue(json.bytes().startsWith("HTTP/1.1 200 OK\r\n"));
        String body = json.bytes().substring(json.bytes().indexOf("\r\n\r\n") + 4);
        assertTrue(body.contains("chatcmpl-"), "half of the JSON body: " + body);
        assertFalse(body.contains("system_fingerprint"), "only half: " + body);
        assertFalse(body.endsWith("0\r\n\r\n"));
        assertTrue(whole.bytes().contains("data: [DONE]"), "all events sent");
        assertFalse(whole.bytes().endsWith("0\r\n\r\n"), "but the body is not ended");
    }

    @Test
    void malformedBodyIsInvalidJsonWith200() {
        mock.enqueue(MockBehavior.malformedBody(), MockBehavior.malformedBody(), MockBehavior.malformedBody());

        HttpResponse<String> chat = post(mock, CHAT, Http.chat("x", false));
        HttpResponse<String> embeddings = post(mock, "/v1/embeddings", "{\"model\":\"e\",\"input\":\"x\"}");
        HttpResponse<String> stream = post(mock, CHAT, Http.chat("x", true));

        for (HttpResponse<String> res : List.of(chat, embeddings)) {
            assertEquals(200, res.statusCode());
            assertEquals(Optional.of("application/json"), res.headers().firstValue("content-type"));
            assertThrows(JsonProcessingException.class, () -> Http.MAPPER.readTree(res.body()));
        }
        assertEquals(200, stream.statusCode());
        List<String> events = events(stream.body());
        assertEquals(3, events.size());
        json(events.get(0));
        assertThrows(JsonProcessingException.class, () -> Http.MAPPER.readTree(events.get(1)));
        assertEquals("[DONE]", events.get(2));
    }

    @Test
    void delayAppliesOnceOnTopOfLatency() {
        mock.enqueue(MockBehavior.delay(Duration.ofMillis(300)), MockBehavior.status(500)
                .delayed(Duration.ofMillis(200)));
        long start = System.nanoTime();

        HttpResponse<String> slow = post(mock, CHAT, Http.chat("x", false));
        long first = System.nanoTime() - start;
        HttpResponse<String> slowError = post(mock, CHAT, Http.chat("x", false));
        long second = System.nanoTime() - start - first;

        assertEquals(200, slow.statusCode());
        assertEquals("Echo: x", json(slow.body()).path("choices").get(0).path("message").path("content").asText());
        assertTrue(first >= 300_000_000L, "first took " + first / 1_000_000 + " ms");
        assertEquals(500, slowError.statusCode());
        assertTrue(second >= 200_000_000L, "second took " + second / 1_000_000 + " ms");
    }

    @Test
    void errorEventInsideStream() {
        mock.enqueue(MockBehavior.streamError(2, "Upstream broke (test)"), MockBehavior.streamError(2));

        HttpResponse<String> res = post(mock, CHAT, Http.chat("one two three", true));
        HttpResponse<String> plain = post(mock, CHAT, Http.chat("x", false));

        assertEquals(200, res.statusCode());
        List<String> events = events(res.body());
        assertEquals(3, events.size(), "two chunks, then the error event, no [DONE]");
        assertEquals("Echo:", json(events.get(1)).path("choices").get(0).path("delta").path("content").asText());
        assertEquals("{\"error\":{\"message\":\"Upstream broke (test)\",\"type\":\"server_error\",\"param\":null,"
                + "\"code\":null}}", events.get(2));
        assertEquals(500, plain.statusCode(), "without a stream the same error is a 500");
        assertEquals("server_error", json(plain.body()).path("error").path("type").asText());
    }

    @Test
    void replyReplacesTheEchoAndRawSendsAnything() {
        mock.enqueue(MockBehavior.reply("Scripted answer here"), MockBehavior.reply("two words"),
                MockBehavior.raw(200, "text/plain", "not json at all"));

        HttpResponse<String> chat = post(mock, CHAT, "{\"model\":\"m\",\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"t\"}}],\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        HttpResponse<String> stream = post(mock, CHAT, Http.chat("x", true));
        HttpResponse<String> raw = post(mock, CHAT, Http.chat("x", false));

        JsonNode message = json(chat.body()).path("choices").get(0).path("message");
        assertEquals("Scripted answer here", message.path("content").asText(), "reply wins over tools");
        assertFalse(message.has("tool_calls"));
        assertEquals(List.of("two", " words"), events(stream.body()).stream().skip(1).limit(2)
                .map(e -> json(e).path("choices").get(0).path("delta").path("content").asText()).toList());
        assertEquals(Optional.of("text/plain"), raw.headers().firstValue("content-type"));
        assertEquals("not json at all", raw.body());
    }

    @Test
    void invalidBehaviorsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> MockBehavior.status(200));
        assertThrows(IllegalArgumentException.class, () -> MockBehavior.status(600));
        assertThrows(IllegalArgumentException.class, () -> MockBehavior.dropMidStream(0));
        assertThrows(IllegalArgumentException.class, () -> MockBehavior.streamError(-1));
        assertThrows(IllegalArgumentException.class, () -> MockBehavior.delay(Duration.ofMillis(-1)));
        assertThrows(IllegalStateException.class, () -> MockBehavior.dropConnection().withParam("p"));
        assertThrows(NullPointerException.class, () -> MockBehavior.reply(null));
        assertEquals("MockBehavior[ERROR 429 delayed PT1S]", MockBehavior.status(429).delayed(Duration.ofSeconds(1))
                .toString());
    }
}
