package io.heimdall.distribution;

import static io.heimdall.distribution.SdkGateway.OA_KEY;
import static io.heimdall.distribution.SdkGateway.UPSTREAM_KEY;
import static io.heimdall.distribution.SdkGateway.chat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.RecordedRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Java SDK as the client of an in-process gateway ({@link SdkGateway}) when things go wrong: an
 * alias falling back to its second target on a 503 or a dropped connection, and the SDK's exception classes for 429
 * (with {@code retry-after}), 404, 400 and an error event in the middle of a stream. Successful calls:
 * {@link OpenAiJavaClientIT}.
 */
@Timeout(60)
class OpenAiJavaClientErrorsIT {
    @TempDir
    static Path tmp;

    static SdkGateway gw;

    @BeforeAll
    static void start() throws Exception {
        gw = SdkGateway.start(tmp);
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @BeforeEach
    void resetMock() {
        gw.mock.reset();
    }

    // ------------------------------------------------------------------------------------------------ fallback

    @Test
    void aliasFallsBackToItsSecondTargetWhenTheFirstAnswers503() {
        gw.mock.enqueue(MockBehavior.status(503));
        try (HttpResponseFor<ChatCompletion> raw = gw.client.chat().completions().withRawResponse()
                .create(chat("fast", "fall back please"))) {
            assertEquals(200, raw.statusCode());
            assertEquals(List.of("oa/gpt-4o"), raw.headers().values("x-heimdall-provider"));
            ChatCompletion completion = raw.parse();
            assertEquals(Optional.of("Echo: fall back please"), completion.choices().getFirst().message().content());
            assertEquals("gpt-4o", completion.model());
        }
        List<RecordedRequest> sent = gw.chatRequests();
        assertEquals(2, sent.size(), "one attempt per target");
        assertEquals(Optional.of("gpt-4o-mini"), sent.get(0).jsonValue("/model"));
        assertEquals(Optional.of("Bearer " + UPSTREAM_KEY), sent.get(0).header("authorization"));
        assertEquals(Optional.of("gpt-4o"), sent.get(1).jsonValue("/model"));
        assertEquals(Optional.of("Bearer " + OA_KEY), sent.get(1).header("authorization"));
    }

    @Test
    void aliasFallsBackWhenTheFirstTargetDropsTheConnectionAndForStreams() {
        gw.mock.enqueue(MockBehavior.dropConnection());
        ChatCompletion completion = gw.client.chat().completions().create(chat("fast", "connection dropped"));
        assertEquals(Optional.of("Echo: connection dropped"), completion.choices().getFirst().message().content());
        assertEquals("gpt-4o", completion.model());

        gw.mock.reset();
        gw.mock.enqueue(MockBehavior.status(503));
        String text;
        try (StreamResponse<ChatCompletionChunk> stream = gw.client.chat().completions()
                .createStreaming(chat("fast", "stream falls back"))) {
            text = stream.stream().flatMap(c -> c.choices().stream())
                    .map(ch -> ch.delta().content().orElse("")).collect(Collectors.joining());
        }
        assertEquals("Echo: stream falls back", text);
        assertEquals(List.of(Optional.of("gpt-4o-mini"), Optional.of("gpt-4o")),
                gw.chatRequests().stream().map(r -> r.jsonValue("/model")).toList());
    }

    // ------------------------------------------------------------------------------------------------ errors

    @Test
    void upstream429IsARateLimitExceptionWithRetryAfter() {
        gw.mock.enqueue(MockBehavior.status(429, 3));
        RateLimitException e = assertThrows(RateLimitException.class,
                () -> gw.client.chat().completions().create(chat("limited/gpt-4o-mini", "too fast")));
        assertEquals(429, e.statusCode());
        assertEquals(List.of("3"), e.headers().values("retry-after"));
        assertFalse(e.headers().values("x-request-id").isEmpty(), "x-request-id on errors too");
        assertEquals(Optional.of("rate_limit_exceeded"), e.code());
        assertEquals(Optional.of("rate_limit_error"), e.type());
        assertEquals(1, gw.chatRequests().size(), "no retry behind the client's back");
    }

    @Test
    void streamingRequestGets429BeforeTheFirstByte() {
        gw.mock.enqueue(MockBehavior.status(429, 5));
        RateLimitException e = assertThrows(RateLimitException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = gw.client.chat().completions()
                    .createStreaming(chat("limited-stream/gpt-4o-mini", "stream too fast"))) {
                stream.stream().forEach(c -> { });
            }
        });
        assertEquals(429, e.statusCode());
        assertEquals(List.of("5"), e.headers().values("retry-after"));
    }

    @Test
    void unknownModelIsNotFound() {
        NotFoundException alias = assertThrows(NotFoundException.class,
                () -> gw.client.chat().completions().create(chat("no-such-alias", "x")));
        assertEquals(404, alias.statusCode());
        assertEquals(Optional.of("model"), alias.param());
        NotFoundException provider = assertThrows(NotFoundException.class,
                () -> gw.client.chat().completions().create(chat("ghost/gpt-4o", "x")));
        assertEquals(404, provider.statusCode());
        assertTrue(gw.chatRequests().isEmpty(), "nothing reached the upstream");
    }

    @Test
    void upstream400IsABadRequestWithTheUpstreamMessageAndIsNotRetried() {
        String message = "Invalid value for 'temperature': decimal above maximum value.";
        gw.mock.enqueue(MockBehavior.error(400, "invalid_request_error", message)
                .withParam("temperature").withCode("decimal_above_max_value"));
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> gw.client.chat().completions().create(chat("fast", "bad temperature")));
        assertEquals(400, e.statusCode());
        assertTrue(String.valueOf(e.getMessage()).contains(message), () -> "upstream message lost: " + e.getMessage());
        assertTrue(e.body().toString().contains(message), () -> "error body: " + e.body());
        assertEquals(Optional.of("temperature"), e.param());
        assertEquals(Optional.of("decimal_above_max_value"), e.code());
        assertEquals(Optional.of("invalid_request_error"), e.type());
        assertEquals(1, gw.chatRequests().size(), "a 400 is not retryable: the alias's second target is not tried");
    }

    @Test
    void errorAfterTheFirstChunkEndsTheStreamWithAnErrorTheSdkUnderstands() {
        gw.mock.enqueue(MockBehavior.streamError(2, "upstream fell over mid-stream"));
        StringBuilder text = new StringBuilder();
        OpenAIServiceException e = assertThrows(SseException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = gw.client.chat().completions()
                    .createStreaming(chat("fast", "one two three four five six"))) {
                stream.stream().forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            }
        });
        assertTrue(String.valueOf(e.getMessage()).contains("upstream fell over mid-stream"),
                () -> e.getMessage() + " / " + e.body());
        assertNotEquals("", text.toString(), "chunks before the error were delivered");
        assertEquals(1, gw.chatRequests().size(), "no fallback after the first chunk reached the client");
    }
}
