package io.heimdall.distribution;

import static io.heimdall.distribution.HostileGateway.JSON;
import static io.heimdall.distribution.HostileGateway.TIMEOUT;
import static io.heimdall.distribution.HostileGateway.assertOpenAiError;
import static io.heimdall.distribution.HostileGateway.chatBody;
import static io.heimdall.distribution.HostileGateway.readUntil;
import static io.heimdall.distribution.HostileGateway.streamedText;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.distribution.HostileGateway.RawResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile use of the HTTP protocol against the in-process gateway ({@link HostileGateway}): odd paths and methods,
 * header injection in {@code x-request-id}, requests Helidon's parser refuses, a client vanishing in the middle of a
 * stream, and a burst of concurrent clients. Every error must be in OpenAI's shape with an {@code x-request-id}, and
 * the gateway must keep serving afterwards. Request bodies: {@link HostileInputIT}.
 */
@Timeout(60)
class HostileProtocolIT {
    @TempDir
    static Path tmp;

    static HostileGateway gw;

    @BeforeAll
    static void start() throws IOException {
        gw = HostileGateway.start(tmp);
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @AfterEach
    void stillServing() throws Exception {
        gw.assertStillServing();
    }

    // ------------------------------------------------------------------------------------------------ paths

    @Test
    void oddPathsAndMethodsGetOpenAiErrors() throws Exception {
        RawResponse put = gw.rawRequest("PUT /v1/chat/completions HTTP/1.1", chatBody("mock/echo", "x"));
        assertEquals("method_not_allowed", assertOpenAiError(put, 405, "invalid_request_error").path("code").asText());
        RawResponse get = gw.rawRequest("GET /v1/embeddings HTTP/1.1", "");
        assertOpenAiError(get, 405, "invalid_request_error");
        RawResponse unknown = gw.rawRequest("POST /v1/%0d%0ax-injected:%20yes/%3Cscript%3E HTTP/1.1", "{}");
        JsonNode error = assertOpenAiError(unknown, 404, "not_found_error");
        assertFalse(unknown.headers().containsKey("x-injected"), unknown.toString());
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
            RawResponse res = gw.rawChat("x-request-id: " + a.getValue() + "\r\n", chatBody("mock/echo", "id test"));
            assertEquals(200, res.status(), a.getKey() + ": " + res);
            String id = res.header("x-request-id").orElseThrow(() -> new AssertionError(a.getKey() + ": no id"));
            assertTrue(id.matches("req_[0-9a-f]{16,32}"), a.getKey() + ": " + id);
            assertFalse(res.headers().containsKey("x-injected"), a.getKey() + ": " + res.headers());
        }
        // A sane id is kept, up to 128 characters.
        assertEquals(Optional.of("trace-0123:abc/DEF=+@."), gw.rawChat("x-request-id: trace-0123:abc/DEF=+@.\r\n",
                chatBody("mock/echo", "x")).header("x-request-id"));
        String longest = "c".repeat(128);
        assertEquals(Optional.of(longest),
                gw.rawChat("x-request-id: " + longest + "\r\n", chatBody("mock/echo", "x")).header("x-request-id"));
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
            RawResponse res = gw.rawChat(m.getValue(), chatBody("mock/echo", "crlf"));
            assertEquals(400, res.status(), m.getKey() + ": " + res);
            assertFalse(res.headers().containsKey("x-injected"), m.getKey() + ": " + res);
            // The client's id was "abc"; a generated one is req_ + 32 hex digits (which may contain "abc" by chance).
            assertFalse(res.header("x-request-id").filter(id -> !id.matches("req_[0-9a-f]{32}")).isPresent(),
                    m.getKey() + ": the unsafe id was echoed: " + res);
        }
    }

    @Test
    void requestsRefusedByTheHttpParserGetAnOpenAiError() throws Exception {
        for (Map.Entry<String, String> m : MALFORMED_HEADERS.entrySet()) {
            RawResponse res = gw.rawChat(m.getValue(), chatBody("mock/echo", "crlf"));
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
            try (Socket socket = gw.connect()) {
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
            int stopped = gw.waitUntilStable(id, Duration.ofMillis(700), Duration.ofSeconds(8));
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
                    HttpRequest req = HttpRequest.newBuilder(URI.create(gw.base + "/v1/chat/completions"))
                            .timeout(TIMEOUT).header("content-type", "application/json")
                            .header("x-request-id", "burst-" + k)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"lagged/echo\",\"stream\":"
                                    + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}"))
                            .build();
                    HttpResponse<String> res = gw.http.send(req, HttpResponse.BodyHandlers.ofString());
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
}
