package io.heimdall.testkit.tck;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.GatewayError;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.RecordedRequest;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The headers and failures part of {@link OpenAiWireProviderContract}: the bearer key, forwarded upstream headers, and
 * the mapping of upstream failures (429, 400, 401, 5xx, dropped connections, malformed bodies, errors inside a stream)
 * and of the request deadline onto {@link io.heimdall.api.GatewayException}. Not extended directly: provider tests
 * extend {@link OpenAiWireProviderContract}.
 */
public abstract class OpenAiWireFailureContract extends OpenAiWireChatContract {
    OpenAiWireFailureContract() {
    }

    // ------------------------------------------------------------------ headers

    /** The key is sent as {@code Authorization: Bearer <key>} (or as {@link #assertKeySent} says). */
    @Test
    public void keyIsSentAsBearerToken() {
        provider().chat(chat("auth", false), call(new TestRequestContext()));
        provider().stream(chat("auth", true), call(new TestRequestContext()), chunk -> {
        });

        // Only this test's requests: a request abandoned by an earlier test may still arrive late.
        List<RecordedRequest> sent = mock().requests().stream().filter(r -> r.body().contains("auth")).toList();
        for (RecordedRequest r : sent) {
            assertKeySent(r);
        }
        assertEquals(2, sent.size());
    }

    /** Headers added with {@code RequestContext.setUpstreamHeader} reach the upstream, for chat and stream. */
    @Test
    public void upstreamHeadersAreForwarded() {
        TestRequestContext context = new TestRequestContext();
        context.setUpstreamHeader("x-tck-trace", "trace-123");
        context.setUpstreamHeader("X-Tck-Tenant", "blue");

        provider().chat(chat("headers", false), call(context));
        provider().stream(chat("headers", true), call(context), chunk -> {
        });

        List<RecordedRequest> mine = mock().requests().stream().filter(r -> r.body().contains("headers")).toList();
        assertEquals(2, mine.size());
        for (RecordedRequest sent : mine) {
            assertEquals(Optional.of("trace-123"), sent.header("x-tck-trace"), sent.toString());
            assertEquals(Optional.of("blue"), sent.header("x-tck-tenant"), sent.toString());
        }
    }

    // ------------------------------------------------------------------ failures

    /** 429 becomes status 429, type {@code rate_limit_error}, retryable, with the upstream's retry-after. */
    @Test
    public void rateLimitKeepsStatusAndRetryAfter() {
        mock().enqueue(MockBehavior.status(429, 7), MockBehavior.status(429, 3));

        GatewayError chat = failure(() -> provider().chat(chat("limited", false), call(new TestRequestContext())));
        GatewayError stream = failure(() -> provider().stream(chat("limited", true), call(new TestRequestContext()),
                chunk -> fail("no chunk expected")));

        assertEquals(429, chat.status());
        assertEquals(GatewayError.RATE_LIMIT, chat.type());
        assertTrue(chat.retryable());
        assertEquals(Optional.of(Duration.ofSeconds(7)), chat.retryAfter());
        assertEquals(429, stream.status());
        assertEquals(Optional.of(Duration.ofSeconds(3)), stream.retryAfter());
    }

    /** 400 stays 400, not retryable, with the upstream's message, param and code. */
    @Test
    public void badRequestKeepsUpstreamMessage() {
        String message = "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 7 "
                + "instead. (contract)";
        mock().enqueue(MockBehavior.error(400, "invalid_request_error", message, "decimal_above_max_value")
                .withParam("temperature"));

        GatewayError error = failure(() -> provider().chat(chat("bad", false), call(new TestRequestContext())));

        assertEquals(400, error.status());
        assertFalse(error.retryable());
        assertEquals(GatewayError.INVALID_REQUEST, error.type());
        assertTrue(error.message().contains(message), "upstream message kept: " + error.message());
        assertEquals(Optional.of("temperature"), error.param());
        assertEquals(Optional.of("decimal_above_max_value"), error.code());
    }

    /** 401 stays 401; the message (which OpenAI builds from the masked key) never shows the key. */
    @Test
    public void unauthorizedDoesNotLeakTheKey() {
        mock().enqueue(MockBehavior.status(401));

        GatewayError error = failure(() -> provider().chat(chat("who am i", false), call(new TestRequestContext())));

        assertEquals(401, error.status());
        assertFalse(error.retryable());
    }

    /** 500 and 503 keep their status and are retryable, for chat and for a stream before its first chunk. */
    @Test
    public void serverErrorsAreRetryable() {
        for (int status : new int[] {500, 503}) {
            mock().enqueue(MockBehavior.status(status), MockBehavior.status(status));

            GatewayError chat = failure(() -> provider().chat(chat("oops", false), call(new TestRequestContext())));
            GatewayError stream = failure(() -> provider().stream(chat("oops", true), call(new TestRequestContext()),
                    chunk -> fail("no chunk expected")));

            for (GatewayError error : List.of(chat, stream)) {
                assertEquals(status, error.status(), error.toString());
                assertTrue(error.retryable(), error.toString());
            }
        }
    }

    /** A connection closed before any response byte becomes 502 {@code upstream_unreachable}. */
    @Test
    public void droppedConnectionIsUpstreamUnreachable() {
        mock().enqueue(MockBehavior.dropConnection(), MockBehavior.dropConnection());

        GatewayError chat = failure(() -> provider().chat(chat("drop", false), call(new TestRequestContext())));
        GatewayError stream = failure(() -> provider().stream(chat("drop", true), call(new TestRequestContext()),
                chunk -> fail("no chunk expected")));

        for (GatewayError error : List.of(chat, stream)) {
            assertEquals(502, error.status(), error.toString());
            assertEquals(Optional.of("upstream_unreachable"), error.code(), error.toString());
            assertTrue(error.retryable());
        }
        assertEquals(2, mock().requests().stream().filter(r -> r.body().contains("drop")).count(),
                "a POST must not be silently retried by the provider");
    }

    /** A 200 whose body is not valid JSON becomes 502; so does a stream event that is not valid JSON. */
    @Test
    public void malformedBodyIsBadGateway() {
        mock().enqueue(MockBehavior.malformedBody(), MockBehavior.malformedBody());

        GatewayError chat = failure(() -> provider().chat(chat("garbled", false), call(new TestRequestContext())));
        GatewayError stream = failure(() -> provider().stream(chat("garbled", true), call(new TestRequestContext()),
                chunk -> {
                }));

        assertEquals(502, chat.status(), chat.toString());
        assertEquals(502, stream.status(), stream.toString());
    }

    /** An error event inside a stream fails it with the upstream message, after the chunks before it arrived. */
    @Test
    public void errorEventMidStreamFailsAfterEarlierChunks() {
        String message = "The server had an error while processing your request. (contract)";
        mock().enqueue(MockBehavior.streamError(3, message));
        List<ChatChunk> chunks = new ArrayList<>();

        GatewayError error = failure(() -> provider().stream(chat("one two three four", true),
                call(new TestRequestContext()), chunks::add));

        assertEquals("Echo: one", content(chunks), "chunks before the error event are delivered");
        assertTrue(error.status() >= 500, error.toString());
        assertTrue(error.message().contains(message), "upstream message kept: " + error.message());
    }

    /** A connection lost in the middle of a stream fails it with 502 after the chunks before it arrived. */
    @Test
    public void droppedStreamFailsAfterEarlierChunks() {
        mock().enqueue(MockBehavior.dropMidStream(3));
        // as in real life, the drop comes a while after the last chunk
        mock().streamChunkDelay(Duration.ofMillis(100));
        List<ChatChunk> chunks = new ArrayList<>();

        GatewayError error = failure(() -> provider().stream(chat("one two three four", true),
                call(new TestRequestContext()), chunks::add));

        assertEquals("Echo: one", content(chunks), "chunks before the drop are delivered");
        assertEquals(502, error.status(), error.toString());
    }

    /** A provider gives up at the request's deadline with 504 instead of waiting for a slow upstream. */
    @Test
    public void deadlineIsHonoured() {
        mock().enqueue(MockBehavior.delay(Duration.ofSeconds(4)));
        TestRequestContext context = new TestRequestContext().timeout(Duration.ofMillis(500));
        long start = System.nanoTime();

        GatewayError error = failure(() -> provider().chat(chat("slow", false), call(context)));

        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, error.status(), error.toString());
        assertTrue(millis < 3_000, "gave up after " + millis + " ms, deadline was 500 ms");
    }
}
