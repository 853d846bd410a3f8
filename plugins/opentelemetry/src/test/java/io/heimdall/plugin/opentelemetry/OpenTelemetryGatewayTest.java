package io.heimdall.plugin.opentelemetry;

import com.google.protobuf.ByteString;
import io.heimdall.core.Gateway;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.RecordedRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real gateway in-process with the {@code opentelemetry} plugin exporting to an in-test OTLP/HTTP receiver, a
 * failing and a healthy {@link MockOpenAiServer}, and a canary key value: checks the request span's parent (the
 * client's traceparent), the sibling attempt spans of retries and fallbacks, the GenAI attributes, the traceparent
 * each attempt sent upstream, and that the key's value is in no export.
 */
class OpenTelemetryGatewayTest {
    private static final String CANARY = "sk-canary-93be1f0c6d2a";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT_SPAN = "00f067aa0ba902b7";

    @TempDir
    Path dir;
    MockOpenAiServer flaky;
    MockOpenAiServer healthy;
    OtlpReceiver receiver;
    Gateway gateway;

    @BeforeEach
    void start() throws IOException {
        flaky = MockOpenAiServer.start();
        healthy = MockOpenAiServer.start();
        receiver = new OtlpReceiver();
    }

    private void startGateway(String endpoint, boolean captureContent) throws IOException {
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                routing:
                  retries: { max: 1, initial-backoff: 1ms, max-backoff: 1ms }
                  circuit-breaker: { enabled: false }
                providers:
                  a: { type: openai-compatible, base-url: "%s", keys: [ { name: primary, value: "%s" } ] }
                  b: { type: openai-compatible, base-url: "%s" }
                models:
                  smart: { targets: [ { model: a/gpt-4o-mini } ], fallbacks: [ b/gpt-4o ] }
                plugins:
                  - id: opentelemetry
                    config:
                      endpoint: "%s"
                      schedule-delay: 50ms
                      export-timeout: 2s
                      capture-content: %s
                      headers: { x-tenant: t1 }
                      resource-attributes: { deployment.environment: test }
                """.formatted(flaky.baseUrl(), CANARY, healthy.baseUrl(), endpoint, captureContent));
        gateway = Gateway.builder().config(config).port(0).start();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        flaky.close();
        healthy.close();
        receiver.close();
    }

    private int chat(boolean stream, Optional<String> traceparent) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(gateway.baseUrl() + "/v1/chat/completions").toURL()
                .openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("content-type", "application/json");
        traceparent.ifPresent(t -> c.setRequestProperty("traceparent", t));
        traceparent.ifPresent(t -> c.setRequestProperty("tracestate", "vendor=abc"));
        byte[] body = """
                {"model":"smart","stream":%s,"max_tokens":50,"temperature":0.3,
                 "messages":[{"role":"user","content":"tell me a secret"}]}"""
                .formatted(stream).getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            in.readAllBytes();
        }
        return status;
    }

    static String hex(ByteString b) {
        return HexFormat.of().formatHex(b.toByteArray());
    }

    static Optional<AnyValue> attr(Span s, String key) {
        return s.getAttributesList().stream().filter(kv -> kv.getKey().equals(key)).map(KeyValue::getValue)
                .findFirst();
    }

    static String str(Span s, String key) {
        return attr(s, key).map(AnyValue::getStringValue).orElse("<absent " + key + ">");
    }

    static long num(Span s, String key) {
        return attr(s, key).map(AnyValue::getIntValue).orElse(-1L);
    }

    @Test
    void requestAndAttemptSpansWithGenAiAttributesAndTraceContext() throws Exception {
        startGateway(receiver.endpoint(), false);
        flaky.enqueue(MockBehavior.status(500), MockBehavior.status(500));
        assertEquals(200, chat(false, Optional.of("00-" + TRACE_ID + "-" + PARENT_SPAN + "-01")));

        List<Span> spans = receiver.await(all -> all.size() >= 4);
        Span request = spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst()
                .orElseThrow(() -> new AssertionError("no request span in " + spans));
        assertEquals(TRACE_ID, hex(request.getTraceId()));
        assertEquals(PARENT_SPAN, hex(request.getParentSpanId()), "the client's traceparent is the parent");
        assertEquals("chat smart", request.getName());
        assertEquals("chat", str(request, "gen_ai.operation.name"));
        assertEquals("smart", str(request, "gen_ai.request.model"));
        assertEquals(50, num(request, "gen_ai.request.max_tokens"));
        assertEquals(0.3, attr(request, "gen_ai.request.temperature").orElseThrow().getDoubleValue(), 1e-9);
        assertEquals("gpt-4o", str(request, "gen_ai.response.model"));
        assertEquals("stop", attr(request, "gen_ai.response.finish_reasons").orElseThrow().getArrayValue()
                .getValues(0).getStringValue());
        assertTrue(num(request, "gen_ai.usage.input_tokens") > 0);
        assertTrue(num(request, "gen_ai.usage.output_tokens") > 0);
        assertEquals(200, num(request, "http.response.status_code"));
        assertEquals(3, num(request, "heimdall.attempts"));

        List<Span> attempts = spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT)
                .sorted((x, y) -> Long.compare(num(x, "heimdall.attempt.number"), num(y, "heimdall.attempt.number")))
                .toList();
        assertEquals(3, attempts.size(), "two attempts on a (first try and retry), one fallback on b");
        for (Span a : attempts) {
            assertEquals(TRACE_ID, hex(a.getTraceId()));
            assertEquals(hex(request.getSpanId()), hex(a.getParentSpanId()), "attempts are siblings under the request");
            assertEquals("chat", str(a, "gen_ai.operation.name"));
        }
        assertEquals("a", str(attempts.get(0), "gen_ai.provider.name"));
        assertEquals("primary", str(attempts.get(0), "heimdall.key.name"));
        assertEquals(500, num(attempts.get(0), "http.response.status_code"));
        assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR,
                attempts.get(0).getStatus().getCode());
        assertFalse(str(attempts.get(0), "error.type").startsWith("<absent"));
        assertEquals(1, num(attempts.get(1), "heimdall.attempt.retry"));
        assertEquals("b", str(attempts.get(2), "gen_ai.provider.name"));
        assertEquals("gpt-4o", str(attempts.get(2), "gen_ai.request.model"));
        assertEquals(200, num(attempts.get(2), "http.response.status_code"));
        URI upstreamB = URI.create(healthy.baseUrl());
        assertEquals(upstreamB.getHost(), str(attempts.get(2), "server.address"));
        assertEquals(upstreamB.getPort(), num(attempts.get(2), "server.port"));
        assertEquals(URI.create(flaky.baseUrl()).getPort(), num(attempts.get(0), "server.port"));

        // each attempt sent its own traceparent upstream, naming its attempt span
        List<RecordedRequest> upstream = new java.util.ArrayList<>(flaky.requests());
        upstream.addAll(healthy.requests());
        assertEquals(3, upstream.size());
        for (int i = 0; i < 3; i++) {
            assertEquals("00-" + TRACE_ID + "-" + hex(attempts.get(i).getSpanId()) + "-01",
                    upstream.get(i).header("traceparent").orElse("<none>"));
            assertEquals("vendor=abc", upstream.get(i).header("tracestate").orElse("<none>"));
        }

        var resource = receiver.resources().getFirst().getResource().getAttributesList();
        assertTrue(resource.stream().anyMatch(kv -> kv.getKey().equals("deployment.environment")
                && kv.getValue().getStringValue().equals("test")));
        assertTrue(resource.stream().anyMatch(kv -> kv.getKey().equals("service.name")
                && kv.getValue().getStringValue().equals("heimdall")));
        assertTrue(receiver.contentTypes().getFirst().startsWith("application/x-protobuf"));
        assertEquals(List.of("t1"), receiver.tenants().stream().distinct().toList(), "the configured headers");
        assertFalse(receiver.rawText().contains(CANARY), "the key's value leaked into a span");
        assertFalse(receiver.rawText().contains("tell me a secret"), "prompt text exported without capture-content");
    }

    @Test
    void aRelayedStreamStillRecordsTheResponseModelAndFinishReasons() throws Exception {
        // without capture-content the plugin needs no onResponse, so the stream is relayed untouched
        startGateway(receiver.endpoint(), false);
        assertEquals(200, chat(true, Optional.empty()));
        List<Span> spans = receiver.await(all -> all.size() >= 2);
        Span request = spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst()
                .orElseThrow();
        Span attempt = spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT).findFirst()
                .orElseThrow();
        assertEquals(str(attempt, "gen_ai.request.model"), str(request, "gen_ai.response.model"),
                "the mock answers with the model it was asked for");
        assertTrue(str(request, "gen_ai.response.id").startsWith("chatcmpl"), str(request, "gen_ai.response.id"));
        assertEquals("stop", attr(request, "gen_ai.response.finish_reasons").orElseThrow().getArrayValue()
                .getValues(0).getStringValue());
        assertTrue(num(request, "gen_ai.usage.output_tokens") > 0);
        assertTrue(attr(request, "gen_ai.output.messages").isEmpty(), "no content without capture-content");
    }

    @Test
    void streamsRecordTimeToFirstTokenAndContentOnlyWhenCaptured() throws Exception {
        startGateway(receiver.endpoint(), true);
        assertEquals(200, chat(true, Optional.empty()));
        List<Span> spans = receiver.await(all -> all.size() >= 2);
        Span request = spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER).findFirst()
                .orElseThrow();
        assertEquals(0, request.getParentSpanId().size(), "a new trace without an incoming traceparent");
        assertTrue(request.getEventsList().stream().anyMatch(e -> e.getName().equals("gen_ai.first_token")));
        assertTrue(attr(request, "gen_ai.response.time_to_first_chunk").orElseThrow().getDoubleValue() > 0);
        Span attempt = spans.stream().filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_CLIENT).findFirst()
                .orElseThrow();
        assertTrue(attempt.getEventsList().stream().anyMatch(e -> e.getName().equals("gen_ai.first_token")));
        RecordedRequest upstream = flaky.requests().getFirst();
        assertEquals("00-" + hex(attempt.getTraceId()) + "-" + hex(attempt.getSpanId()) + "-01",
                upstream.header("traceparent").orElse("<none>"), "a new trace's traceparent upstream");
        assertTrue(upstream.header("tracestate").isEmpty());
        assertTrue(str(request, "gen_ai.input.messages").contains("tell me a secret"));
        assertTrue(str(request, "gen_ai.output.messages").contains("\"role\":\"assistant\""));
    }

    @Test
    void anUnsampledParentIsFollowedUpstreamAndNothingIsExported() throws Exception {
        startGateway(receiver.endpoint(), false);
        String unsampled = "0af7651916cd43dd8448eb211c80319c";
        assertEquals(200, chat(false, Optional.of("00-" + unsampled + "-" + PARENT_SPAN + "-00")));
        String upstream = flaky.requests().getFirst().header("traceparent").orElse("<none>");
        assertTrue(upstream.startsWith("00-" + unsampled + "-") && upstream.endsWith("-00"), upstream);
        assertEquals(200, chat(false, Optional.of("00-" + TRACE_ID + "-" + PARENT_SPAN + "-01")));
        List<Span> spans = receiver.await(all -> all.stream()
                .anyMatch(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER));
        assertTrue(spans.stream().allMatch(s -> hex(s.getTraceId()).equals(TRACE_ID)), "only the sampled trace");
    }

    @Test
    void anUnreachableCollectorFailsNoRequest() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        startGateway("http://127.0.0.1:" + closed, false);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, chat(i % 2 == 0, Optional.empty()));
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        double lost = 0;
        while (lost < 10 && System.nanoTime() < deadline) { // each export gives up within export-timeout (2 s)
            Thread.sleep(100);
            lost = gateway.metrics().snapshot().stream()
                    .filter(m -> m.name().endsWith(OpenTelemetryPlugin.FAILED))
                    .flatMap(m -> m.samples().stream()).mapToDouble(s -> s.value()).sum();
        }
        assertEquals(10, lost, "the request and attempt spans of five requests are counted as lost");
    }

    @Test
    void anUnreachableHttpsCollectorFailsNoRequest() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        startGateway("https://127.0.0.1:" + closed, false); // TLS through the same Apache sender
        for (int i = 0; i < 3; i++) {
            assertEquals(200, chat(i % 2 == 0, Optional.empty()));
        }
    }
}
