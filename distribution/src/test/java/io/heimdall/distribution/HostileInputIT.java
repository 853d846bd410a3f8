package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.Plugin;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and odd input against the in-process gateway (plugins from the built {@code target/heimdall/plugins}, the
 * {@code mock} provider only): huge, deep, broken and mistyped bodies, header injection, a client vanishing in the
 * middle of a stream, and a burst of concurrent clients. Every error must be in OpenAI's shape with an
 * {@code x-request-id}, and the gateway must keep serving afterwards.
 */
@Timeout(60)
class HostileInputIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final long MAX_BODY = 2L << 20;

    @TempDir
    static Path tmp;

    static Gateway gateway;
    static String base;
    static HttpClient http;

    /** Chunks each request's stream handed to the client, by request id (a test hook sees every chunk). */
    static final Map<String, AtomicInteger> CHUNKS = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws IOException {
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
        gateway = Gateway.builder().config(config).pluginsDir(dist.resolve("plugins")).port(0).watchConfig(false)
                .factory(new ChunkCounterFactory())
                .start();
        assertEquals(List.of(), gateway.pluginFailures());
        base = gateway.baseUrl();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @AfterEach
    void stillServing() throws Exception {
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(TIMEOUT)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), "/health after the test");
        HttpResponse<String> chat = post(chatBody("mock/echo", "still here"));
        assertEquals(200, chat.statusCode(), chat.body());
        assertEquals("Echo: still here", JSON.readTree(chat.body()).at("/choices/0/message/content").asText());
    }

    // ------------------------------------------------------------------------------------------------ bodies

    @Test
    void deeplyNestedJsonIsA400NotAStackOverflow() throws Exception {
        String deepArray = "[".repeat(100_000);
        JsonNode e1 = assertOpenAiError(post(deepArray), 400, "invalid_request_error");
        assertTrue(e1.path("message").asText().contains("nesting depth"), e1.toString());

        String deepInMessages = "{\"model\":\"mock/echo\",\"messages\":" + "[".repeat(100_000);
        JsonNode e2 = assertOpenAiError(post(deepInMessages), 400, "invalid_request_error");
        assertTrue(e2.path("message").asText().contains("nesting depth"), e2.toString());

        String deepObject = "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"metadata\":" + "{\"a\":".repeat(100_000);
        assertOpenAiError(post(deepObject), 400, "invalid_request_error");
    }

    @Test
    void twentyMegabytesWithContentLengthIs413() throws Exception {
        RawResponse res = sendHugeBody(false);
        JsonNode error = assertOpenAiError(res, 413, "invalid_request_error");
        assertEquals("request_too_large", error.path("code").asText());
        assertTrue(error.path("message").asText().contains(Long.toString(MAX_BODY)), error.toString());
    }

    @Test
    void twentyMegabytesChunkedWithoutContentLengthIs413() throws Exception {
        RawResponse res = sendHugeBody(true);
        JsonNode error = assertOpenAiError(res, 413, "invalid_request_error");
        assertEquals("request_too_large", error.path("code").asText());
    }

    /** Sends a 20 MB chat body, writing it on another thread so an early answer can be read while it is sent. */
    private static RawResponse sendHugeBody(boolean chunked) throws Exception {
        int size = 20 << 20;
        byte[] prefix = "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(
                StandardCharsets.US_ASCII);
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n")
                    + "x-request-id: huge-" + (chunked ? "chunked" : "length") + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] block = new byte[64 << 10];
                Arrays.fill(block, (byte) 'a');
                System.arraycopy(prefix, 0, block, 0, prefix.length);
                try {
                    for (int sent = 0; sent < size; sent += block.length) {
                        int n = Math.min(block.length, size - sent);
                        if (chunked) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(block, 0, n);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        Arrays.fill(block, 0, prefix.length, (byte) 'a');
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                } catch (IOException expected) {
                    // the gateway may close the connection once it has answered
                }
            });
            RawResponse res = RawResponse.read(socket.getInputStream());
            writer.join(Duration.ofSeconds(10));
            return res;
        }
    }

    @Test
    void invalidUtf8IsA400() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"bad ".getBytes(
                StandardCharsets.US_ASCII));
        body.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0,
                (byte) 0x80});
        body.writeBytes("\"}]}".getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> res = post(body.toByteArray());
        JsonNode error = assertOpenAiError(res, 400, "invalid_request_error");
        assertTrue(error.path("message").asText().toLowerCase(Locale.ROOT).contains("utf-8"), error.toString());

        // A lone continuation byte in the model name.
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        model.writeBytes("{\"model\":\"mock/echo".getBytes(StandardCharsets.US_ASCII));
        model.write(0x80);
        model.writeBytes("\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"
                .getBytes(StandardCharsets.US_ASCII));
        assertOpenAiError(post(model.toByteArray()), 400, "invalid_request_error");
    }

    @Test
    void aBodyThatIsNotAnObjectIsA400() throws Exception {
        for (String body : List.of("\"just a string\"", "42", "null", "true", "[]", "  ")) {
            HttpResponse<String> res = post(body);
            JsonNode error = assertOpenAiError(res, 400, "invalid_request_error");
            assertTrue(error.path("message").asText().contains("JSON object")
                            || error.path("message").asText().contains("empty"),
                    () -> body + " -> " + error);
        }
        HttpResponse<String> empty = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .timeout(TIMEOUT).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(empty, 400, "invalid_request_error");
    }

    @Test
    void messagesAsAnObjectIsA400NamingTheParam() throws Exception {
        HttpResponse<String> res = post("{\"model\":\"mock/echo\",\"messages\":{\"role\":\"user\",\"content\":\"x\"}}");
        JsonNode error = assertOpenAiError(res, 400, "invalid_request_error");
        assertEquals("messages", error.path("param").asText(), error.toString());

        HttpResponse<String> content = post("{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "{\"text\":\"x\"}}]}");
        assertEquals("messages[0].content", assertOpenAiError(content, 400, "invalid_request_error")
                .path("param").asText());

        HttpResponse<String> model = post("{\"model\":[\"mock/echo\"],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals("model", assertOpenAiError(model, 400, "invalid_request_error").path("param").asText());
    }

    @Test
    void contentPartOfAnUnknownTypeIsPassedThrough() throws Exception {
        String body = """
                {"model":"mock/echo","messages":[{"role":"user","content":[
                  {"type":"text","text":"look at this"},
                  {"type":"x-hologram","x-hologram":{"frames":[1,2,3],"codec":"h9"}},
                  {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
                  {"type":"text","text":"and this"}]}]}""";
        HttpResponse<String> res = post(body);
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("Echo: look at this\nand this",
                JSON.readTree(res.body()).at("/choices/0/message/content").asText());
    }

    @Test
    void aOneMegabyteMessageUnderTheLimitWorks() throws Exception {
        String text = "word ".repeat(200_000).strip();
        assertTrue(text.length() > 999_000 && text.length() < MAX_BODY);
        HttpResponse<String> res = post(chatBody("mock/echo", text));
        assertEquals(200, res.statusCode(), () -> res.body().substring(0, Math.min(500, res.body().length())));
        JsonNode node = JSON.readTree(res.body());
        assertEquals("Echo: " + text, node.at("/choices/0/message/content").asText());
        assertEquals(200_000, node.at("/usage/prompt_tokens").asLong());
    }

    @Test
    void oddPathsAndMethodsGetOpenAiErrors() throws Exception {
        RawResponse put = rawRequest("PUT /v1/chat/completions HTTP/1.1", chatBody("mock/echo", "x"));
        assertEquals("method_not_allowed", assertOpenAiError(put, 405, "invalid_request_error").path("code").asText());
        RawResponse get = rawRequest("GET /v1/embeddings HTTP/1.1", "");
        assertOpenAiError(get, 405, "invalid_request_error");
        RawResponse unknown = rawRequest("POST /v1/%0d%0ax-injected:%20yes/%3Cscript%3E HTTP/1.1", "{}");
        JsonNode error = assertOpenAiError(unknown, 404, "not_found_error");
        assertFalse(unknown.headers.containsKey("x-injected"), unknown.toString());
        assertFalse(error.path("message").asText().matches("(?s).*[\\r\\n].*"), "line breaks echoed: " + error);
    }

    // ------------------------------------------------------------------------------------------------ headers

    @Test
    void unsafeRequestIdsAreReplacedByAGeneratedOne() throws Exception {
        Map<String, String> attempts = new LinkedHashMap<>();
        attempts.put("encoded CRLF", "abc%0d%0ax-injected:%20yes");
        attempts.put("10 kB", "a".repeat(10_000));
        attempts.put("129 characters", "b".repeat(129));
        attempts.put("spaces and quotes", "abc \"def\" <script>");
        attempts.put("non-ASCII", "r\u00e9quest-\u2603");
        for (Map.Entry<String, String> a : attempts.entrySet()) {
            RawResponse res = rawChat("x-request-id: " + a.getValue() + "\r\n", chatBody("mock/echo", "id test"));
            assertEquals(200, res.status, a.getKey() + ": " + res);
            String id = res.header("x-request-id").orElseThrow(() -> new AssertionError(a.getKey() + ": no id"));
            assertTrue(id.matches("req_[0-9a-f]{16,32}"), a.getKey() + ": " + id);
            assertFalse(res.headers.containsKey("x-injected"), a.getKey() + ": " + res.headers);
        }
        // A sane id is kept, up to 128 characters.
        assertEquals(Optional.of("trace-0123:abc/DEF=+@."),
                rawChat("x-request-id: trace-0123:abc/DEF=+@.\r\n", chatBody("mock/echo", "x")).header("x-request-id"));
        String longest = "c".repeat(128);
        assertEquals(Optional.of(longest),
                rawChat("x-request-id: " + longest + "\r\n", chatBody("mock/echo", "x")).header("x-request-id"));
    }

    /** Raw CR, raw LF and obs-fold inside a header value, and a header block over Helidon's limit. */
    private static final Map<String, String> MALFORMED_HEADERS = new LinkedHashMap<>();

    static {
        MALFORMED_HEADERS.put("bare CR", "x-request-id: abc\rx-injected: yes\r\n");
        MALFORMED_HEADERS.put("bare LF", "x-request-id: abc\nx-injected: yes\r\n");
        MALFORMED_HEADERS.put("obs-fold", "x-request-id: abc\r\n x-injected: yes\r\n");
        MALFORMED_HEADERS.put("20 kB header", "x-request-id: " + "a".repeat(20_000) + "\r\n");
    }

    @Test
    void rawLineBreaksInsideARequestIdAreRefusedAndNeverInjected() throws Exception {
        for (Map.Entry<String, String> m : MALFORMED_HEADERS.entrySet()) {
            RawResponse res = rawChat(m.getValue(), chatBody("mock/echo", "crlf"));
            assertEquals(400, res.status, m.getKey() + ": " + res);
            assertFalse(res.headers.containsKey("x-injected"), m.getKey() + ": " + res);
            assertFalse(res.header("x-request-id").filter(id -> id.contains("abc") || id.contains("aaaa")).isPresent(),
                    m.getKey() + ": the unsafe id was echoed: " + res);
        }
    }

    @Test
    void requestsRefusedByTheHttpParserGetAnOpenAiError() throws Exception {
        for (Map.Entry<String, String> m : MALFORMED_HEADERS.entrySet()) {
            RawResponse res = rawChat(m.getValue(), chatBody("mock/echo", "crlf"));
            try {
                assertOpenAiError(res, 400, "invalid_request_error");
            } catch (AssertionError e) {
                throw new AssertionError(m.getKey() + ": " + res + ": " + e.getMessage(), e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ streams

    @Test
    void aClientThatDisconnectsMidStreamStopsTheStream() throws Exception {
        String words = IntStream.rangeClosed(1, 300).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        String body = "{\"model\":\"slow/echo\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                + words + "\"}]}";
        for (int round = 1; round <= 2; round++) {
            String id = "vanishing-client-" + round;
            try (Socket socket = connect()) {
                socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nx-request-id: " + id + "\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().flush();
                InputStream in = socket.getInputStream();
                String seen = readUntil(in, 3, "data: ");
                assertTrue(seen.startsWith("HTTP/1.1 200"), seen);
                if (round == 2) {
                    socket.setSoLinger(true, 0); // the second client resets the connection instead of closing it
                }
            }
            // 300 words at 100 ms each would take 30 s: the stream must stop within a few chunks of the close.
            int stopped = waitUntilStable(id, Duration.ofMillis(700), Duration.ofSeconds(8));
            System.out.printf("%s: the stream stopped after %d chunks%n", id, stopped);
            assertTrue(stopped >= 3 && stopped < 60, id + ": chunks produced after the client left: " + stopped);
        }
    }

    @Test
    void twoHundredConcurrentRequestsAllSucceed() throws Exception {
        int n = 200;
        CountDownLatch go = new CountDownLatch(1);
        long start;
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                results.add(pool.submit(() -> {
                    go.await();
                    boolean stream = k % 2 == 1;
                    String text = "client " + k + " says hi";
                    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                            .timeout(TIMEOUT).header("content-type", "application/json")
                            .header("x-request-id", "burst-" + k)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"lagged/echo\",\"stream\":"
                                    + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}"))
                            .build();
                    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
                    if (res.statusCode() != 200) {
                        return k + ": " + res.statusCode() + " " + res.body();
                    }
                    if (!res.headers().firstValue("x-request-id").equals(Optional.of("burst-" + k))) {
                        return k + ": wrong id " + res.headers().firstValue("x-request-id");
                    }
                    String content = stream ? streamedText(res.body())
                            : JSON.readTree(res.body()).at("/choices/0/message/content").asText();
                    return content.equals("Echo: " + text) ? "ok" : k + ": crossed answer '" + content + "'";
                }));
            }
            start = System.nanoTime();
            go.countDown();
            List<String> failures = new ArrayList<>();
            for (Future<String> f : results) {
                String r = f.get(45, TimeUnit.SECONDS);
                if (!r.equals("ok")) {
                    failures.add(r);
                }
            }
            assertEquals(List.of(), failures);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%d concurrent requests took %d ms%n", n, millis);
        // Each answer takes 300 ms (provider latency): in series that would be 60 s.
        assertTrue(millis < 15_000, "200 requests of 300 ms each took " + millis + " ms: not concurrent");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** A hook that counts the chunks of each stream, by request id. */
    static final class ChunkCounterFactory implements PluginFactory {
        @Override
        public String id() {
            return "chunk-counter";
        }

        @Override
        public Plugin create(PluginConfig config, PluginContext context) {
            Hook hook = new Hook() {
                @Override
                public HookOutcome<ChatChunk> onChunk(ChatChunk chunk, RequestContext ctx) {
                    CHUNKS.computeIfAbsent(ctx.requestId(), k -> new AtomicInteger()).incrementAndGet();
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

    private static int waitUntilStable(String requestId, Duration quiet, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        int last = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int now = CHUNKS.getOrDefault(requestId, new AtomicInteger()).get();
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

    private static String readUntil(InputStream in, int times, String marker) throws IOException {
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

    private static String streamedText(String sse) throws IOException {
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

    private static String chatBody(String model, String text) throws IOException {
        return JSON.writeValueAsString(Map.of("model", model,
                "messages", List.of(Map.of("role", "user", "content", text))));
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return post(body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).timeout(TIMEOUT)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Asserts the OpenAI error shape, the status, the type and an x-request-id; returns {@code error}. */
    private static JsonNode assertOpenAiError(HttpResponse<String> res, int status, String type) throws IOException {
        return assertOpenAiError(status, type, res.statusCode(), res.body(),
                res.headers().firstValue("x-request-id"), res.headers().firstValue("content-type"));
    }

    private static JsonNode assertOpenAiError(RawResponse res, int status, String type) throws IOException {
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

    private static Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port());
        socket.setSoTimeout(15_000);
        return socket;
    }

    private static RawResponse rawChat(String extraHeaders, String body) throws IOException {
        return rawRequest("POST /v1/chat/completions HTTP/1.1", extraHeaders, body);
    }

    private static RawResponse rawRequest(String requestLine, String body) throws IOException {
        return rawRequest(requestLine, "", body);
    }

    private static RawResponse rawRequest(String requestLine, String extraHeaders, String body) throws IOException {
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
