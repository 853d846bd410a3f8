package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.testkit.Promtool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code bin/heimdall} with the observability plugins from their shipped folders: {@code prometheus} and
 * {@code access-log} with no config at all, and {@code opentelemetry} exporting to a minimal OTLP/HTTP receiver in
 * the test. Scrapes {@code /metrics} (checked by {@code promtool} when installed), finds the access-log line on
 * stdout, and sees a protobuf span export arrive.
 */
class ObservabilityDistributionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CANARY = "sk-canary-dist-41c9e2";
    private static Path dist;

    @TempDir
    Path tmp;
    private DistributionSmokeIT.Gateway gateway;
    private ServerSocket collector;
    private final List<String> exports = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void findDistribution() {
        dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        assertTrue(Files.isExecutable(dist.resolve("bin/heimdall")), "no " + dist.resolve("bin/heimdall"));
    }

    @AfterEach
    void stop() throws IOException {
        if (gateway != null) {
            gateway.process().destroyForcibly();
        }
        if (collector != null) {
            collector.close();
        }
    }

    /** Accepts OTLP/HTTP posts: keeps the request line, content type and body (as ISO-8859-1 text), answers 200. */
    private void startCollector() throws IOException {
        collector = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("otlp-collector").start(() -> {
            while (!collector.isClosed()) {
                try (Socket s = collector.accept()) {
                    s.setSoTimeout(5_000);
                    InputStream in = s.getInputStream();
                    String head = readHead(in);
                    int length = 0;
                    for (String line : head.split("\r\n")) {
                        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    byte[] body = in.readNBytes(length);
                    exports.add(head + "\r\n" + new String(body, StandardCharsets.ISO_8859_1));
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException | RuntimeException e) {
                    // closed, or a malformed request: the assertions below notice a missing export
                }
            }
        });
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void metricsAccessLogAndSpansFromThePackagedGateway() throws Exception {
        startCollector();
        Path config = tmp.resolve("obs.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 8080 }
                providers:
                  mock: { type: mock, keys: [ { name: canary, value: "%s" } ] }
                models:
                  default: { targets: [ { model: mock/echo } ] }
                plugins:
                  - { id: prometheus }
                  - { id: access-log }
                  - { id: opentelemetry, config: { endpoint: "http://127.0.0.1:%d", schedule-delay: 50ms } }
                """.formatted(CANARY, collector.getLocalPort()));
        gateway = DistributionSmokeIT.Gateway.start(dist, tmp, "--config", config.toString(), "--port", "0");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl()
                        + "/v1/chat/completions")).timeout(TIMEOUT).header("content-type", "application/json")
                .header("x-request-id", "obs-dist-1")
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"default","messages":[{"role":"user","content":"hello metrics"}]}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, chat.statusCode(), () -> chat.body() + gateway.output());

        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/metrics"))
                .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode(), () -> metrics.body() + gateway.output());
        assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        String body = metrics.body();
        assertTrue(body.contains("heimdall_requests_total{model=\"default\",operation=\"chat\",provider=\"mock\","
                + "status=\"200\"} 1.0"), body);
        assertTrue(body.contains("# TYPE heimdall_request_duration_seconds histogram"), body);
        assertTrue(body.contains("jvm_memory_used_bytes"), "JVM metrics in the packaged gateway: " + body);
        assertFalse(body.contains(CANARY));
        Promtool.check(body);

        JsonNode line = awaitAccessLogLine("obs-dist-1");
        assertEquals("chat", line.path("route").asText());
        assertEquals("default", line.path("model").asText());
        assertEquals("mock", line.path("provider").asText());
        assertEquals(200, line.path("status").asInt());

        long until = System.nanoTime() + TIMEOUT.toNanos();
        // spans arrive in batches: the attempt span may come in an export before the request span's
        while ((exports.isEmpty() || !String.join("\n", exports).contains("chat default"))
                && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertFalse(exports.isEmpty(), "no span export reached the collector" + gateway.output());
        String export = String.join("\n", exports);
        assertTrue(export.startsWith("POST /v1/traces "), export);
        assertTrue(export.toLowerCase(Locale.ROOT).contains("content-type: application/x-protobuf"), export);
        assertTrue(export.contains("chat default"), "the request span's name is in the export");
        assertTrue(export.contains("gen_ai.request.model"));
        assertFalse(export.contains(CANARY));
        assertFalse(gateway.output().contains(CANARY));
    }

    private JsonNode awaitAccessLogLine(String requestId) throws Exception {
        long until = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < until) {
            List<String> lines;
            synchronized (gateway.stdout()) {
                lines = List.copyOf(gateway.stdout());
            }
            for (String l : lines) {
                if (l.startsWith("{") && l.contains("\"request_id\":\"" + requestId + "\"")) {
                    return JSON.readTree(l);
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access-log line for " + requestId + gateway.output());
    }
}
