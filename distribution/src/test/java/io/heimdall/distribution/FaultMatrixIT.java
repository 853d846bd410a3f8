package io.heimdall.distribution;

import static io.heimdall.distribution.FaultKit.assertErrorShape;
import static io.heimdall.distribution.FaultKit.assertNoCanary;
import static io.heimdall.distribution.FaultKit.assertOpenAiError;
import static io.heimdall.distribution.FaultKit.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.core.Gateway;
import io.heimdall.distribution.FaultKit.Event;
import io.heimdall.distribution.FaultKit.Reply;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.MockOpenAiServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fault matrix over real sockets: an alias with two targets, each an {@code openai-compatible} provider in front of
 * its own {@link MockOpenAiServer}. For every way the first upstream can fail, every client request is served by the
 * second, plain and streamed — except that a stream falls back only before its first byte: a failure after it ends
 * the stream with an error event in OpenAI's shape, never a silent truncation. With both upstreams failing, every
 * client gets a clean OpenAI error with the status of the failure, within its deadline.
 *
 * <p>Each failure mode has its own providers ({@code a-<mode>}, {@code b-<mode>}, {@code c-<mode>}), so a key rested
 * by a 429 or a breaker of one mode never changes another. Breakers and outlier ejection are off for these providers:
 * every request meets the failure.
 */
@Timeout(120)
class FaultMatrixIT {
    private static final String KEY_A = "sk-canary-upstream-a-5b1f0c9e";
    private static final String KEY_B = "sk-canary-upstream-b-77d2a4e1";
    private static final String CLIENT_CANARY = "sk-client-canary-3c8e55aa";
    private static final String[] CANARIES = {KEY_A, KEY_B, CLIENT_CANARY};
    private static final int PER_CASE = 3;
    /** The deadline a client asks for when both upstreams fail (x-heimdall-timeout), and the slack allowed on it. */
    private static final int BOTH_DEADLINE_S = 3;
    private static final long SLACK_MS = 1500;

    /** How the first upstream fails; {@code refused} points at a closed port instead of a mock. */
    enum Mode {
        STATUS_500(MockBehavior.status(500), false, 500),
        STATUS_503(MockBehavior.status(503), false, 503),
        STATUS_429(MockBehavior.status(429, 1), false, 429),
        HANG(MockBehavior.hang(), false, 504),
        REFUSED(null, false, 502),
        DROP(MockBehavior.dropConnection(), false, 502),
        RESET_BEFORE_HEADERS(MockBehavior.resetBeforeHeaders(), false, 502),
        RESET_MID_STREAM(MockBehavior.resetMidStream(1), true, 502),
        MALFORMED_200(MockBehavior.malformedBody(), true, 502),
        TRICKLE_BEYOND_IDLE(MockBehavior.trickle(Duration.ofMillis(1500)), false, 504);

        final MockBehavior behavior;
        /** Whether a stream meets this failure after its first chunk (so it cannot fall back). */
        final boolean afterFirstChunk;
        /** The status a client gets when both upstreams fail this way. */
        final int bothStatus;

        Mode(MockBehavior behavior, boolean afterFirstChunk, int bothStatus) {
            this.behavior = behavior;
            this.afterFirstChunk = afterFirstChunk;
            this.bothStatus = bothStatus;
        }

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

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
        int closedA = FaultKit.closedPort();
        int closedC = FaultKit.closedPort();
        StringBuilder yaml = new StringBuilder("""
                server: { host: 127.0.0.1, port: 0 }
                routing:
                  retries: { max: 1, initial-backoff: 20ms, max-backoff: 50ms }
                  timeouts: { first-byte: 1s, idle: 1s, total: 20s }
                providers:
                  single: { type: openai-compatible, base-url: "%s", keys: [ "${env:KEY_A}" ] }
                """.formatted(mockA.baseUrl()));
        StringBuilder models = new StringBuilder("models:\n");
        String noBreakers = "routing: { circuit-breaker: { enabled: false }, outlier-ejection: { enabled: false } }";
        for (Mode m : Mode.values()) {
            String a = m == Mode.REFUSED ? "http://127.0.0.1:" + closedA + "/v1" : mockA.baseUrl();
            String c = m == Mode.REFUSED ? "http://127.0.0.1:" + closedC + "/v1" : mockB.baseUrl();
            yaml.append("""
                      a-%1$s: { type: openai-compatible, base-url: "%2$s", keys: [ "${env:KEY_A}" ], %5$s }
                      b-%1$s: { type: openai-compatible, base-url: "%3$s", keys: [ "${env:KEY_B}" ], %5$s }
                      c-%1$s: { type: openai-compatible, base-url: "%4$s", keys: [ "${env:KEY_B}" ], %5$s }
                    """.formatted(m.id(), a, mockB.baseUrl(), c, noBreakers));
            models.append("""
                      %1$s:
                        targets: [ { model: a-%1$s/gpt-4o-mini, priority: 0 }, { model: b-%1$s/gpt-4o-mini, priority: 1 } ]
                      both-%1$s:
                        targets: [ { model: a-%1$s/gpt-4o-mini, priority: 0 }, { model: c-%1$s/gpt-4o-mini, priority: 1 } ]
                    """.formatted(m.id()));
        }
        models.append("  single-target: { targets: [ single/gpt-4o-mini ] }\n");
        gateway = FaultKit.gateway(tmp, yaml.append(models).toString(), Map.of("KEY_A", KEY_A, "KEY_B", KEY_B));
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
        Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put("Authorization", "Bearer " + CLIENT_CANARY);
        return FaultKit.post(port, "/v1/chat/completions", chat(model, text, stream), h);
    }

    private static List<Reply> askConcurrently(String model, boolean stream, Map<String, String> headers) {
        return FaultKit.concurrently(calls(model, stream, headers));
    }

    private static List<Callable<Reply>> calls(String model, boolean stream, Map<String, String> headers) {
        List<Callable<Reply>> calls = new ArrayList<>();
        for (int i = 0; i < PER_CASE; i++) {
            String text = (stream ? "streamed " : "plain ") + "request " + i + " to " + model;
            calls.add(() -> ask(model, text, stream, headers));
        }
        return calls;
    }

    private static void failA(Mode m) {
        if (m.behavior != null) {
            mockA.setDefault(m.behavior);
        }
    }

    // ------------------------------------------------------------------------------------------ first target fails

    @ParameterizedTest(name = "{0}, plain")
    @EnumSource(Mode.class)
    void plainRequestsAreServedByTheSecondTarget(Mode m) {
        failA(m);
        List<Reply> replies = askConcurrently(m.id(), false, Map.of());
        for (int i = 0; i < replies.size(); i++) {
            Reply r = replies.get(i);
            assertEquals(200, r.status(), r::toString);
            assertEquals(Optional.of("b-" + m.id() + "/gpt-4o-mini"), r.header("x-heimdall-provider"), r::toString);
            assertEquals(MockOpenAiServer.echo("plain request " + i + " to " + m.id()), r.text());
            assertNoCanary(r, CANARIES);
        }
        assertEquals(PER_CASE, mockB.requestCount("/v1/chat/completions"), "each request served once by B");
        assertFirstTargetWasTried(m);
    }

    @ParameterizedTest(name = "{0}, stream")
    @EnumSource(Mode.class)
    void streamsFallBackBeforeTheirFirstByteAndEndWithAnErrorEventAfterIt(Mode m) {
        failA(m);
        List<Reply> replies = askConcurrently(m.id(), true, Map.of());
        for (int i = 0; i < replies.size(); i++) {
            Reply r = replies.get(i);
            assertEquals(200, r.status(), r::toString);
            assertNoCanary(r, CANARIES);
            List<Event> events = r.events();
            assertFalse(events.isEmpty(), r::toString);
            if (m.afterFirstChunk) {
                // The role chunk reached the client before the upstream failed: no fallback, an error event instead.
                assertEquals(Optional.of("a-" + m.id() + "/gpt-4o-mini"), r.header("x-heimdall-provider"));
                assertErrorEventEndsTheStream(r);
            } else {
                assertEquals(Optional.of("b-" + m.id() + "/gpt-4o-mini"), r.header("x-heimdall-provider"),
                        r::toString);
                assertEquals(MockOpenAiServer.echo("streamed request " + i + " to " + m.id()), r.text());
                assertTrue(events.getLast().isDone(), "ends with [DONE]: " + r);
                assertTrue(events.stream().noneMatch(Event::isError), r::toString);
            }
        }
        if (m.afterFirstChunk) {
            assertEquals(0, mockB.requestCount("/v1/chat/completions"), "no fallback after the first chunk");
        } else {
            assertEquals(PER_CASE, mockB.requestCount("/v1/chat/completions"), "each stream served once by B");
        }
        assertFirstTargetWasTried(m);
    }

    /** The first upstream really met each request (a rested 429 key is tried once, then skipped). */
    private static void assertFirstTargetWasTried(Mode m) {
        long a = mockA.requestCount("/v1/chat/completions");
        switch (m) {
            case REFUSED -> assertEquals(0, a);
            case STATUS_429 -> assertTrue(a >= 1 && a <= PER_CASE, "429 rests the key: " + a);
            default -> assertTrue(a >= PER_CASE, "every request tried A first: " + a);
        }
    }

    /** The stream's last event is an OpenAI error object, with no [DONE]: the client can tell it was cut short. */
    private static void assertErrorEventEndsTheStream(Reply r) {
        List<Event> events = r.events();
        assertTrue(events.size() >= 2, "at least one chunk and the error event: " + r);
        Event last = events.getLast();
        assertTrue(last.isError(), "the last event is an error: " + r);
        assertTrue(events.stream().noneMatch(Event::isDone), "no [DONE] after an error: " + r);
        try {
            JsonNode error = assertErrorShape(FaultKit.JSON.readTree(last.data()), r.toString());
            assertEquals("api_error", error.path("type").asText(), error::toString);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------------------------------ both targets fail

    @ParameterizedTest(name = "{0}, both failing")
    @EnumSource(Mode.class)
    void withBothTargetsFailingEveryClientGetsACleanErrorWithinItsDeadline(Mode m) {
        failA(m);
        if (m.behavior != null) {
            mockB.setDefault(m.behavior);
        }
        Map<String, String> deadline = Map.of("x-heimdall-timeout", Integer.toString(BOTH_DEADLINE_S));
        List<Callable<Reply>> calls = new ArrayList<>(calls("both-" + m.id(), false, deadline));
        calls.addAll(calls("both-" + m.id(), true, deadline));
        List<Reply> replies = FaultKit.concurrently(calls);
        for (Reply r : replies) {
            assertTrue(r.elapsedMillis() < BOTH_DEADLINE_S * 1000L + SLACK_MS, "within the deadline: " + r);
            assertNoCanary(r, CANARIES);
            if (m.afterFirstChunk && !r.events().isEmpty()) {
                assertErrorEventEndsTheStream(r);
                continue;
            }
            JsonNode error = assertOpenAiError(r, m.bothStatus);
            if (m == Mode.STATUS_429) {
                assertTrue(r.header("retry-after").isPresent(), "a 429 says when to retry: " + r);
            }
            System.out.printf("both %s -> %d %s%n", m.id(), r.status(), error);
        }
    }

    // ------------------------------------------------------------------------------------------ mid-stream failure

    @Test
    void aStreamResetAfterTwoChunksEndsWithAnErrorEventNotASilentTruncation() {
        mockA.enqueue(MockBehavior.resetMidStream(2));
        Reply r = ask("single-target", "four words to stream", true, Map.of());
        assertEquals(200, r.status(), r::toString);
        assertNoCanary(r, CANARIES);
        List<Event> events = r.events();
        assertEquals(3, events.size(), "the two chunks the upstream sent, then the error event: " + r);
        assertErrorEventEndsTheStream(r);
        assertEquals(Optional.of("single/gpt-4o-mini"), r.header("x-heimdall-provider"));
        assertEquals(1, mockA.requestCount("/v1/chat/completions"), "no retry once a chunk was sent");
        String full = MockOpenAiServer.echo("four words to stream");
        assertTrue(full.startsWith(r.text()) && r.text().length() < full.length(), "a prefix of the answer: " + r);
    }
}
