package io.heimdall.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A tiny HTTP/1.x client over a raw socket, for tests that need exact bytes and connection behaviour. */
final class RawHttp implements AutoCloseable {
    final Socket socket;
    private final InputStream in;

    /** A parsed response: status line, headers (lower-case names), body (de-chunked if chunked). */
    record Response(String statusLine, int status, Map<String, List<String>> headers, String body, boolean chunked) {
        Optional<String> header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
        }
    }

    RawHttp(int port, Duration readTimeout) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        in = new java.io.BufferedInputStream(socket.getInputStream());
    }

    RawHttp(int port) throws IOException {
        this(port, Duration.ofSeconds(10));
    }

    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads one response; {@code head} true for a response to HEAD (no body whatever the headers say). */
    Response read(boolean head) throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before a response");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String l = line(); l != null && !l.isEmpty(); l = line()) {
            int colon = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(l.substring(colon + 1).trim());
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean chunked = headers.getOrDefault("transfer-encoding", List.of()).stream()
                .anyMatch(v -> v.equalsIgnoreCase("chunked"));
        boolean noBody = head || status == 204 || status == 304 || status / 100 == 1;
        if (noBody) {
            // nothing
        } else if (chunked) {
            while (true) {
                String size = line();
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    for (String t = line(); t != null && !t.isEmpty(); t = line()) {
                        // trailers
                    }
                    break;
                }
                body.write(in.readNBytes(n));
                line();
            }
        } else if (headers.containsKey("content-length")) {
            body.write(in.readNBytes(Integer.parseInt(headers.get("content-length").getFirst())));
        } else {
            body.write(in.readAllBytes());
        }
        return new Response(statusLine, status, headers, body.toString(StandardCharsets.UTF_8), chunked);
    }

    Response read() throws IOException {
        return read(false);
    }

    /**
     * Waits until the server closes the connection, within the socket's read timeout: true if it did (end of stream or
     * reset), false if the read timed out with the connection still open. Bytes that arrive meanwhile are skipped.
     */
    boolean closedByServer() throws IOException {
        try {
            while (in.read() != -1) {
                // skip
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /** Everything the server sends until it closes (or the read timeout passes). */
    String readToClose() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != -1) {
                out.write(b);
            }
        } catch (SocketTimeoutException | SocketException e) {
            // what arrived so far
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
