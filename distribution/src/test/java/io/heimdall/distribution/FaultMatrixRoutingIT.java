package io.heimdall.distribution;

import static io.heimdall.distribution.FaultKit.assertNoCanary;
import static io.heimdall.distribution.FaultKit.assertOpenAiError;
import static io.heimdall.distribution.FaultKit.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heimdall.core.Gateway;
import io.heimdall.distribution.FaultKit.Reply;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.RecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What routing remembers about a failing target, and what crosses the gateway in each direction. A 429 with
 * {@code retry-after} rests the key for exactly that long (no request reaches it meanwhile, then it serves again); a
 * hanging target's breaker opens, after which requests stop paying its timeout. The client's credentials never reach
 * the upstream (which gets the provider's own key), the client's {@code x-request-id} does, and the upstream's rate
 * limit headers and request id come back to the client.
 */
@Timeout(60)
class FaultMatrixRoutingIT {
    private static final String KEY_A = "sk-canary-routing-a-1d9f3b";
    private static final String KEY_B = "sk-canary-routing-b-e08c47";
    private static final String CLIENT_CANARY = "sk-client-canary-0a7b6c";
    private static final String[] CANARIES = {KEY_A, KEY_B, CLIENT_CANARY};
    private static final String PATH = "/v1/chat/completions";

    @TempDir
    static Path tmp;

    static MockOpenAiServer mockA;
    static MockOpenAiServer mockB;
    static Gateway gateway;
    static int port;

    @BeforeAll
    static void start() {
        mockA = MockOpenAiServer.start();
        mockB = MockOpenAiServer.start();
        gateway = FaultKit.gateway(tmp, """
                server: { host: 127.0.0.1, port: 0 }
                routing:
                  retries: { max: 2, initial-backoff: 20ms, max-backoff: 50ms }
                  timeouts: { total: 10s, max-client: 30s }
                providers:
                  limited: { type: openai-compatible, base-url: "%1$s", keys: [ "${env:KEY_A}" ] }
                  hanging:
                    type: openai-compatible
                    base-url: "%1$s"
                    keys: [ "${env:KEY_A}" ]
                    routing:
                      retries: { max: 0 }
                      timeouts: { first-byte: 1500ms, idle: 1500ms }
                      circuit-breaker: { consecutive-failures: 2, open-for: 60s }
                      outlier-ejection: { enabled: false }
                  plain: { type: openai-compatible, base-url: "%1$s", keys: [ "${env:KEY_A}" ] }
                  hurried: { type: openai-compatible, base-url: "%1$s", keys: [ "${env:KEY_A}" ] }
                  first: { type: openai-compatible, base-url: "%1$s", keys: [ "${env:KEY_A}" ] }
                  first-byte-only:
                    type: openai-compatible
                    base-url: "%1$s"
                    keys: [ "${env:KEY_A}" ]
                    routing: { retries: { max: 0 }, timeouts: { first-byte: 1s } }
                  idle-only:
                    type: openai-compatible
                    base-url: "%1$s"
                    keys: [ "${env:KEY_A}" ]
                    routing: { retries: { max: 0 }, timeouts: { idle: 1s } }
                  b: { type: openai-compatible, base-url: "%2$s", keys: [ "${env:KEY_B}" ] }
                models:
                  rate-limited: { targets: [ { model: limited/gpt-4o-mini, priority: 0 }, { model: b/gpt-4o-mini, priority: 1 } ] }
                  breaker: { targets: [ { model: hanging/gpt-4o-mini, priority: 0 }, { model: b/gpt-4o-mini, priority: 1 } ] }
                  first-byte: { targets: [ { model: first-byte-only/gpt-4o-mini, priority: 0 }, { model: b/gpt-4o-mini, priority: 1 } ] }
                  pair: { targets: [ { model: first/gpt-4o-mini, priority: 0 }, { model: b/gpt-4o-mini, priority: 1 } ] }
                """.formatted(mockA.baseUrl(), mockB.baseUrl()), Map.of("KEY_A", KEY_A, "KEY_B", KEY_B));
        port = gateway.port();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        for (MockOpenAiServer m : new MockOpenAiServer[]{mockA, mockB}) {
            if (m != null) {
                m.close();
            }
        }
    }

    @AfterEach
    void resetMocks() {
        mockA.reset();
        mockB.reset();
    }

    private static Reply ask(String model, String text, boolean stream, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.putIfAbsent("Authorization", "Bearer " + CLIENT_CANARY);
        Reply r = FaultKit.post(port, PATH, chat(model, text, stream), h);
        assertNoCanary(r, CANARIES);
        return r;
    }

    // ------------------------------------------------------------------------------ C3: what a failure rests

    @Test
    void a429WithRetryAfterRestsTheKeyForExactlyThatLong() throws InterruptedException {
        mockA.setDefault(MockBehavior.status(429, 5));
        Reply first = ask("rate-limited", "first", false, Map.of());
        long limitedAt = System.nanoTime();
        assertEquals(200, first.status(), first::toString);
        assertEquals(Optional.of("b/gpt-4o-mini"), first.header("x-heimdall-provider"));
        assertEquals(1, mockA.requestCount(PATH), "a 429 is not retried on the same key");

        // For the next 4 s (inside the 5 s rest) requests, plain and streamed, never reach A and are served by B.
        int sent = 0;
        while (System.nanoTime() - limitedAt < 4_000_000_000L) {
            boolean stream = sent % 2 == 1;
            Reply r = ask("rate-limited", "while resting " + sent, stream, Map.of());
            assertEquals(200, r.status(), r::toString);
            assertEquals(Optional.of("b/gpt-4o-mini"), r.header("x-heimdall-provider"), r::toString);
            assertEquals(MockOpenAiServer.echo("while resting " + sent), r.text());
            sent++;
            Thread.sleep(250);
        }
        assertTrue(sent >= 5, "requests sent during the rest: " + sent);
        assertEquals(1, mockA.requestCount(PATH), "no request reached the resting key");

        // After the 5 s the key serves again.
        mockA.setDefault(MockBehavior.normal());
        long wait = 5_300_000_000L - (System.nanoTime() - limitedAt);
        Thread.sleep(Math.max(0, wait / 1_000_000));
        Reply after = ask("rate-limited", "after the rest", false, Map.of());
        assertEquals(200, after.status(), after::toString);
        assertEquals(Optional.of("limited/gpt-4o-mini"), after.header("x-heimdall-provider"), after::toString);
        assertEquals(2, mockA.requestCount(PATH));
    }

    @Test
    void onceAHangingTargetsBreakerOpensRequestsStopPayingItsTimeout() {
        mockA.setDefault(MockBehavior.hang());
        // consecutive-failures: 2 -> the first two requests each wait out the 1.5 s first-byte timeout of A.
        for (int i = 0; i < 2; i++) {
            Reply r = ask("breaker", "pays the timeout " + i, false, Map.of());
            assertEquals(200, r.status(), r::toString);
            assertEquals(Optional.of("b/gpt-4o-mini"), r.header("x-heimdall-provider"));
            assertTrue(r.elapsedMillis() >= 1_400, "waited for A's first-byte timeout: " + r.elapsedMillis());
        }
        assertEquals(2, mockA.requestCount(PATH));
        List<Long> later = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Reply r = ask("breaker", "skips A " + i, i % 2 == 1, Map.of());
            assertEquals(200, r.status(), r::toString);
            assertEquals(Optional.of("b/gpt-4o-mini"), r.header("x-heimdall-provider"));
            later.add(r.elapsedMillis());
        }
        System.out.println("after the breaker opened (ms): " + later);
        assertEquals(2, mockA.requestCount(PATH), "the open breaker keeps requests away from A");
        // Paying A's timeout takes at least 1.5 s; a request served by B at once takes milliseconds (slack for a busy
        // machine in between).
        assertTrue(later.stream().allMatch(ms -> ms < 1_400), "no later request waited for A's timeout: " + later);
    }

    // ------------------------------------------------------------------------------ c: what crosses the gateway

    @Test
    void theClientsCredentialsNeverReachTheUpstreamButItsRequestIdDoes() {
        Map<String, String> hostile = new LinkedHashMap<>();
        hostile.put("Authorization", "Bearer " + CLIENT_CANARY);
        hostile.put("api-key", CLIENT_CANARY);
        hostile.put("x-api-key", CLIENT_CANARY);
        hostile.put("Proxy-Authorization", "Basic " + CLIENT_CANARY);
        hostile.put("Cookie", "session=" + CLIENT_CANARY);
        hostile.put("x-goog-api-key", CLIENT_CANARY);
        hostile.put("anthropic-api-key", CLIENT_CANARY);
        for (boolean stream : new boolean[]{false, true}) {
            mockA.reset();
            Map<String, String> h = new LinkedHashMap<>(hostile);
            h.put("x-request-id", "req-client-" + stream);
            Reply r = ask("plain/gpt-4o-mini", "who am I", stream, h);
            assertEquals(200, r.status(), r::toString);
            assertEquals(Optional.of("req-client-" + stream), r.header("x-request-id"));
            RecordedRequest sent = mockA.lastRequest().orElseThrow();
            assertEquals(Optional.of("Bearer " + KEY_A), sent.header("authorization"), "the provider's own key");
            assertEquals(Optional.of("req-client-" + stream), sent.header("x-request-id"));
            sent.headers().forEach((name, values) -> values.forEach(v -> assertFalse(v.contains(CLIENT_CANARY),
                    "the client's credential reached the upstream in " + name)));
            assertFalse(sent.body().contains(CLIENT_CANARY), "in the upstream body");
        }
    }

    @Test
    void upstreamRateLimitHeadersAndRequestIdReachTheClientFromTheTargetThatServed() {
        for (boolean stream : new boolean[]{false, true}) {
            mockA.setDefault(MockBehavior.status(503).withHeader("x-ratelimit-remaining-requests", "0")
                    .withHeader("x-request-id", "req-upstream-a-failed"));
            mockB.setDefault(MockBehavior.normal().withHeader("x-ratelimit-remaining-requests", "4999")
                    .withHeader("x-ratelimit-limit-tokens", "150000")
                    .withHeader("x-ratelimit-reset-requests", "12ms")
                    .withHeader("x-request-id", "req-upstream-b-" + stream));
            Reply r = ask("pair", "rate limits please", stream, Map.of());
            assertEquals(200, r.status(), r::toString);
            assertEquals(Optional.of("b/gpt-4o-mini"), r.header("x-heimdall-provider"));
            assertEquals(Optional.of("4999"), r.header("x-ratelimit-remaining-requests"), r::toString);
            assertEquals(Optional.of("150000"), r.header("x-ratelimit-limit-tokens"), r::toString);
            assertEquals(Optional.of("12ms"), r.header("x-ratelimit-reset-requests"), r::toString);
            assertEquals(Optional.of("req-upstream-b-" + stream), r.header("x-upstream-request-id"), r::toString);
            assertTrue(mockA.requestCount(PATH) >= 1, "A was tried first");
            mockA.reset();
            mockB.reset();
        }
    }

    // ------------------------------------------------------------------------------ the client's deadline

    @Test
    void aClientsShorterDeadlineIsKept() {
        mockA.latency(Duration.ofMillis(1500));
        Reply r = FaultKit.post(port, PATH, chat("hurried/gpt-4o-mini", "in a hurry", false),
                Map.of("x-heimdall-timeout", "0.5"));
        assertOpenAiError(r, 504);
        assertNoCanary(r, CANARIES);
        assertTrue(r.elapsedMillis() < 1_300, "504 at the client's 0.5 s: " + r.elapsedMillis() + " ms");
    }

    /**
     * docs/routing.md: {@code x-heimdall-timeout} "replaces total for that request and is capped at max-client, so a
     * client can ask for less or (up to the cap) more time than the default" (its example: total 20s, max-client 1h,
     * {@code x-heimdall-timeout: 1800} "may take up to 30 minutes"). Here total is 1s and max-client 10s; a client
     * asking for 8 s of a 1.5 s upstream must be served.
     */
    @Test
    void aClientMayAskForMoreTimeThanTotalUpToMaxClient(@TempDir Path dir) {
        mockA.latency(Duration.ofMillis(1500));
        try (Gateway g = FaultKit.gateway(dir, """
                server: { host: 127.0.0.1, port: 0 }
                routing: { timeouts: { total: 1s, max-client: 10s } }
                providers:
                  plain: { type: openai-compatible, base-url: "%s", keys: [ "${env:KEY_A}" ] }
                """.formatted(mockA.baseUrl()), Map.of("KEY_A", KEY_A))) {
            Reply r = FaultKit.post(g.port(), PATH, chat("plain/gpt-4o-mini", "take your time", false),
                    Map.of("x-heimdall-timeout", "8"));
            assertEquals(200, r.status(), r::toString);
            assertNoCanary(r, CANARIES);
            assertEquals(MockOpenAiServer.echo("take your time"), r.text());
            Reply without = FaultKit.post(g.port(), PATH, chat("plain/gpt-4o-mini", "default deadline", false),
                    Map.of());
            assertOpenAiError(without, 504);
        }
    }

    // ------------------------------------------------------------------------------ first-byte and idle apart

    /**
     * docs/routing.md: {@code first-byte} bounds "waiting for the upstream's response headers", {@code idle} "the gap
     * between two chunks of a stream". Here only {@code first-byte: 1s} is set (idle keeps its 60 s default): a
     * hanging first target must be given up after about 1 s and the request served by the second.
     */
    @Test
    void aFirstByteTimeoutAloneBoundsTheWaitForHeaders() {
        mockA.setDefault(MockBehavior.hang());
        Reply r = ask("first-byte", "headers please", false, Map.of("x-heimdall-timeout", "6"));
        System.out.printf("first-byte 1s, idle 60s, hanging upstream: %d after %d ms%n", r.status(), r.elapsedMillis());
        assertEquals(200, r.status(), r::toString);
        assertEquals(Optional.of("b/gpt-4o-mini"), r.header("x-heimdall-provider"), r::toString);
        assertTrue(r.elapsedMillis() < 2_500, "gave up on A after its 1 s first-byte timeout: " + r.elapsedMillis());
    }

    /** Only {@code idle: 1s} is set (first-byte keeps 60 s): a stream pausing 3 s between chunks must be cut. */
    @Test
    void anIdleTimeoutAloneBoundsTheGapBetweenChunks() {
        mockA.streamChunkDelay(Duration.ofSeconds(3));
        Reply r = ask("idle-only/gpt-4o-mini", "three slow words", true, Map.of("x-heimdall-timeout", "8"));
        System.out.printf("idle 1s, first-byte 60s, 3 s gaps: %s%n", r.events());
        assertEquals(200, r.status(), r::toString);
        FaultKit.Event last = r.events().getLast();
        assertTrue(last.isError(), "the stream is cut with an error event: " + r);
        assertTrue(last.atMillis() < 2_500, "about 1 s after the first chunk: " + last.atMillis() + " ms");
    }
}
