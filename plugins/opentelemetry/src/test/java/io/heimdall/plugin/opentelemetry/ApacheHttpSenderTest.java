package io.heimdall.plugin.opentelemetry;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SDK's OTLP exporter sending through {@link ApacheHttpSender} to collectors on real sockets. */
class ApacheHttpSenderTest {
    private static SpanExporter exporter(String base) {
        return OpenTelemetryPlugin.exporter(new TracingSettings(base + "/v1/traces", Map.of("x-tenant", "t1"), 1.0,
                "test", Map.of(), false, Duration.ofMillis(50), 100, Duration.ofSeconds(3)));
    }

    /** Ends one span per name; a simple processor exports each as it ends. */
    private static void export(SpanExporter exporter, String... names) {
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
            for (String name : names) {
                provider.get("test").spanBuilder(name).startSpan().end();
            }
            provider.forceFlush().join(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void exportsOnOneKeptAliveConnectionWithTheConfiguredHeadersAndRetriesA503() throws Exception {
        List<String> names = new CopyOnWriteArrayList<>();
        List<Integer> ports = new CopyOnWriteArrayList<>();
        List<String> tenants = new CopyOnWriteArrayList<>();
        List<String> types = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (calls.incrementAndGet() == 1) {
                    exchange.sendResponseHeaders(503, -1); // retried by the exporter's policy
                    return;
                }
                ports.add(exchange.getRemoteAddress().getPort());
                tenants.add(String.valueOf(exchange.getRequestHeaders().getFirst("x-tenant")));
                types.add(String.valueOf(exchange.getRequestHeaders().getFirst("content-type")));
                ExportTraceServiceRequest.parseFrom(body).getResourceSpansList().forEach(rs -> rs.getScopeSpansList()
                        .forEach(ss -> ss.getSpansList().forEach(s -> names.add(s.getName()))));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        try {
            export(exporter("http://127.0.0.1:" + server.getAddress().getPort()), "one", "two", "three");
        } finally {
            server.stop(0);
        }
        assertEquals(List.of("one", "two", "three"), names);
        assertEquals(4, calls.get(), "one 503 answered, then retried");
        assertEquals(List.of("t1", "t1", "t1"), tenants);
        assertEquals(List.of("application/x-protobuf"), types.stream().distinct().toList());
        assertEquals(1, ports.stream().distinct().count(), "one kept-alive connection: " + ports);
    }

    @Test
    void aBatchLargerThanOneSocketWriteArrivesWholeAndInOrder() throws Exception {
        List<String> models = new java.util.ArrayList<>();
        List<io.opentelemetry.sdk.trace.data.SpanData> spans = new java.util.ArrayList<>();
        SpanRecord.Scope scope = SpanRecord.Scope.of(io.opentelemetry.sdk.resources.Resource.empty(), "test");
        for (int i = 0; i < 600; i++) {
            String model = "model-" + i + "-" + "m".repeat(i % 7 == 0 ? 70_000 : 200); // some larger than a write
            models.add(model);
            spans.add(new RequestSpan(scope, HexIds.randomId(), HexIds.randomId(), HexIds.randomId(), true,
                    io.opentelemetry.api.trace.TraceState.getDefault(),
                    io.opentelemetry.api.trace.SpanContext.getInvalid(), 1_000, "chat", "r", "anonymous", model,
                    false));
        }
        List<String> names = new CopyOnWriteArrayList<>();
        List<Integer> lengths = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                lengths.add(body.length);
                ExportTraceServiceRequest.parseFrom(body).getResourceSpansList().forEach(rs -> rs.getScopeSpansList()
                        .forEach(ss -> ss.getSpansList().forEach(s -> names.add(s.getName()))));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        try {
            SpanExporter exporter = exporter("http://127.0.0.1:" + server.getAddress().getPort());
            assertTrue(exporter.export(spans).join(10, TimeUnit.SECONDS).isSuccess());
            exporter.shutdown();
        } finally {
            server.stop(0);
        }
        assertEquals(1, lengths.size());
        assertTrue(lengths.getFirst() > 10 * ApacheHttpSender.WRITE_CHUNK, "many writes' worth: " + lengths);
        assertEquals(models.stream().map(m -> "chat " + m).toList(), names);
    }

    @Test
    void anHttpsEndpointIsSpokenToInTls() throws Exception {
        try (ServerSocket collector = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            var exporter = exporter("https://127.0.0.1:" + collector.getLocalPort());
            Thread.ofVirtual().start(() -> export(exporter, "secret"));
            collector.setSoTimeout(10_000);
            try (Socket s = collector.accept(); InputStream in = s.getInputStream()) {
                s.setSoTimeout(10_000);
                assertEquals(0x16, in.read(), "a TLS handshake record opens the connection");
            }
        }
    }

    @Test
    void anUnreachableCollectorFailsTheExportWithinItsTimeout() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        SpanExporter exporter = exporter("http://127.0.0.1:" + closed);
        var result = exporter.export(List.of()).join(10, TimeUnit.SECONDS);
        exporter.shutdown();
        assertTrue(result.isDone());
        assertTrue(!result.isSuccess());
    }
}
