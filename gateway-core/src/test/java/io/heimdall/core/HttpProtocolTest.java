package io.heimdall.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Protocol edges over raw sockets: HTTP/1.0, malformed requests, HEAD, 405 with Allow. */
class HttpProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Gateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateways.start(dir, "protocol", "{ host: 127.0.0.1, port: 0 }");
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static RawHttp connect() throws Exception {
        return new RawHttp(gateway.port(), Duration.ofSeconds(5));
    }

    private static JsonNode openAiError(RawHttp.Response res) throws Exception {
        JsonNode e = JSON.readTree(res.body()).get("error");
        assertTrue(e != null && e.has("message") && e.has("type") && e.has("param") && e.has("code"), res.body());
        return e;
    }

    @Test
    void http10RequestsAreServedAndClosed() throws Exception {
        try (RawHttp c = connect()) {
            RawHttp.Response res = c.send("GET /health HTTP/1.0\r\n\r\n").read();
            assertEquals(200, res.status(), res.statusLine());
            assertEquals("{\"status\":\"ok\"}", res.body());
            assertTrue(res.header("transfer-encoding").isEmpty());
            assertTrue(c.closedByServer(), "HTTP/1.0 without keep-alive closes after the response");
        }
        byte[] body = TestGateways.chat("alpha/ok", "old client", false).getBytes(StandardCharsets.UTF_8);
        try (RawHttp c = connect()) {
            c.send("POST /v1/chat/completions HTTP/1.0\r\nHost: gw\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").send(body);
            RawHttp.Response res = c.read();
            assertEquals(200, res.status(), res.body());
            assertTrue(res.body().contains("alpha: old client"), res.body());
        }
    }

    @Test
    void http10KeepAliveIsHonoured() throws Exception {
        try (RawHttp c = connect()) {
            for (int i = 0; i < 2; i++) {
                RawHttp.Response res = c.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
                assertEquals(200, res.status());
                assertTrue(res.header("content-length").isPresent());
            }
        }
    }

    @Test
    void http10StreamsAreCloseDelimitedNotChunked() throws Exception {
        byte[] body = TestGateways.chat("alpha/ok", "one two three", true).getBytes(StandardCharsets.UTF_8);
        for (String connection : List.of("", "Connection: keep-alive\r\n")) {
            try (RawHttp c = connect()) {
                c.send("POST /v1/chat/completions HTTP/1.0\r\n" + connection + "Content-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").send(body);
                String raw = c.readToClose();
                int split = raw.indexOf("\r\n\r\n");
                String head = raw.substring(0, split).toLowerCase(java.util.Locale.ROOT);
                String payload = raw.substring(split + 4);
                assertTrue(head.startsWith("http/1.1 200"), head);
                assertFalse(head.contains("transfer-encoding"), head);
                assertTrue(head.contains("connection: close"), head);
                assertTrue(payload.startsWith("data: {"), payload);
                assertTrue(payload.contains("three"), payload);
                assertTrue(payload.endsWith("data: [DONE]\n\n"), payload);
            }
        }
    }

    @Test
    void malformedRequestsAre400InTheErrorShapeWithoutWarnings() throws Exception {
        try (TestGateways.LogCapture logs = new TestGateways.LogCapture()) {
            // A body shorter than its Content-Length (the client stops sending).
            try (RawHttp c = connect()) {
                c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{\"model\":");
                c.socket.shutdownOutput();
                RawHttp.Response res = c.read();
                assertEquals(400, res.status(), res.body());
                openAiError(res);
            }
            // A bad chunk size.
            try (RawHttp c = connect()) {
                RawHttp.Response res = c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n"
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
                        .read();
                assertEquals(400, res.status(), res.body());
                openAiError(res);
            }
            // A NUL byte in the method.
            try (RawHttp c = connect()) {
                RawHttp.Response res = c.send("G\0T /health HTTP/1.1\r\nHost: gw\r\n\r\n").read();
                assertEquals(400, res.status(), res.body());
                openAiError(res);
            }
            // Conflicting framing.
            try (RawHttp c = connect()) {
                RawHttp.Response res = c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n"
                        + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}").read();
                assertEquals(400, res.status(), res.body());
                openAiError(res);
            }
            assertEquals(List.of(), logs.messages());
        }
        // Still serving.
        try (RawHttp c = connect()) {
            assertEquals(200, c.send("GET /health HTTP/1.1\r\nHost: gw\r\n\r\n").read().status());
        }
    }

    @Test
    void headIsServedLikeGetWithoutABody() throws Exception {
        try (RawHttp c = connect()) {
            RawHttp.Response head = c.send("HEAD /health HTTP/1.1\r\nHost: gw\r\n\r\n").read(true);
            assertEquals(200, head.status());
            assertEquals("application/json", head.header("content-type").orElseThrow());
            // No stray body bytes: the next response on the connection parses.
            RawHttp.Response next = c.send("GET /health HTTP/1.1\r\nHost: gw\r\n\r\n").read();
            assertEquals(200, next.status());
            assertEquals("{\"status\":\"ok\"}", next.body());
            assertEquals(200, c.send("HEAD /v1/models HTTP/1.1\r\nHost: gw\r\n\r\n").read(true).status());
            assertEquals(200, c.send("GET /ready HTTP/1.1\r\nHost: gw\r\n\r\n").read().status());
        }
    }

    @Test
    void every405NamesTheAllowedMethods() throws Exception {
        record Case(String method, String path, String allow) {
        }
        List<Case> cases = List.of(new Case("GET", "/v1/chat/completions", "POST"),
                new Case("PUT", "/embeddings", "POST"),
                new Case("DELETE", "/health", "GET, HEAD"),
                new Case("POST", "/v1/models", "GET, HEAD"),
                new Case("PATCH", "/v1/models/alpha/ok", "GET, HEAD"),
                new Case("OPTIONS", "/v1/chat/completions", "POST"));
        try (RawHttp c = connect()) {
            for (Case k : cases) {
                RawHttp.Response res = c.send(k.method() + " " + k.path() + " HTTP/1.1\r\nHost: gw\r\n"
                        + "Origin: https://app.example.com\r\nAccess-Control-Request-Method: POST\r\n"
                        + "Content-Length: 0\r\n\r\n").read();
                assertEquals(405, res.status(), k + " " + res.body());
                assertEquals(k.allow(), res.header("allow").orElse("(none)"), k.toString());
                openAiError(res);
                // CORS is off by default.
                assertTrue(res.header("access-control-allow-origin").isEmpty(), k.toString());
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawHttp c = connect()) {
            c.send("GET /health HTTP/1.1\r\nHost: gw\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: gw\r\n\r\n"
                    + "\r\nGET /ready HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");
            assertEquals(200, c.read().status());
            assertEquals(404, c.read().status());
            assertEquals(200, c.read().status());
            assertTrue(c.closedByServer());
        }
    }
}
