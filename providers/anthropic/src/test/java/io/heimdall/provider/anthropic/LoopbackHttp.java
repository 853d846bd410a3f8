package io.heimdall.provider.anthropic;

import io.heimdall.testkit.LoopbackServer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The testkit's {@link LoopbackServer} with an answer writer for the Anthropic mocks: one request per connection
 * (answers carry {@code Connection: close}). The handler writes the answer with {@link Exchange}'s methods, flushing
 * as it goes, or closes the connection without one.
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

    private final LoopbackServer server;

    LoopbackHttp(Handler handler) {
        server = LoopbackServer.start((r, socket) -> handler.handle(
                new Request(r.method(), r.path(), r.headers(), r.body()), new Exchange(socket.getOutputStream())));
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
