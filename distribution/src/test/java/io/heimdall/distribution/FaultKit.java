package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.core.Gateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * What the fault ITs share: starting an in-process gateway over the built plugin folders, a minimal HTTP/1.1 client
 * on raw sockets (one connection per request, so nothing is pooled behind a test's back; it records when each SSE
 * event arrived), OpenAI error-shape and canary assertions, and the process's open file descriptors.
 */
final class FaultKit {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The longest any one client call of these tests may take before the socket read gives up. */
    static final Duration READ_LIMIT = Duration.ofSeconds(30);

    private FaultKit() {
    }

    /** The built distribution folder (failsafe passes it as {@code heimdall.dist}). */
    static Path dist() {
        Path dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        assertTrue(Files.isDirectory(dist.resolve("plugins")), "no " + dist + "/plugins: run ./mvnw package first");
        return dist;
    }

    /** Starts an in-process gateway on an ephemeral port with the shipped plugins, asserting every folder loaded. */
    static Gateway gateway(Path dir, String yaml, Map<String, String> env) {
        try {
            Path config = Files.writeString(dir.resolve("heimdall.yaml"), yaml);
            Gateway gateway = Gateway.builder().config(config).pluginsDir(dist().resolve("plugins")).port(0)
                    .environment(env).watchConfig(false).start();
            assertEquals(List.of(), gateway.pluginFailures(), "plugin folders that failed");
            return gateway;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A port nothing listens on (bound, then released): connecting to it is refused. */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A chat request body; {@code stream} adds {@code "stream":true}. */
    static String chat(String model, String text, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]"
                + (stream ? ",\"stream\":true" : "") + "}";
    }

    /** One SSE {@code data:} payload and when it arrived, in milliseconds after the request was sent. */
    record Event(String data, long atMillis) {
        boolean isDone() {
            return data.equals("[DONE]");
        }

        boolean isError() {
            return data.startsWith("{\"error\"");
        }
    }

    /**
     * A response as the client saw it.
     *
     * @param status        the status code
     * @param headers       header names in lower case, values in order
     * @param body          the body as text (for a stream, the decoded bytes of every event)
     * @param events        the SSE data payloads, in order (empty for a JSON answer)
     * @param elapsedMillis from sending the request to the end of the body
     */
    record Reply(int status, Map<String, List<String>> headers, String body, List<Event> events, long elapsedMillis) {
        Optional<String> header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        /** The text of a chat answer: the message content, or the content deltas of a stream joined. */
        String text() {
            if (events.isEmpty()) {
                return json().at("/choices/0/message/content").asText();
            }
            StringBuilder sb = new StringBuilder();
            for (Event e : events) {
                if (!e.isDone() && !e.isError()) {
                    try {
                        JsonNode c = JSON.readTree(e.data()).at("/choices/0/delta/content");
                        if (c.isTextual()) {
                            sb.append(c.asText());
                        }
                    } catch (IOException x) {
                        throw new AssertionError("event is not JSON: " + e.data(), x);
                    }
                }
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return "Reply[" + status + " after " + elapsedMillis + " ms, " + headers + ", " + (body.length() > 600
                    ? body.substring(0, 600) + "..." : body) + "]";
        }
    }

    /** POSTs {@code body} to {@code path} and reads the whole answer (a stream until the server ends it). */
    static Reply post(int port, String path, String body, Map<String, String> headers) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) READ_LIMIT.toMillis());
            long start = System.nanoTime();
            send(socket, "POST", path, body, headers);
            return read(socket.getInputStream(), start);
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + path + " on port " + port, e);
        }
    }

    /** GETs {@code path}. */
    static Reply get(int port, String path) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) READ_LIMIT.toMillis());
            long start = System.nanoTime();
            send(socket, "GET", path, "", Map.of());
            return read(socket.getInputStream(), start);
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " on port " + port, e);
        }
    }

    static void send(Socket socket, String method, String path, String body, Map<String, String> headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\nConnection: close\r\n");
        if (method.equals("POST")) {
            head.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
        }
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** Reads status, headers and a content-length, chunked or close-delimited body, noting when each event came. */
    static Reply read(InputStream in, long startNanos) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("the connection closed before a status line");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(l.substring(colon + 1).trim());
        }
        EventParser parser = new EventParser(startNanos);
        List<String> te = headers.getOrDefault("transfer-encoding", List.of());
        List<String> cl = headers.getOrDefault("content-length", List.of());
        if (te.stream().anyMatch(v -> v.equalsIgnoreCase("chunked"))) {
            while (true) {
                String size = line(in);
                if (size == null) {
                    break; // cut off: the parser keeps what arrived
                }
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                parser.add(in.readNBytes(n));
                line(in);
            }
        } else if (!cl.isEmpty()) {
            parser.add(in.readNBytes(Integer.parseInt(cl.getFirst())));
        } else {
            byte[] buf = new byte[8192];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                parser.add(java.util.Arrays.copyOf(buf, n));
            }
        }
        boolean sse = headers.getOrDefault("content-type", List.of()).stream()
                .anyMatch(v -> v.startsWith("text/event-stream"));
        long elapsed = (System.nanoTime() - startNanos) / 1_000_000;
        return new Reply(status, headers, parser.text(), sse ? parser.events() : List.of(), elapsed);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** Splits a body into SSE {@code data:} payloads as its bytes arrive. */
    private static final class EventParser {
        private final long startNanos;
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private final StringBuilder pending = new StringBuilder();
        private final List<Event> events = new ArrayList<>();

        EventParser(long startNanos) {
            this.startNanos = startNanos;
        }

        void add(byte[] bytes) {
            all.writeBytes(bytes);
            pending.append(new String(bytes, StandardCharsets.UTF_8));
            long at = (System.nanoTime() - startNanos) / 1_000_000;
            for (int end = pending.indexOf("\n\n"); end >= 0; end = pending.indexOf("\n\n")) {
                String block = pending.substring(0, end);
                pending.delete(0, end + 2);
                StringBuilder data = new StringBuilder();
                for (String l : block.split("\n")) {
                    if (l.startsWith("data:")) {
                        data.append(data.isEmpty() ? "" : "\n").append(l.substring(5).strip());
                    }
                }
                if (!data.isEmpty()) {
                    events.add(new Event(data.toString(), at));
                }
            }
        }

        String text() {
            return all.toString(StandardCharsets.UTF_8);
        }

        List<Event> events() {
            return List.copyOf(events);
        }
    }

    /**
     * One keep-alive connection for many requests in a row (not thread-safe): reconnects when the server closed it,
     * so thousands of requests do not leave thousands of sockets in TIME_WAIT.
     */
    static final class KeepAlive implements AutoCloseable {
        private final int port;
        private Socket socket;
        private int served;
        private String previous = "none";

        KeepAlive(int port) {
            this.port = port;
        }

        Reply post(String path, String body, Map<String, String> headers) {
            try {
                if (socket == null) {
                    served = 0;
                    previous = "none";
                    socket = new Socket(InetAddress.getLoopbackAddress(), port);
                    socket.setSoTimeout((int) READ_LIMIT.toMillis());
                }
                long start = System.nanoTime();
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\n")
                        .append("Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ")
                        .append(bytes.length).append("\r\n");
                headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
                // Head and body in one write: with a deadline of 0.1 s, a body arriving in a later segment can find
                // the deadline passed while the gateway still reads it, and then the gateway closes the connection
                // unanswered (FaultMatrixCancelIT.aDeadlinePassingWhileTheBodyIsStillArrivingIsAnswered).
                ByteArrayOutputStream request = new ByteArrayOutputStream(512 + bytes.length);
                request.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
                request.writeBytes(bytes);
                OutputStream out = socket.getOutputStream();
                out.write(request.toByteArray());
                out.flush();
                Reply r = read(socket.getInputStream(), start);
                served++;
                previous = r.status() + " " + r.headers() + " " + (r.body().length() > 300
                        ? r.body().substring(0, 300) : r.body());
                if (r.header("connection").filter(v -> v.equalsIgnoreCase("close")).isPresent()
                        || (r.header("content-length").isEmpty() && r.header("transfer-encoding").isEmpty())) {
                    close();
                }
                return r;
            } catch (IOException e) {
                String context = "request " + (served + 1) + " on this connection (" + body + "); the previous "
                        + "answer on it: " + previous;
                close();
                throw new UncheckedIOException(context, e);
            }
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
            }
        }
    }

    /**
     * Opens a connection, sends a chat request, waits {@code giveUpAfter} and closes the socket without reading:
     * a client that gave up.
     */
    static void abandon(int port, String body, Duration giveUpAfter) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            send(socket, "POST", "/v1/chat/completions", body, Map.of());
            Thread.sleep(giveUpAfter);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the calls at once on virtual threads and returns their results in order. */
    static <T> List<T> concurrently(List<Callable<T>> calls) {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<T>> futures = pool.invokeAll(calls, READ_LIMIT.toSeconds() + 10, TimeUnit.SECONDS);
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new AssertionError(e.getCause());
        }
    }

    /**
     * Asserts an error answer in OpenAI's shape ({@code {"error":{"message","type","param","code"}}}) with this
     * status, and returns the {@code error} object.
     */
    static JsonNode assertOpenAiError(Reply reply, int status) {
        assertEquals(status, reply.status(), reply::toString);
        assertTrue(reply.header("content-type").orElse("").startsWith("application/json"), reply::toString);
        assertTrue(reply.header("x-request-id").isPresent(), "x-request-id on an error: " + reply);
        return assertErrorShape(reply.json(), reply.toString());
    }

    /** Asserts that {@code node} is {@code {"error":{...}}} with a message, a type, and param and code keys. */
    static JsonNode assertErrorShape(JsonNode node, String context) {
        JsonNode error = node.path("error");
        assertTrue(error.isObject(), "no error object: " + context);
        assertTrue(error.path("message").isTextual() && !error.path("message").asText().isBlank(), context);
        assertTrue(error.path("type").isTextual() && !error.path("type").asText().isBlank(), context);
        assertTrue(error.has("param") && error.has("code"), "param and code keys: " + context);
        return error;
    }

    /** Asserts that no canary appears in the reply's body or in any of its header names or values. */
    static void assertNoCanary(Reply reply, String... canaries) {
        for (String canary : canaries) {
            assertFalse(reply.body().contains(canary), "a secret in the body: " + reply);
            reply.headers().forEach((name, values) -> {
                assertFalse(name.contains(canary), "a secret in a header name: " + name);
                values.forEach(v -> assertFalse(v.contains(canary), "a secret in header " + name));
            });
        }
    }

    /** The number of open file descriptors of this JVM (gateway, mocks and test clients alike). */
    static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits, with a bound, until {@code condition} holds; whether it did. */
    static boolean await(BooleanSupplier condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return condition.getAsBoolean();
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return condition.getAsBoolean();
            }
        }
        return true;
    }
}
