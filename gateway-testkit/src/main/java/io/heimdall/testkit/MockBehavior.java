package io.heimdall.testkit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A one-shot behaviour of {@link MockOpenAiServer}: queued with {@link MockOpenAiServer#enqueue}, it is consumed by the
 * next request to a known endpoint ({@code /v1/chat/completions}, {@code /v1/embeddings}, {@code /v1/models}) and
 * replaces or alters the default answer for that one request. Immutable; the {@code with...} methods return copies.
 *
 * <p>Behaviours that only make sense for a stream act on the other endpoints as follows: {@link #dropMidStream}
 * sends half of the JSON body (chunked) and then closes the connection; {@link #streamError} answers 500 with the
 * same error; {@link #reply} is ignored by embeddings and models.
 */
public final class MockBehavior {
    enum Kind {
        NORMAL, ERROR, DROP, DROP_MID_STREAM, MALFORMED, STREAM_ERROR, REPLY, RAW
    }

    final Kind kind;
    final int status;
    final String type;
    final String message;
    final String param;
    final String code;
    final int afterChunks;
    final String text;
    final String contentType;
    final Duration delay;
    final Map<String, String> headers;

    private MockBehavior(Kind kind, int status, String type, String message, String param, String code,
                         int afterChunks, String text, String contentType, Duration delay,
                         Map<String, String> headers) {
        this.kind = kind;
        this.status = status;
        this.type = type;
        this.message = message;
        this.param = param;
        this.code = code;
        this.afterChunks = afterChunks;
        this.text = text;
        this.contentType = contentType;
        this.delay = delay;
        this.headers = headers;
    }

    private static MockBehavior of(Kind kind) {
        return new MockBehavior(kind, 200, null, null, null, null, -1, null, null, Duration.ZERO, Map.of());
    }

    /** The default answer (useful with {@link #delayed}). */
    public static MockBehavior normal() {
        return of(Kind.NORMAL);
    }

    /** The default answer after a delay. */
    public static MockBehavior delay(Duration delay) {
        return normal().delayed(delay);
    }

    /**
     * An error status with the body OpenAI sends for it, for example 400 {@code invalid_request_error}, 401
     * {@code invalid_api_key} (the request's key masked in the message), 404 {@code model_not_found}, 429
     * {@code rate_limit_exceeded} (type {@code requests}, as OpenAI sends it), 500 and 503 {@code server_error}.
     *
     * @param status a 4xx or 5xx status
     */
    public static MockBehavior status(int status) {
        checkStatus(status);
        return new MockBehavior(Kind.ERROR, status, null, null, null, null, -1, null, null, Duration.ZERO,
                Map.of());
    }

    /** {@link #status(int)} with a {@code retry-after} header in seconds. */
    public static MockBehavior status(int status, long retryAfterSeconds) {
        return status(status).withHeader("retry-after", Long.toString(retryAfterSeconds));
    }

    /** An error status with an OpenAI error body of the given type and message; {@code param} and {@code code} null. */
    public static MockBehavior error(int status, String type, String message) {
        checkStatus(status);
        return new MockBehavior(Kind.ERROR, status, Objects.requireNonNull(type, "type"),
                Objects.requireNonNull(message, "message"), null, null, -1, null, null, Duration.ZERO, Map.of());
    }

    /** An error status with an OpenAI error body of the given type, message and code. */
    public static MockBehavior error(int status, String type, String message, String code) {
        return error(status, type, message).withCode(code);
    }

    /** Closes the TCP connection after reading the request, before any response byte. */
    public static MockBehavior dropConnection() {
        return of(Kind.DROP);
    }

    /**
     * For a stream: sends the status, headers and the first {@code afterChunks} SSE events (at least one: the server
     * sends headers together with the first bytes of the body), then closes the TCP connection without ending the
     * chunked body. If the stream has fewer events, the connection is closed after the last one instead of ending the
     * body. To drop before any byte, use {@link #dropConnection()}.
     */
    public static MockBehavior dropMidStream(int afterChunks) {
        if (afterChunks < 1) {
            throw new IllegalArgumentException("afterChunks must be >= 1: " + afterChunks);
        }
        MockBehavior b = of(Kind.DROP_MID_STREAM);
        return b.copy(b.status, null, null, null, null, afterChunks, null, null);
    }

    /**
     * Status 200 with a body that is not valid JSON ({@code application/json}, cut off); for a stream, an SSE event
     * whose data is not valid JSON after the first chunk.
     */
    public static MockBehavior malformedBody() {
        return of(Kind.MALFORMED);
    }

    /**
     * For a stream: after {@code afterChunks} SSE events, sends an error event
     * {@code data: {"error":{"message":...,"type":"server_error",...}}} and ends the body (without {@code [DONE]}).
     */
    public static MockBehavior streamError(int afterChunks) {
        return streamError(afterChunks, "The server had an error while processing your request. Sorry about that!");
    }

    /** {@link #streamError(int)} with the given message. */
    public static MockBehavior streamError(int afterChunks, String message) {
        if (afterChunks < 0) {
            throw new IllegalArgumentException("afterChunks must be >= 0: " + afterChunks);
        }
        MockBehavior b = of(Kind.STREAM_ERROR);
        return b.copy(500, "server_error", Objects.requireNonNull(message, "message"), null, null, afterChunks,
                null, null);
    }

    /** Answers the next chat request with this text instead of the echo (and never with a tool call). */
    public static MockBehavior reply(String text) {
        MockBehavior b = of(Kind.REPLY);
        return b.copy(200, null, null, null, null, -1, Objects.requireNonNull(text, "text"), null);
    }

    /** Answers with exactly this status, content type and body. */
    public static MockBehavior raw(int status, String contentType, String body) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100..599: " + status);
        }
        MockBehavior b = of(Kind.RAW);
        return b.copy(status, null, null, null, null, -1, Objects.requireNonNull(body, "body"),
                Objects.requireNonNull(contentType, "contentType"));
    }

    /** The same behaviour, applied after waiting {@code value} (on top of the server's latency). */
    public MockBehavior delayed(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + value);
        }
        return new MockBehavior(kind, status, type, message, param, code, afterChunks, text, contentType, value,
                headers);
    }

    /** The same behaviour with an extra response header. */
    public MockBehavior withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new MockBehavior(kind, status, type, message, param, code, afterChunks, text, contentType, delay,
                Map.copyOf(h));
    }

    /** The same behaviour with a {@code retry-after} header, in whole seconds rounded up. */
    public MockBehavior withRetryAfter(Duration value) {
        long seconds = (value.toMillis() + 999) / 1000;
        return withHeader("retry-after", Long.toString(seconds));
    }

    /** The same error with {@code error.param} set. */
    public MockBehavior withParam(String value) {
        requireError();
        return copy(status, type, message, Objects.requireNonNull(value, "param"), code, afterChunks, text,
                contentType);
    }

    /** The same error with {@code error.code} set. */
    public MockBehavior withCode(String value) {
        requireError();
        return copy(status, type, message, param, Objects.requireNonNull(value, "code"), afterChunks, text,
                contentType);
    }

    private void requireError() {
        if (kind != Kind.ERROR && kind != Kind.STREAM_ERROR) {
            throw new IllegalStateException("only errors have a param and a code: " + this);
        }
    }

    private MockBehavior copy(int newStatus, String newType, String newMessage, String newParam, String newCode,
                              int newAfterChunks, String newText, String newContentType) {
        return new MockBehavior(kind, newStatus, newType, newMessage, newParam, newCode, newAfterChunks, newText,
                newContentType, delay, headers);
    }

    private static void checkStatus(int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("error status must be 4xx or 5xx: " + status);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MockBehavior[").append(kind);
        if (kind == Kind.ERROR || kind == Kind.RAW) {
            sb.append(' ').append(status);
        }
        if (afterChunks >= 0) {
            sb.append(" after ").append(afterChunks).append(" chunks");
        }
        if (!delay.isZero()) {
            sb.append(" delayed ").append(delay);
        }
        return sb.append(']').toString();
    }
}
