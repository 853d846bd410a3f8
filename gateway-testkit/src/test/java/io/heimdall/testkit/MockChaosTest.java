package io.heimdall.testkit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.heimdall.testkit.Http.get;
import static io.heimdall.testkit.Http.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The persistent modes: a default behaviour for every request, and seeded chaos. */
@Timeout(60)
class MockChaosTest {
    private static final String CHAT = "/v1/chat/completions";
    private static MockOpenAiServer mock;

    @BeforeAll
    static void start() {
        mock = MockOpenAiServer.builder().recordLimit(0).start();
    }

    @AfterAll
    static void stop() {
        mock.close();
    }

    @BeforeEach
    void reset() {
        mock.reset();
    }

    private static List<Integer> statuses(int n) {
        List<Integer> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(get(mock, "/v1/models").statusCode());
        }
        return out;
    }

    @Test
    void chaosFailsTheRequestedShareForAFixedSeed() {
        mock.setChaos(0.3, MockBehavior.status(500), 42);

        List<Integer> seen = statuses(1000);

        long failed = seen.stream().filter(s -> s == 500).count();
        assertEquals(1000, failed + seen.stream().filter(s -> s == 200).count(), "only 200 and 500");
        assertTrue(failed >= 250 && failed <= 350, "about 30% failed: " + failed);
    }

    @Test
    void chaosIsDeterministicForASeedAndRequestOrder() {
        mock.setChaos(0.5, MockBehavior.status(503), 7);
        List<Integer> first = statuses(64);
        mock.setChaos(0.5, MockBehavior.status(503), 7);
        List<Integer> again = statuses(64);
        mock.setChaos(0.5, MockBehavior.status(503), 8);
        List<Integer> otherSeed = statuses(64);

        assertEquals(first, again);
        assertNotEquals(first, otherSeed);
        assertTrue(first.contains(503) && first.contains(200), first.toString());
    }

    @Test
    void chaosExtremesAndClear() {
        mock.setChaos(0, MockBehavior.status(500), 1);
        assertTrue(statuses(20).stream().allMatch(s -> s == 200));
        mock.setChaos(1, MockBehavior.status(429, 3), 1);
        HttpResponse<String> failed = post(mock, CHAT, Http.chat("x", false));
        assertEquals(429, failed.statusCode());
        assertEquals(Optional.of("3"), failed.headers().firstValue("retry-after"));
        assertTrue(statuses(20).stream().allMatch(s -> s == 429));

        mock.clearChaos();

        assertTrue(statuses(5).stream().allMatch(s -> s == 200));
        assertThrows(IllegalArgumentException.class, () -> mock.setChaos(1.01, MockBehavior.status(500), 1));
        assertThrows(IllegalArgumentException.class, () -> mock.setChaos(Double.NaN, MockBehavior.status(500), 1));
    }

    @Test
    void defaultAppliesToEveryRequestUntilReplaced() {
        mock.setDefault(MockBehavior.status(503, 2));

        for (int i = 0; i < 3; i++) {
            HttpResponse<String> res = post(mock, CHAT, Http.chat("x", false));
            assertEquals(503, res.statusCode());
            assertEquals(Optional.of("2"), res.headers().firstValue("retry-after"));
        }
        assertEquals(404, get(mock, "/v1/nope").statusCode(), "unknown paths still answer 404");

        mock.setDefault(MockBehavior.normal());

        assertEquals(200, post(mock, CHAT, Http.chat("x", false)).statusCode());
        mock.setDefault(MockBehavior.reply("fixed"));
        assertEquals("fixed", Http.json(post(mock, CHAT, Http.chat("x", false)).body()).path("choices").get(0)
                .path("message").path("content").asText());
        mock.reset();
        assertEquals("Echo: x", Http.json(post(mock, CHAT, Http.chat("x", false)).body()).path("choices").get(0)
                .path("message").path("content").asText(), "reset() clears the default");
    }

    @Test
    void queuedBeatsChaosBeatsDefault() {
        mock.setDefault(MockBehavior.status(400));
        mock.setChaos(1, MockBehavior.status(502), 0);
        mock.enqueue(MockBehavior.status(401));

        assertEquals(401, post(mock, CHAT, Http.chat("x", false)).statusCode());
        assertEquals(502, post(mock, CHAT, Http.chat("x", false)).statusCode());
        mock.clearChaos();
        assertEquals(400, post(mock, CHAT, Http.chat("x", false)).statusCode());
    }

    @Test
    void withoutTrackingTheMockListensItselfAndRefusesResets() {
        try (MockOpenAiServer plain = MockOpenAiServer.builder().trackConnections(false).start()) {
            assertEquals(false, plain.tracksConnections());
            assertEquals(200, post(plain, CHAT, Http.chat("x", true)).statusCode());
            assertEquals(1, plain.requestCount(CHAT));
            assertThrows(IllegalStateException.class, plain::openConnections);
            assertThrows(IllegalStateException.class, plain::abandonedRequests);
            assertThrows(IllegalStateException.class, () -> plain.enqueue(MockBehavior.resetBeforeHeaders()));
            assertThrows(IllegalStateException.class, () -> plain.setDefault(MockBehavior.resetMidStream(1)));
            assertThrows(IllegalStateException.class, () -> plain.setChaos(0.5, MockBehavior.resetBeforeHeaders(),
                    1));
            assertEquals(0, plain.pendingBehaviors());

            plain.enqueue(MockBehavior.hang());
            Wire client = new Wire(plain).post(CHAT, Http.chat("x", false), false);
            assertTrue(plain.awaitActiveRequests(1, Duration.ofSeconds(5)));
            plain.close();
            assertTrue(plain.await(() -> plain.activeRequests() == 0, Duration.ofSeconds(5)),
                    "stopping releases a hung request");
            client.close();
        }
    }
}
