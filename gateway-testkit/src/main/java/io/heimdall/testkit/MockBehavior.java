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
 * sends half of the JSON body (chunked) and then closes the connection; {@link #resetMidStream} does the same with
 * an RST; {@link #streamError} answers 500 with the same error; {@link #reply} is ignored by embeddings and models.
 *
 * <p>Faults by where they strike: before the status line {@link #delay} ({@link #slowHeaders}), {@link #hang},
 * {@link #dropConnection} (FIN), {@link #resetBeforeHeaders} (RST); a bad answer {@link #status}, {@link #error},
 * {@link #malformedBody} (invalid JSON), {@link #missingFields} (valid JSON, fields missing), {@link #raw}; in the
 * body {@link #trickle}, {@link #dropMidStream}, {@link #resetMidStream}, {@link #streamError}. Besides one-shot use,
 * a behaviour can be the server's {@linkplain MockOpenAiServer#setDefault default} or its
 * {@linkplain MockOpenAiServer#setChaos chaos} failure. {@link #parse} reads the command-line spelling.
 */
public final class MockBehavior {
    enum Kind {
        NORMAL, ERROR, DROP, DROP_MID_STREAM, MALFORMED, STREAM_ERROR, REPLY, RAW,
        HANG, RESET, RESET_MID_STREAM, MISSING_FIELDS, TRICKLE;

        /** Whether this behaviour needs the mock's connection tracking (an RST needs the accepted socket). */
        boolean resets() {
            return this == RESET || this == RESET_MID_STREAM;
        }
    }

    /** The piece size of {@link #trickle(Duration)}. */
    public static final int TRICKLE_PIECE_BYTES = 16;

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
    final Duration interval;
    final int pieceBytes;

    private MockBehavior(Kind kind, int status, String type, String message, String param, String code,
                         int afterChunks, String text, String contentType, Duration delay,
                         Map<String, String> headers, Duration interval, int pieceBytes) {
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
        this.interval = interval;
        this.pieceBytes = pieceBytes;
    }

    private static MockBehavior of(Kind kind) {
        return new MockBehavior(kind, 200, null, null, null, null, -1, null, null, Duration.ZERO, Map.of(),
                Duration.ZERO, 0);
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
                Map.of(), Duration.ZERO, 0);
    }

    /** {@link #status(int)} with a {@code retry-after} header in seconds. */
    public static MockBehavior status(int status, long retryAfterSeconds) {
        return status(status).withHeader("retry-after", Long.toString(retryAfterSeconds));
    }

    /** An error status with an OpenAI error body of the given type and message; {@code param} and {@code code} null. */
    public static MockBehavior error(int status, String type, String message) {
        checkStatus(status);
        return new MockBehavior(Kind.ERROR, status, Objects.requireNonNull(type, "type"),
                Objects.requireNonNull(message, "message"), null, null, -1, null, null, Duration.ZERO, Map.of(),
                Duration.ZERO, 0);
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

    /**
     * Reads the request, then never answers: no status line, no byte, until the client closes the connection or the
     * server stops. The waiting handler is a parked virtual thread. With connection tracking the client's close is
     * seen at once and counted in {@link MockOpenAiServer#abandonedRequests()}; without it the request is held until
     * the server stops.
     */
    public static MockBehavior hang() {
        return of(Kind.HANG);
    }

    /**
     * Reads the request, then resets the TCP connection ({@code SO_LINGER} 0, so the client sees an RST, "connection
     * reset", rather than an orderly close) before any response byte. Needs connection tracking.
     */
    public static MockBehavior resetBeforeHeaders() {
        return of(Kind.RESET);
    }

    /**
     * For a stream: sends the status, headers and the first {@code afterChunks} SSE events, then resets the TCP
     * connection (RST). Other responses send their status, headers and half of the JSON body, then reset. If the
     * stream has fewer events, the reset follows the last one. Needs connection tracking.
     */
    public static MockBehavior resetMidStream(int afterChunks) {
        if (afterChunks < 1) {
            throw new IllegalArgumentException("afterChunks must be >= 1: " + afterChunks);
        }
        MockBehavior b = of(Kind.RESET_MID_STREAM);
        return b.copy(b.status, null, null, null, null, afterChunks, null, null);
    }

    /**
     * Status 200 with a well-formed JSON body that lacks the fields a client needs: a chat completion with only
     * {@code id}, {@code object}, {@code created} and {@code model} (no {@code choices}, no {@code usage}), an
     * embeddings list without {@code data}, a model list without {@code data}, a model without {@code id}. For a
     * stream: one event {@code data: {"object":"chat.completion.chunk"}} (no id, model or choices), then
     * {@code data: [DONE]}.
     */
    public static MockBehavior missingFields() {
        return of(Kind.MISSING_FIELDS);
    }

    /**
     * The normal answer, trickled: status line and headers at once (with the {@code content-length} of the whole
     * body), then the body {@value #TRICKLE_PIECE_BYTES} bytes at a time with a pause of {@code interval} before each
     * piece. For a stream, each SSE event is sent after a pause of {@code interval}.
     */
    public static MockBehavior trickle(Duration interval) {
        return trickle(interval, TRICKLE_PIECE_BYTES);
    }

    /** {@link #trickle(Duration)} with pieces of {@code pieceBytes} bytes (JSON bodies only; streams go by event). */
    public static MockBehavior trickle(Duration interval, int pieceBytes) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        if (pieceBytes < 1) {
            throw new IllegalArgumentException("pieceBytes must be >= 1: " + pieceBytes);
        }
        return new MockBehavior(Kind.TRICKLE, 200, null, null, null, null, -1, null, null, Duration.ZERO, Map.of(),
                interval, pieceBytes);
    }

    /**
     * Waits {@code delay} before the status line, then answers normally: an alias of {@link #delay(Duration)} named
     * for fault matrices.
     */
    public static MockBehavior slowHeaders(Duration delay) {
        return delay(delay);
    }

    /**
     * A behaviour from its command-line spelling, as {@link MockOpenAiMain} takes it: {@code normal}, {@code hang},
     * {@code reset}, {@code reset-mid-stream[:N]} (default 1), {@code drop}, {@code drop-mid-stream[:N]} (default 1),
     * {@code malformed}, {@code missing-fields}, {@code trickle[:MS[:BYTES]]} (default 100 ms, 16 bytes),
     * {@code slow-headers:MS}, {@code status:CODE[:RETRY_AFTER_SECONDS]}, {@code stream-error[:N]} (default 1).
     *
     * @throws IllegalArgumentException if the spelling is not one of these
     */
    public static MockBehavior parse(String spec) {
        String[] p = spec.trim().split(":", -1);
        try {
            MockBehavior b = switch (p[0]) {
                case "normal" -> p.length == 1 ? normal() : null;
                case "hang" -> p.length == 1 ? hang() : null;
                case "reset", "reset-before-headers" -> p.length == 1 ? resetBeforeHeaders() : null;
                case "reset-mid-stream" -> p.length <= 2 ? resetMidStream(intPart(p, 1, 1)) : null;
                case "drop" -> p.length == 1 ? dropConnection() : null;
                case "drop-mid-stream" -> p.length <= 2 ? dropMidStream(intPart(p, 1, 1)) : null;
                case "malformed" -> p.length == 1 ? malformedBody() : null;
                case "missing-fields" -> p.length == 1 ? missingFields() : null;
                case "trickle" -> p.length <= 3 ? trickle(Duration.ofMillis(intPart(p, 1, 100)),
                        intPart(p, 2, TRICKLE_PIECE_BYTES)) : null;
                case "slow-headers", "delay" -> p.length == 2 ? delay(Duration.ofMillis(intPart(p, 1, 0))) : null;
                case "status" -> p.length == 2 ? status(intPart(p, 1, 0))
                        : p.length == 3 ? status(intPart(p, 1, 0), intPart(p, 2, 0)) : null;
                case "stream-error" -> p.length <= 2 ? streamError(intPart(p, 1, 1)) : null;
                default -> null;
            };
            if (b == null) {
                throw new IllegalArgumentException("unknown behaviour '" + spec + "'");
            }
            return b;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in behaviour '" + spec + "'", e);
        }
    }

    private static int intPart(String[] parts, int index, int absent) {
        return index < parts.length ? Integer.parseInt(parts[index]) : absent;
    }

    /** The same behaviour, applied after waiting {@code value} (on top of the server's latency). */
    public MockBehavior delayed(Duration value) {
        if (value.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + value);
        }
        return new MockBehavior(kind, status, type, message, param, code, afterChunks, text, contentType, value,
                headers, interval, pieceBytes);
    }

    /** The same behaviour with an extra response header. */
    public MockBehavior withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
        return new MockBehavior(kind, status, type, message, param, code, afterChunks, text, contentType, delay,
                Map.copyOf(h), interval, pieceBytes);
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
                newContentType, delay, headers, interval, pieceBytes);
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
        if (kind == Kind.TRICKLE) {
            sb.append(' ').append(pieceBytes).append(" bytes every ").append(interval);
        }
        if (!delay.isZero()) {
            sb.append(" delayed ").append(delay);
        }
        return sb.append(']').toString();
    }
}
