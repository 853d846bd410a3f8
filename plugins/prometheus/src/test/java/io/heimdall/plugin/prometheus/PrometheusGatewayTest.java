package io.heimdall.plugin.prometheus;

import io.heimdall.core.Gateway;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.Promtool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real gateway in-process on an ephemeral port with the {@code prometheus} plugin found through its
 * {@code provides}, two {@link MockOpenAiServer} upstreams (one failing on demand, one healthy as the fallback), and a
 * canary key value. Scrapes {@code /metrics} over HTTP before and after traffic and checks that requests, retries,
 * fallbacks, upstream errors, tokens and latencies moved, that Prometheus's own parser accepts the body, and that the
 * key's value appears nowhere.
 */
class PrometheusGatewayTest {
    private static final String CANARY = "sk-canary-7f3a9c1e5b2d";
    private static final String CHAT = "/v1/chat/completions";

    @TempDir
    static Path dir;
    static MockOpenAiServer flaky;
    static MockOpenAiServer healthy;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        flaky = MockOpenAiServer.start();
        healthy = MockOpenAiServer.start();
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                routing:
                  retries: { max: 1, initial-backoff: 1ms, max-backoff: 1ms }
                  circuit-breaker: { enabled: false }
                  outlier-ejection: { enabled: false }
                providers:
                  a: { type: openai-compatible, base-url: "%s", keys: [ { name: primary, value: "%s" } ] }
                  b: { type: openai-compatible, base-url: "%s" }
                models:
                  smart: { targets: [ { model: a/gpt-4o-mini } ], fallbacks: [ b/gpt-4o-mini ] }
                plugins:
                  - { id: prometheus }
                """.formatted(flaky.baseUrl(), CANARY, healthy.baseUrl()));
        gateway = Gateway.builder().config(config).port(0).start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        for (MockOpenAiServer m : new MockOpenAiServer[] {flaky, healthy}) {
            if (m != null) {
                m.close();
            }
        }
    }

    /** Status, content type and body of one exchange. */
    record Response(int status, String contentType, String body) {
    }

    static Response call(String base, String method, String path, String body, String accept) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(30_000);
        c.setRequestMethod(method);
        if (accept != null) {
            c.setRequestProperty("accept", accept);
        }
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("content-type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Response(status, String.valueOf(c.getHeaderField("content-type")), text);
        } finally {
            c.disconnect();
        }
    }

    private static Response chat(boolean stream) throws IOException {
        return call(gateway.baseUrl(), "POST", CHAT, """
                {"model":"smart","stream":%s,"messages":[{"role":"user","content":"hello there"}]}"""
                .formatted(stream), null);
    }

    private static ScrapedMetrics scrape() throws Exception {
        Response r = call(gateway.baseUrl(), "GET", "/metrics", null, null);
        assertEquals(200, r.status(), r.body());
        assertTrue(r.contentType().startsWith("text/plain; version=0.0.4"), r.contentType());
        assertFalse(r.body().contains(CANARY), "the key's value leaked into /metrics");
        Promtool.check(r.body());
        return ScrapedMetrics.parse(r.body());
    }

    @Test
    void countersMoveWithRequestsRetriesAndFallbacks() throws Exception {
        ScrapedMetrics before = scrape();
        // first attempt and its retry fail on provider a; the fallback b answers
        flaky.enqueue(MockBehavior.status(500), MockBehavior.status(500));
        assertEquals(200, chat(false).status());
        assertEquals(200, chat(true).status());
        ScrapedMetrics after = scrape();

        Map<String, String> servedByB = Map.of("model", "smart", "provider", "b", "status", "200");
        assertEquals(1, after.sum("heimdall_requests_total", Map.of("operation", "chat", "provider", "b"))
                - before.sum("heimdall_requests_total", Map.of("operation", "chat", "provider", "b")));
        assertTrue(after.sum("heimdall_requests_total", servedByB) >= 1);
        assertEquals(1, after.sum("heimdall_retries_total", Map.of("provider", "a"))
                - before.sum("heimdall_retries_total", Map.of("provider", "a")));
        assertEquals(1, after.sum("heimdall_fallbacks_total", Map.of()) - before.sum("heimdall_fallbacks_total",
                Map.of()));
        Map<String, String> err = Map.of("provider", "a", "key", "primary", "status", "500");
        assertEquals(2, after.sum("heimdall_upstream_errors_total", err)
                - before.sum("heimdall_upstream_errors_total", err));
        assertTrue(after.sum("heimdall_tokens_total", Map.of("kind", "prompt", "model", "smart"))
                > before.sum("heimdall_tokens_total", Map.of("kind", "prompt", "model", "smart")));
        assertTrue(after.sum("heimdall_time_to_first_token_seconds_count", Map.of()) >= 1);
        double ttfb = after.sum("heimdall_upstream_time_to_first_byte_seconds_count", Map.of("provider", "b"));
        assertTrue(ttfb >= 1, "upstream time to first byte observed: " + ttfb);
        assertEquals("histogram", after.type("heimdall_request_duration_seconds"));
        // buckets resolve 50 µs as well as two minutes
        assertTrue(after.has("heimdall_request_duration_seconds_bucket"));
        assertTrue(after.value("heimdall_request_duration_seconds_bucket", Map.of("operation", "chat", "le",
                "5.0E-5")) >= 0);
        assertEquals(after.value("heimdall_request_duration_seconds_count", Map.of("operation", "chat")),
                after.value("heimdall_request_duration_seconds_bucket", Map.of("operation", "chat", "le", "+Inf")));
        assertTrue(after.value("heimdall_request_duration_seconds_bucket", Map.of("operation", "chat", "le",
                "120.0")) >= 1);
        assertEquals(0, after.value("heimdall_streams_in_flight", Map.of()));
        assertTrue(after.has("jvm_memory_used_bytes"), "JVM metrics are exposed");
    }

    @Test
    void openMetricsWhenTheScraperAsksForIt() throws Exception {
        assertEquals(200, chat(false).status());
        Response r = call(gateway.baseUrl(), "GET", "/metrics", null,
                "application/openmetrics-text;version=1.0.0;q=0.9,text/plain;q=0.5");
        assertEquals(200, r.status());
        assertTrue(r.contentType().startsWith("application/openmetrics-text"), r.contentType());
        assertTrue(r.body().endsWith("# EOF\n"), "an OpenMetrics body ends with # EOF");
        assertTrue(r.body().contains("# TYPE heimdall_requests counter"), r.body());
    }
}
