package io.heimdall.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Test helpers: a JDK HTTP client, Jackson, and a raw socket for checking what really goes over the wire. */
final class Http {
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Http() {
    }

    static HttpRequest.Builder request(MockOpenAiServer mock, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mock.port() + path))
                .timeout(Duration.ofSeconds(10));
    }

    static HttpResponse<String> post(MockOpenAiServer mock, String path, String json) {
        return send(request(mock, path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    static HttpResponse<String> get(MockOpenAiServer mock, String path) {
        return send(request(mock, path).GET().build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    /** The SSE events of a body: the {@code data:} payloads, checking the exact {@code data: ...\n\n} framing. */
    static List<String> events(String body) {
        if (!body.endsWith("\n\n")) {
            throw new AssertionError("SSE body must end with a blank line: " + body);
        }
        List<String> out = new ArrayList<>();
        for (String event : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            if (!event.startsWith("data: ") || event.indexOf('\n') >= 0) {
                throw new AssertionError("not a single-line data event: [" + event + "]");
            }
            out.add(event.substring(6));
        }
        return out;
    }

    /** A chat request body with one user message. */
    static String chat(String text, boolean stream) {
        return "{\"model\":\"gpt-4o-mini\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + quote(text) + "}]}";
    }

    static String quote(String text) {
        try {
            return MAPPER.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What a raw socket sees: the bytes until the server closed the connection (or 5 s passed).
     *
     * @param bytes  everything read, ISO-8859-1
     * @param closed whether the server closed the connection (EOF or reset) rather than the read timing out
     */
    record Raw(String bytes, boolean closed) {
    }

    /** Sends a POST with {@code Connection: close} over a raw socket and reads until the server closes. */
    static Raw rawPost(MockOpenAiServer mock, String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + mock.port() + "\r\nContent-Type: "
                + "application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", mock.port()), 5_000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    read.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                return new Raw(read.toString(StandardCharsets.ISO_8859_1), false);
            } catch (IOException reset) {
                return new Raw(read.toString(StandardCharsets.ISO_8859_1), true);
            }
            return new Raw(read.toString(StandardCharsets.ISO_8859_1), true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
