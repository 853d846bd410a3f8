package io.heimdall.provider.anthropic;

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

/**
 * A minimal HTTP/1.1 server on 127.0.0.1 for mock upstreams: one request per connection (answers carry
 * {@code Connection: close}), handled on a virtual thread. The handler writes the answer with {@link Exchange}'s
 * methods, flushing as it goes, or closes the connection without one.
 */
final class LoopbackHttp implements AutoCloseable {
    /** A request as received; header names in lower case. */
    record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
    }

    /** Handles one request. */
    interface Handler {
        void handle(Request request, Exchange exchange) throws IOException;
    }

    /** Writes one answer. */
    static final class Exchange {
        private final OutputStream out;
        private boolean chunked;

        Exchange(OutputStream out) {
            this.out = out;
        }

        /** A whole answer. */
        void send(int status, Map<String, String> headers, byte[] body) throws IOException {
            StringBuilder head = head(status, headers).append("Content-Length: ").append(body.length)
                    .append("\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
        }

        /** Starts a chunked answer. */
        void begin(int status, Map<String, String> headers) throws IOException {
            chunked = true;
            out.write(head(status, headers).append("Transfer-Encoding: chunked\r\n\r\n").toString()
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** One chunk of a chunked answer, flushed. */
        void chunk(String text) throws IOException {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** Ends a chunked answer properly. */
        void end() throws IOException {
            if (chunked) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        }

        private static StringBuilder head(int status, Map<String, String> headers) {
            StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status))
                    .append("\r\n");
            headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
            return sb.append("Connection: close\r\n");
        }

        private static String reason(int status) {
            return switch (status) {
                case 200 -> "OK";
                case 400 -> "Bad Request";
                case 401 -> "Unauthorized";
                case 403 -> "Forbidden";
                case 404 -> "Not Found";
                case 413 -> "Request Entity Too Large";
                case 429 -> "Too Many Requests";
                case 500 -> "Internal Server Error";
                default -> "Status";
            };
        }
    }

    private final ServerSocket server;
    private final Handler handler;
    private final Thread acceptor;

    LoopbackHttp(Handler handler) {
        this.handler = handler;
        try {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        acceptor = Thread.ofVirtual().name("loopback-http").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
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
            InputStream in = socket.getInputStream();
            String requestLine = line(in);
            if (requestLine == null || requestLine.isEmpty()) {
                return;
            }
            String[] parts = requestLine.split(" ");
            Map<String, List<String>> headers = new LinkedHashMap<>();
            String line;
            while ((line = line(in)) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        k -> new ArrayList<>()).add(line.substring(colon + 1).strip());
            }
            byte[] body = body(in, headers);
            handler.handle(new Request(parts[0], parts[1], headers, body), new Exchange(socket.getOutputStream()));
        } catch (IOException e) {
            // the client went away
        }
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
                while (!line(in).isEmpty()) {
                    // trailers
                }
                return out.toByteArray();
            }
            out.write(in.readNBytes(size));
            line(in);
        }
    }

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

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        acceptor.interrupt();
    }
}
