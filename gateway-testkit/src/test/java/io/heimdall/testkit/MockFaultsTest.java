package io.heimdall.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.heimdall.testkit.Http.events;
import static io.heimdall.testkit.Http.json;
import static io.heimdall.testkit.Http.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection-level faults over raw sockets: hang, resets, trickle, and the counters that observe them. */
@Timeout(30)
class MockFaultsTest {
    /**
     * Arrivals are timed when the test's reads return, from the first one: a first read that returns a little late
     * shortens the measured span by as much (CI once read 298 ms for five 60 ms pauses). All at once would read ~0.
     */
    private static final long READ_JITTER_MS = 20;
    private static final String CHAT = "/v1/chat/completions";
    private static final Duration BOUND = Duration.ofSeconds(5);
    private MockOpenAiServer mock;

    /** A mock per test: the JDK client's pooled connections of one test must not count in the next. */
    @BeforeEach
    void start() {
        mock = MockOpenAiServer.start();
    }

    @AfterEach
    void stop() {
        mock.close();
    }

    @Test
    void hangHoldsUntilTheClientClosesThenCountsItAbandoned() {
        mock.enqueue(MockBehavior.hang());
        Wire client = new Wire(mock).post(CHAT, Http.chat("x", false), false);

        assertTrue(mock.awaitActiveRequests(1, BOUND), "the request arrived");
        Wire.Read read = client.read(400);
        assertEquals(Wire.End.TIMEOUT, read.end());
        assertEquals("", read.bytes(), "not a byte while hanging");
        assertEquals(1, mock.openConnections());
        assertEquals(0, mock.abandonedRequests());

        client.close();

        assertTrue(mock.awaitAbandonedRequests(1, BOUND), "abandoned once the client closed");
        assertTrue(mock.awaitOpenConnections(0, BOUND));
        assertTrue(mock.await(() -> mock.activeRequests() == 0, BOUND), "the handler was released");
        assertEquals(1, mock.abandonedRequests());
        assertEquals(200, post(mock, CHAT, Http.chat("x", false)).statusCode(), "one-shot");
    }

    @Test
    void hungRequestsHoldNoPlatformThread() {
        mock.setDefault(MockBehavior.hang());
        int before = Thread.getAllStackTraces().size(); // platform threads only
        List<Wire> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                clients.add(new Wire(mock).post(CHAT, Http.chat("x", false), false));
            }
            assertTrue(mock.awaitActiveRequests(200, Duration.ofSeconds(15)), "all hanging: "
                    + mock.activeRequests());
            int during = Thread.getAllStackTraces().size();
            assertTrue(during - before < 50, "platform threads " + before + " -> " + during);
            assertEquals(200, mock.openConnections());
        } finally {
            clients.forEach(Wire::close);
        }
        assertTrue(mock.awaitAbandonedRequests(200, BOUND), "abandoned: " + mock.abandonedRequests());
        assertTrue(mock.awaitOpenConnections(0, BOUND));
        assertTrue(mock.await(() -> mock.activeRequests() == 0, BOUND));
    }

    @Test
    void stoppingTheServerReleasesHungRequestsWithoutCountingThem() {
        MockOpenAiServer own = MockOpenAiServer.start();
        own.setDefault(MockBehavior.hang());
        try (Wire client = new Wire(own).post(CHAT, Http.chat("x", false), false)) {
            assertTrue(own.awaitActiveRequests(1, BOUND));

            own.close();

            assertEquals(Wire.End.EOF, client.read(5_000).end(), "the mock closed the connection");
            assertTrue(own.await(() -> own.activeRequests() == 0, BOUND));
            assertEquals(0, own.abandonedRequests(), "the client did not leave: the mock stopped");
        } finally {
            own.close();
        }
    }

    @Test
    void resetBeforeHeadersIsAConnectionResetWithoutAByte() {
        mock.enqueue(MockBehavior.resetBeforeHeaders(), MockBehavior.resetBeforeHeaders());

        try (Wire client = new Wire(mock).post(CHAT, Http.chat("x", false), false)) {
            Wire.Read read = client.read(5_000);
            assertEquals(Wire.End.RESET, read.end(), "an RST, not an orderly close");
            assertEquals("", read.bytes());
        }
        HttpRequest request = Http.request(mock, CHAT).POST(HttpRequest.BodyPublishers.ofString(
                Http.chat("x", false))).build();
        assertThrows(IOException.class, () -> Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofString()));
        assertEquals(2, mock.requestCount(CHAT), "both requests were read first");
        assertEquals(0, mock.abandonedRequests(), "the mock, not the client, ended them");
        assertTrue(mock.awaitOpenConnections(0, BOUND));
    }

    @Test
    void resetMidStreamSendsTheFirstEventsThenResets() {
        mock.enqueue(MockBehavior.resetMidStream(2), MockBehavior.resetMidStream(1));

        Wire.Read stream;
        Wire.Read json;
        try (Wire client = new Wire(mock)) {
            stream = client.post(CHAT, Http.chat("one two three", true), false).read(5_000);
        }
        try (Wire client = new Wire(mock)) {
            json = client.post(CHAT, Http.chat("one two three", false), false).read(5_000);
        }

        assertEquals(Wire.End.RESET, stream.end());
        assertTrue(stream.bytes().startsWith("HTTP/1.1 200 OK\r\n"), stream.bytes());
        assertEquals(2, stream.body().split("data: ", -1).length - 1, "two events, then the RST: " + stream.body());
        assertTrue(stream.body().contains("\"content\":\"Echo:\""));
        assertEquals(Wire.End.RESET, json.end());
        assertTrue(json.bytes().startsWith("HTTP/1.1 200 OK\r\n"), json.bytes());
        assertTrue(json.body().contains("chatcmpl-"), "half of the JSON body: " + json.body());
        assertFalse(json.body().contains("system_fingerprint"), "only half: " + json.body());
    }

    @Test
    void dropStillClosesInOrder() {
        mock.enqueue(MockBehavior.dropConnection());

        try (Wire client = new Wire(mock).post(CHAT, Http.chat("x", false), false)) {
            Wire.Read read = client.read(5_000);
            assertEquals(Wire.End.EOF, read.end(), "a FIN, unlike the resets");
            assertEquals("", read.bytes());
        }
    }

    @Test
    void trickleSendsHeadersAtOnceThenTheBodyInPiecesOverTime() {
        mock.enqueue(MockBehavior.trickle(Duration.ofMillis(60), 100));

        try (Wire client = new Wire(mock).post(CHAT, Http.chat("slowly please", false), false)) {
            String head = client.readHead(5_000);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            int length = Integer.parseInt(head.replaceAll("(?is).*content-length: (\\d+).*", "$1"));
            assertFalse(head.toLowerCase().contains("transfer-encoding"), head);
            Wire.Read body = client.read(1_000);

            assertEquals(length, body.bytes().length(), "the whole body: " + body.bytes());
            int pieces = (length + 99) / 100;
            assertTrue(pieces >= 4, "a pretty-printed completion is several hundred bytes: " + length);
            assertTrue(body.arrivals().size() >= pieces - 1, "arrived in pieces: " + body.arrivals());
            assertTrue(body.arrivals().getLast() >= (pieces - 1) * 60L - READ_JITTER_MS, "over time: " + body.arrivals());
            assertEquals("Echo: slowly please", json(body.bytes()).path("choices").get(0).path("message")
                    .path("content").asText());
        }
        assertEquals(0, mock.abandonedRequests());
    }

    @Test
    void trickleSendsStreamEventsOneAtATime() {
        mock.enqueue(MockBehavior.trickle(Duration.ofMillis(60)));

        try (Wire client = new Wire(mock).post(CHAT, Http.chat("a b", true), false)) {
            String head = client.readHead(5_000);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), "headers before the first event: " + head);
            Wire.Read body = client.readUntil("\r\n0\r\n\r\n", 2_000);

            assertTrue(body.bytes().contains("data: [DONE]"), body.bytes());
            int events = body.bytes().split("data: ", -1).length - 1;
            assertEquals(6, events, "role, Echo:, a, b, finish, [DONE]: " + body.bytes());
            assertTrue(body.arrivals().size() >= events - 1, "one event at a time: " + body.arrivals());
            assertTrue(body.arrivals().getLast() >= (events - 1) * 60L - READ_JITTER_MS, "over time: " + body.arrivals());
        }
    }

    @Test
    void aClientLeavingMidTrickleOrMidDelayAbandonsTheRequest() {
        mock.enqueue(MockBehavior.trickle(Duration.ofMillis(200), 1), MockBehavior.slowHeaders(
                Duration.ofSeconds(30)));

        try (Wire client = new Wire(mock).post(CHAT, Http.chat("x", false), false)) {
            client.readHead(5_000);
        }
        assertTrue(mock.awaitAbandonedRequests(1, BOUND));
        try (Wire client = new Wire(mock).post(CHAT, Http.chat("x", false), false)) {
            assertTrue(mock.awaitActiveRequests(1, BOUND));
        }
        assertTrue(mock.awaitAbandonedRequests(2, BOUND), "a client leaving during the delay is seen at once");
        assertTrue(mock.awaitOpenConnections(0, BOUND));
        assertTrue(mock.await(() -> mock.activeRequests() == 0, BOUND));
    }

    @Test
    void missingFieldsIsValidJsonWithoutTheNeededFields() throws JsonProcessingException {
        mock.setDefault(MockBehavior.missingFields());

        HttpResponse<String> chat = post(mock, CHAT, Http.chat("x", false));
        HttpResponse<String> embeddings = post(mock, "/v1/embeddings", "{\"model\":\"e\",\"input\":\"x\"}");
        HttpResponse<String> models = Http.get(mock, "/v1/models");
        HttpResponse<String> stream = post(mock, CHAT, Http.chat("x", true));

        for (HttpResponse<String> res : List.of(chat, embeddings, models, stream)) {
            assertEquals(200, res.statusCode(), res.body());
        }
        JsonNode completion = Http.MAPPER.readTree(chat.body());
        assertEquals("chat.completion", completion.path("object").asText());
        assertEquals("gpt-4o-mini", completion.path("model").asText());
        assertFalse(completion.has("choices"));
        assertFalse(completion.has("usage"));
        assertEquals("{\"object\":\"list\",\"model\":\"e\"}", Http.MAPPER.readTree(embeddings.body()).toString());
        assertEquals("{\"object\":\"list\"}", Http.MAPPER.readTree(models.body()).toString());
        assertEquals(List.of("{\"object\":\"chat.completion.chunk\"}", "[DONE]"), events(stream.body()));
    }

    @Test
    void normalAnswersAreNotAbandonedAndConnectionsAreCounted() {
        for (int i = 0; i < 30; i++) {
            assertEquals(200, post(mock, CHAT, Http.chat("x", i % 2 == 0)).statusCode());
        }
        for (int i = 0; i < 10; i++) {
            try (Wire client = new Wire(mock).post(CHAT, Http.chat("x", true), false)) {
                assertTrue(client.readUntil("\r\n0\r\n\r\n", 5_000).bytes().contains("[DONE]"));
            }
        }
        try (Wire a = new Wire(mock); Wire b = new Wire(mock)) {
            assertTrue(mock.await(() -> mock.openConnections() >= 2, BOUND), "two idle connections, at least");
        }
        assertEquals(0, mock.abandonedRequests());
        assertTrue(mock.awaitOpenConnections(1, BOUND), "the JDK client may keep one pooled connection");
    }

    @Test
    void countsRequestsPerPathAndServesStats() {
        post(mock, CHAT, Http.chat("x", false));
        post(mock, CHAT, Http.chat("x", true));
        Http.get(mock, "/v1/models");
        Http.get(mock, "/v1/nope?x=1");

        HttpResponse<String> stats = Http.get(mock, "/_mock/stats");

        assertEquals(2, mock.requestCount(CHAT));
        assertEquals(1, mock.requestCount("/v1/nope"));
        assertEquals(0, mock.requestCount("/v1/embeddings"));
        assertEquals(4, mock.requestCount(), "the stats request is not counted");
        assertEquals(List.of("/v1/chat/completions", "/v1/models", "/v1/nope"), List.copyOf(mock.requestCounts()
                .keySet()));
        assertEquals(200, stats.statusCode());
        JsonNode s = json(stats.body());
        assertEquals(4, s.path("requests").asLong());
        assertEquals(2, s.path("requests_by_path").path(CHAT).asLong());
        assertTrue(s.path("open_connections").asInt() >= 1, stats.body());
        assertEquals(0, s.path("abandoned_requests").asLong());
        assertEquals(0, s.path("active_requests").asInt());
    }
}
