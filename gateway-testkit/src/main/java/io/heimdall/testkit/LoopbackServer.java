package io.heimdall.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A bare HTTP/1.1 server on 127.0.0.1 and an ephemeral port, over plain sockets, for mock upstreams that must write
 * their answers byte for byte (native wire formats, broken responses, resets): it reads one request per connection
 * (a {@code content-length} or chunked body) on a virtual thread and hands it, with the socket, to a {@link Handler},
 * which writes whatever it wants; the connection is closed after it.
 */
public final class LoopbackServer implements AutoCloseable {
    private final ServerSocket server;
    private final Handler handler;

    /**
     * A received request.
     *
     * @param method  the HTTP method
     * @param path    the raw path with its query
     * @param headers the headers, names in lower case, values in arrival order
     * @param body    the body (chunked bodies decoded)
     */
    public record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
        /** The first value of a header (name in any case), if sent. */
        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
        }

        /** The body as UTF-8 text. */
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Answers one request; the socket is closed when it returns. */
    @FunctionalInterface
    public interface Handler {
        /** Writes the answer (or resets the connection) for {@code request}. */
        void handle(Request request, Socket socket) throws IOException;
    }

    private LoopbackServer(Handler handler) {
        this.handler = handler;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread.ofVirtual().name("loopback-server").start(this::accept);
    }

    /** Binds and starts accepting. */
    public static LoopbackServer start(Handler handler) {
        return new LoopbackServer(handler);
    }

    /** The port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** Stops accepting; connections being served finish. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private void accept() {
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
            Optional<Request> request = read(new BufferedInputStream(socket.getInputStream()));
            if (request.isPresent()) {
                handler.handle(request.get(), socket);
                socket.getOutputStream().flush();
            }
        } catch (IOException | RuntimeException e) {
            // the client went away or sent garbage: nothing to answer
        }
    }

    /** Reads one request: empty when the connection ends before a request line. */
    static Optional<Request> read(InputStream in) throws IOException {
        String requestLine = line(in);
        if (requestLine == null || requestLine.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = requestLine.split(" ");
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            headers.computeIfAbsent(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(h.substring(colon + 1).strip());
        }
        return Optional.of(new Request(parts[0], parts[1], headers, body(in, headers)));
    }

    private static byte[] body(InputStream in, Map<String, List<String>> headers) throws IOException {
        List<String> length = headers.get("content-length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length.getFirst()));
        }
        List<String> te = headers.get("transfer-encoding");
        if (te == null || !te.getFirst().equalsIgnoreCase("chunked")) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int size = Integer.parseInt(line(in).strip().split(";")[0], 16);
            if (size == 0) {
                for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                    // trailers are ignored
                }
                return out.toByteArray();
            }
            out.write(in.readNBytes(size));
            line(in);
        }
    }

    /** One line without its CR LF; null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String s = buf.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            buf.write(b);
        }
        return buf.size() == 0 ? null : buf.toString(StandardCharsets.ISO_8859_1);
    }
}
