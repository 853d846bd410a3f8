package io.heimdall.testkit.tck;

import io.heimdall.testkit.LoopbackServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The plumbing of a {@link NativeUpstream} on a raw loopback socket, so that a provider's mock only speaks its wire:
 * one request per connection ({@code connection: close}), the request line, headers (names in lower case) and a
 * {@code content-length} body read, the request {@linkplain #decode decoded} and recorded, the next queued
 * {@link Reply} (else {@code Reply.text("ok")}) {@linkplain #answer answered}. Bytes are written exactly as the
 * subclass gives them, and {@link #respond}, {@link #startSse} and {@link #write} help with the common shapes.
 */
public abstract class SocketUpstream implements NativeUpstream {
    private final LoopbackServer server;
    private final ConcurrentLinkedQueue<Reply> replies = new ConcurrentLinkedQueue<>();
    private final List<SeenRequest> seen = new CopyOnWriteArrayList<>();

    /**
     * A received request.
     *
     * @param method  the HTTP method
     * @param path    the raw path with its query
     * @param headers the headers, names in lower case
     * @param body    the body as UTF-8 text
     */
    public record Received(String method, String path, Map<String, List<String>> headers, String body) {
    }

    /** Binds an ephemeral port on the loopback address and starts accepting. */
    protected SocketUpstream() {
        server = LoopbackServer.start(this::serve);
    }

    /** {@code http://127.0.0.1:<port>}, without a path; override to add the provider's version path. */
    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public final void enqueue(Reply reply) {
        replies.add(reply);
    }

    @Override
    public final List<SeenRequest> requests() {
        return List.copyOf(seen);
    }

    @Override
    public final void reset() {
        replies.clear();
        seen.clear();
    }

    @Override
    public final void close() {
        server.close();
    }

    /** Decodes a native request into neutral terms. */
    protected abstract SeenRequest decode(Received request) throws IOException;

    /**
     * Writes the native answer to a request. {@link Reply.Drop} is handled here (a reset connection) and never
     * reaches this method.
     */
    protected abstract void answer(Received request, Reply reply, OutputStream out) throws IOException;

    /**
     * The HTTP status most providers answer a failure with: 429, 503 (overloaded), 401, 403, 400 (context too long and
     * bad request), 404, 500. A provider with its own (Anthropic's 529) maps that kind itself.
     */
    protected static int commonStatus(Reply.Kind kind) {
        return switch (kind) {
            case RATE_LIMITED -> 429;
            case OVERLOADED -> 503;
            case AUTHENTICATION -> 401;
            case PERMISSION -> 403;
            case CONTEXT_TOO_LONG, BAD_REQUEST -> 400;
            case NOT_FOUND -> 404;
            case SERVER_ERROR -> 500;
        };
    }

    /** Writes a complete JSON response with {@code content-length}; {@code extraHeaders} are whole CRLF lines. */
    protected static void respond(OutputStream out, int status, String extraHeaders, byte[] json) throws IOException {
        write(out, "HTTP/1.1 " + status + " X\r\ncontent-type: application/json\r\ncontent-length: " + json.length
                + "\r\n" + extraHeaders + "connection: close\r\n\r\n");
        out.write(json);
    }

    /** Writes the head of a 200 {@code text/event-stream} response, closed at its end. */
    protected static void startSse(OutputStream out) throws IOException {
        write(out, "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n");
    }

    /** Writes text as UTF-8 and flushes. */
    protected static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void serve(LoopbackServer.Request r, Socket socket) throws IOException {
        Received request = new Received(r.method(), r.path(), r.headers(), r.text());
        seen.add(decode(request));
        Reply reply = Optional.ofNullable(replies.poll()).orElse(Reply.text("ok"));
        if (reply instanceof Reply.Drop) {
            socket.setSoLinger(true, 0);
            return;
        }
        answer(request, reply, socket.getOutputStream());
    }
}
