package io.heimdall.provider.openai;

import io.heimdall.testkit.LoopbackServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A loopback HTTP/1.1 server for tests that need byte-exact control of the answer (SSE framing, a stream cut short, a
 * retry-after date): each connection gets one request, one scripted response, and is closed.
 */
final class RawServer implements AutoCloseable {
    /** A request as received; header names in lower case. */
    record Received(String method, String path, Map<String, String> headers, String body) {
    }

    /** What to write back; {@code chunks} are sent with chunked encoding, {@code abort} skips its final chunk. */
    record Reply(int status, Map<String, String> headers, List<String> chunks, boolean abort) {
        static Reply json(int status, String body) {
            return json(status, body, Map.of());
        }

        static Reply json(int status, String body, Map<String, String> headers) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put("Content-Type", "application/json");
            return new Reply(status, h, List.of(body), false);
        }

        static Reply sse(String... events) {
            return new Reply(200, Map.of("Content-Type", "text/event-stream"), List.of(events), false);
        }

        static Reply sseAborted(String... events) {
            return new Reply(200, Map.of("Content-Type", "text/event-stream"), List.of(events), true);
        }
    }

    private final LoopbackServer server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final Function<Received, Reply> handler;

    RawServer(Function<Received, Reply> handler) throws IOException {
        this.handler = handler;
        this.server = LoopbackServer.start(this::serve);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    /** The next request received, waiting up to 5 s. */
    Received take() throws InterruptedException {
        Received r = received.poll(5, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request received");
        }
        return r;
    }

    private void serve(LoopbackServer.Request request, Socket socket) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> headers.put(name, values.getLast()));
        Received r = new Received(request.method(), request.path(), headers, request.text());
        OutputStream out = socket.getOutputStream();
        received.add(r);
        Reply reply = handler.apply(r);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(reply.status()).append(" X\r\n");
        reply.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Connection: close\r\n");
        boolean chunked = reply.headers().getOrDefault("Content-Type", "").startsWith("text/event-stream");
        if (chunked) {
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            for (String chunk : reply.chunks()) {
                byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
                out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            if (!reply.abort()) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        } else {
            byte[] bytes = String.join("", reply.chunks()).getBytes(StandardCharsets.UTF_8);
            head.append("Content-Length: ").append(bytes.length).append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
        }
    }

    /** All requests received so far, without waiting. */
    List<Received> drain() {
        List<Received> all = new ArrayList<>();
        received.drainTo(all);
        return all;
    }

    @Override
    public void close() {
        server.close();
    }
}
