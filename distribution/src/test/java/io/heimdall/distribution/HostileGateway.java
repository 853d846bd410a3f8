package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.core.Gateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-process gateway that {@link HostileInputIT} and {@link HostileProtocolIT} each start (plugins from the built
 * {@code target/heimdall/plugins}, {@code mock} providers only, a hook counting each stream's chunks), with the client
 * helpers they share: JSON and raw-socket requests, a minimal HTTP/1.1 response reader, and the OpenAI error shape
 * check.
 */
final class HostileGateway implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final long MAX_BODY = 2L << 20;

    final Gateway gateway;
    final String base;
    final HttpClient http;

    /** Chunks each request's stream handed to the client, by request id (a test hook sees every chunk). */
    private final Map<String, AtomicInteger> chunks;

    private HostileGateway(Gateway gateway, Map<String, AtomicInteger> chunks) {
        this.gateway = gateway;
        this.chunks = chunks;
        this.base = gateway.baseUrl();
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** Starts a gateway whose config is written into {@code tmp}; checks that every plugin loaded. */
    static HostileGateway start(Path tmp) throws IOException {
        Path dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        Path config = Files.writeString(tmp.resolve("heimdall.yaml"), """
                server: { host: 127.0.0.1, port: 0, max-body-size: 2MiB, request-timeout: 60s }
                providers:
                  mock: { type: mock }
                  slow: { type: mock, chunk-delay: 100ms }
                  lagged: { type: mock, latency: 300ms }
                models:
                  default: { targets: [ mock/echo ] }
                plugins:
                  - { id: chunk-counter }
                """);
        Map<String, AtomicInteger> chunks = new ConcurrentHashMap<>();
        Gateway gateway = Gateway.builder().config(config).pluginsDir(dist.resolve("plugins")).port(0)
                .watchConfig(false).factory(new ChunkCounterFactory(chunks))
                .start();
        HostileGateway started = new HostileGateway(gateway, chunks);
        try {
            assertEquals(List.of(), gateway.pluginFailures());
        } catch (AssertionError e) {
            started.close();
            throw e;
        }
        return started;
    }

    @Override
    public void close() {
        http.close();
        gateway.close();
    }

    /** Asserts that {@code /health} answers and a chat request still gets its echo. */
    void assertStillServing() throws Exception {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(TIMEOUT)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), "/health after the test");
        HttpResponse<String> chat = post(chatBody("mock/echo", "still here"));
        assertEquals(200, chat.statusCode(), chat.body());
        assertEquals("Echo: still here", JSON.readTree(chat.body()).at("/choices/0/message/content").asText());
    }

    /** A hook that counts the chunks of each stream, by request id. */
    private static final class ChunkCounterFactory implements PluginFactory {
        private final Map<String, AtomicInteger> chunks;

        ChunkCounterFactory(Map<String, AtomicInteger> chunks) {
            this.chunks = chunks;
        }

        @Override
        public String id() {
            return "chunk-counter";
        }

        @Override
        public Plugin create(PluginConfig config, PluginContext context) {
            Hook hook = new Hook() {
                @Override
                public HookOutcome<ChatChunk> onChunk(ChatChunk chunk, RequestContext ctx) {
                    chunks.computeIfAbsent(ctx.requestId(), k -> new AtomicInteger()).incrementAndGet();
                    return HookOutcome.proceed(chunk);
                }
            };
            return new Plugin() {
                @Override
                public java.util.Optional<Hook> hook() {
                    return java.util.Optional.of(hook);
                }
            };
        }
    }

    /** Waits until the chunk count of a request stays the same for {@code quiet}; fails after {@code max}. */
    int waitUntilStable(String requestId, Duration quiet, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        int last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int now = chunks.getOrDefault(requestId, new AtomicInteger()).get();
            if (now != last) {
                last = now;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange >= quiet.toNanos()) {
                return now;
            }
            Thread.sleep(50);
        }
        fail(requestId + ": the stream was still producing chunks " + max + " after the client left (" + last + ")");
        return last;
    }

    /** Reads until {@code marker} was seen {@code times}; returns everything read. */
    static String readUntil(InputStream in, int times, String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        while (count(seen.toString(StandardCharsets.UTF_8), marker) < times) {
            int n = in.read(buf);
            if (n < 0) {
                fail("the stream ended early: " + seen.toString(StandardCharsets.UTF_8));
            }
            seen.write(buf, 0, n);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    private static int count(String s, String marker) {
        int c = 0;
        for (int i = s.indexOf(marker); i >= 0; i = s.indexOf(marker, i + 1)) {
            c++;
        }
        return c;
    }

    /** The text of an SSE chat stream, prefixed with {@code <no [DONE]>} when it did not end with {@code [DONE]}. */
    static String streamedText(String sse) throws IOException {
        StringBuilder text = new StringBuilder();
        boolean done = false;
        for (String block : sse.split("\n\n")) {
            if (!block.startsWith("data: ")) {
                continue;
            }
            String data = block.substring(6);
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            text.append(JSON.readTree(data).at("/choices/0/delta/content").asText(""));
        }
        return done ? text.toString() : "<no [DONE]> " + text;
    }

    static String chatBody(String model, String text) throws IOException {
        return JSON.writeValueAsString(Map.of("model", model,
                "messages", List.of(Map.of("role", "user", "content", text))));
    }

    HttpResponse<String> post(String body) throws Exception {
        return post(body.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> post(byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).timeout(TIMEOUT)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts the OpenAI error shape, the status, the type and an x-request-id; returns {@code error}. */
    static JsonNode assertOpenAiError(HttpResponse<String> res, int status, String type) throws IOException {
        return assertOpenAiError(status, type, res.statusCode(), res.body(),
                res.headers().firstValue("x-request-id"), res.headers().firstValue("content-type"));
    }

    static JsonNode assertOpenAiError(RawResponse res, int status, String type) throws IOException {
        return assertOpenAiError(status, type, res.status, res.body, res.header("x-request-id"),
                res.header("content-type"));
    }

    private static JsonNode assertOpenAiError(int status, String type, int actualStatus, String body,
                                              Optional<String> requestId, Optional<String> contentType)
            throws IOException {
        assertEquals(status, actualStatus, body);
        assertTrue(contentType.orElse("").startsWith("application/json"), "content-type " + contentType);
        assertTrue(requestId.isPresent() && !requestId.get().isBlank(), "no x-request-id on " + body);
        JsonNode root = JSON.readTree(body);
        assertEquals(List.of("error"), fieldNames(root), body);
        JsonNode error = root.get("error");
        assertEquals(List.of("message", "type", "param", "code"), fieldNames(error), body);
        assertTrue(error.get("message").isTextual() && !error.get("message").asText().isBlank(), body);
        assertEquals(type, error.get("type").asText(), body);
        assertTrue(error.get("param").isNull() || error.get("param").isTextual(), body);
        assertTrue(error.get("code").isNull() || error.get("code").isTextual(), body);
        return error;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port());
        socket.setSoTimeout(15_000);
        return socket;
    }

    RawResponse rawChat(String extraHeaders, String body) throws IOException {
        return rawRequest("POST /v1/chat/completions HTTP/1.1", extraHeaders, body);
    }

    RawResponse rawRequest(String requestLine, String body) throws IOException {
        return rawRequest(requestLine, "", body);
    }

    RawResponse rawRequest(String requestLine, String extraHeaders, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Connection: close\r\n" + extraHeaders + "Content-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.write(bytes);
            out.flush();
            return RawResponse.read(socket.getInputStream());
        }
    }

    /** A minimal HTTP/1.1 response reader: status line, headers, a body by length, chunks or close. */
    record RawResponse(int status, Map<String, List<String>> headers, String body) {
        static RawResponse read(InputStream in) throws IOException {
            String statusLine;
            try {
                statusLine = line(in);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no response within the socket timeout", e);
            }
            if (statusLine == null) {
                throw new AssertionError("the connection closed without a response");
            }
            String[] parts = statusLine.split(" ", 3);
            int status = Integer.parseInt(parts[1]);
            Map<String, List<String>> headers = new LinkedHashMap<>();
            String l;
            while ((l = line(in)) != null && !l.isEmpty()) {
                int colon = l.indexOf(':');
                headers.computeIfAbsent(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(l.substring(colon + 1).strip());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (headers.containsKey("content-length")) {
                body.writeBytes(in.readNBytes(Integer.parseInt(headers.get("content-length").getFirst())));
            } else if (headers.getOrDefault("transfer-encoding", List.of()).contains("chunked")) {
                while (true) {
                    int size = Integer.parseInt(line(in).split(";")[0].strip(), 16);
                    if (size == 0) {
                        break;
                    }
                    body.writeBytes(in.readNBytes(size));
                    line(in);
                }
            } else {
                body.writeBytes(in.readAllBytes());
            }
            return new RawResponse(status, headers, body.toString(StandardCharsets.UTF_8));
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    String s = b.toString(StandardCharsets.ISO_8859_1);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                b.write(c);
            }
            return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
        }

        Optional<String> header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
        }
    }
}
