package io.heimdall.provider.openai;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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

    private final ServerSocket server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final Function<Received, Reply> handler;
    private final Thread acceptor;

    RawServer(Function<Received, Reply> handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/v1";
    }

    /** The next request received, waiting up to 5 s. */
    Received take() throws InterruptedException {
        Received r = received.poll(5, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request received");
        }
        return r;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            String requestLine = line(in);
            if (requestLine == null || requestLine.isEmpty()) {
                return;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            String h;
            while ((h = line(in)) != null && !h.isEmpty()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
            int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            String[] parts = requestLine.split(" ");
            Received r = new Received(parts[0], parts[1], headers, body);
            received.add(r);
            Reply reply = handler.apply(r);
            OutputStream out = socket.getOutputStream();
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
            out.flush();
        } catch (IOException | RuntimeException e) {
            // the client went away; nothing to report
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = buf.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buf.write(c);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
    }

    /** All requests received so far, without waiting. */
    List<Received> drain() {
        List<Received> all = new ArrayList<>();
        received.drainTo(all);
        return all;
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
    }
}
