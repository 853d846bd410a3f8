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
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CORS over raw HTTP: preflights, allowed and refused origins, headers on every kind of response. */
class CorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP = "https://app.example.com";

    @TempDir
    static Path dir;
    static Gateway listed;
    static Gateway any;

    @BeforeAll
    static void start() {
        listed = TestGateways.start(dir, "listed", "{ host: 127.0.0.1, port: 0, cors: { allowed-origins: [\"" + APP
                + "\", \"https://*.tools.example.com\"], allowed-headers: [authorization, content-type, "
                + "\"x-stainless-*\"], max-age: 10m, allow-credentials: true } }");
        any = TestGateways.start(dir, "any", "{ host: 127.0.0.1, port: 0, cors: { allowed-origins: [\"*\"] } }");
    }

    @AfterAll
    static void stop() {
        listed.close();
        any.close();
    }

    private static RawHttp.Response send(Gateway gw, String request) throws Exception {
        try (RawHttp c = new RawHttp(gw.port(), Duration.ofSeconds(5))) {
            return c.send(request).read();
        }
    }

    private static String post(String origin, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return "POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nOrigin: " + origin + "\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n" + body;
    }

    private static String preflight(String origin, String method, String headers) {
        return "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nOrigin: " + origin + "\r\n"
                + "Access-Control-Request-Method: " + method + "\r\n"
                + (headers.isEmpty() ? "" : "Access-Control-Request-Headers: " + headers + "\r\n") + "\r\n";
    }

    private static String lower(RawHttp.Response res, String header) {
        return res.header(header).orElse("").toLowerCase(Locale.ROOT);
    }

    @Test
    void anAllowedPreflightIs204WithTheAllowHeaders() throws Exception {
        RawHttp.Response res = send(listed, preflight(APP, "POST",
                "authorization, content-type, x-stainless-os"));
        assertEquals(204, res.status(), res.body());
        assertEquals(APP, res.header("access-control-allow-origin").orElseThrow());
        assertTrue(lower(res, "access-control-allow-methods").contains("post"), res.headers().toString());
        assertTrue(lower(res, "access-control-allow-headers").contains("authorization"), res.headers().toString());
        assertTrue(lower(res, "access-control-allow-headers").contains("x-stainless-os"), res.headers().toString());
        assertEquals("600", res.header("access-control-max-age").orElseThrow());
        assertEquals("true", res.header("access-control-allow-credentials").orElseThrow());
        assertTrue(lower(res, "vary").contains("origin"), res.headers().toString());
        assertEquals("", res.body());
        // A wildcard subdomain entry.
        assertEquals(204, send(listed, preflight("https://a.tools.example.com", "POST", "")).status());
    }

    @Test
    void aPreflightFromAnotherOriginOrForAnotherMethodIs403() throws Exception {
        for (String request : new String[]{preflight("https://evil.example.net", "POST", ""),
                preflight("https://tools.example.com", "POST", ""),
                preflight(APP, "DELETE", ""),
                preflight(APP, "POST", "x-secret-header")}) {
            RawHttp.Response res = send(listed, request);
            assertEquals(403, res.status(), request);
            JsonNode e = JSON.readTree(res.body()).get("error");
            assertTrue(e.has("message") && e.has("type") && e.has("param") && e.has("code"), res.body());
            assertTrue(res.header("access-control-allow-origin").isEmpty(), res.headers().toString());
        }
    }

    @Test
    void responsesToAnAllowedOriginCarryTheCorsHeaders() throws Exception {
        RawHttp.Response ok = send(listed, post(APP, TestGateways.chat("alpha/ok", "hi", false)));
        assertEquals(200, ok.status(), ok.body());
        assertEquals(APP, ok.header("access-control-allow-origin").orElseThrow());
        assertTrue(lower(ok, "vary").contains("origin"));
        assertTrue(lower(ok, "access-control-expose-headers").contains("x-request-id"), ok.headers().toString());
        assertTrue(lower(ok, "access-control-expose-headers").contains("x-heimdall-provider"));

        RawHttp.Response error = send(listed, post(APP, "{not json"));
        assertEquals(400, error.status());
        assertEquals(APP, error.header("access-control-allow-origin").orElseThrow());

        RawHttp.Response notFound = send(listed, "GET /nowhere HTTP/1.1\r\nHost: gw\r\nOrigin: " + APP + "\r\n\r\n");
        assertEquals(404, notFound.status());
        assertEquals(APP, notFound.header("access-control-allow-origin").orElseThrow());

        RawHttp.Response stream = send(listed, post(APP, TestGateways.chat("alpha/ok", "hi", true)));
        assertEquals(200, stream.status());
        assertTrue(stream.body().endsWith("data: [DONE]\n\n"), stream.body());
        assertEquals(APP, stream.header("access-control-allow-origin").orElseThrow());
    }

    @Test
    void otherOriginsAndRequestsWithoutOriginGetNoCorsHeaders() throws Exception {
        RawHttp.Response other = send(listed, post("https://evil.example.net", TestGateways.chat("alpha/ok", "x",
                false)));
        assertEquals(200, other.status());
        assertTrue(other.header("access-control-allow-origin").isEmpty());
        RawHttp.Response none = send(listed, "GET /health HTTP/1.1\r\nHost: gw\r\n\r\n");
        assertTrue(none.header("access-control-allow-origin").isEmpty());
    }

    @Test
    void aWildcardOriginAnswersStar() throws Exception {
        RawHttp.Response pre = send(any, preflight("https://whatever.example.org", "POST", "content-type"));
        assertEquals(204, pre.status());
        assertEquals("*", pre.header("access-control-allow-origin").orElseThrow());
        assertTrue(pre.header("access-control-allow-credentials").isEmpty());
        RawHttp.Response ok = send(any, post("https://whatever.example.org", TestGateways.chat("alpha/ok", "x",
                false)));
        assertEquals("*", ok.header("access-control-allow-origin").orElseThrow());
    }
}
