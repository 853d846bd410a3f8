package io.heimdall.plugin.opentelemetry;

import com.sun.net.httpserver.HttpServer;
import io.heimdall.api.observe.RequestSummary;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OtlpHttpExport} sending through {@link ApacheHttpSender} to collectors on real sockets. */
class OtlpHttpExportTest {
    private static final Resource RESOURCE = Resource.getDefault().toBuilder().put("service.name", "test").build();

    private static OtlpHttpExport exporter(String base, AtomicInteger failed) {
        return new OtlpHttpExport(new TracingSettings(base + "/v1/traces", Map.of("x-tenant", "t1"), 1.0,
                "test", Map.of(), false, Duration.ofMillis(50), 100, Duration.ofSeconds(3)), RESOURCE, "test.scope",
                failed::addAndGet);
    }

    /** Exports one batch of one ended request span per model name, then closes the export. */
    private static void export(OtlpHttpExport exporter, String... models) {
        try (exporter) {
            exporter.export(batch(models));
        }
    }

    private static List<EncodedSpans> batch(String... models) {
        List<EncodedSpans> batch = new java.util.ArrayList<>();
        for (String model : models) {
            RequestSpan span = new RequestSpan(HexIds.randomId(), HexIds.randomId(), HexIds.randomId(), true,
                    TraceState.getDefault(), SpanContext.getInvalid(), 1_000, "chat", "r", "anonymous", model, false);
            span.finish(new RequestSummary("chat", Optional.of(model), 200, Optional.empty(), Duration.ofMillis(5),
                    Optional.empty(), 1, Optional.empty(), false, Optional.empty()));
            batch.add(span.encode());
        }
        return batch;
    }

    @Test
    void exportsOnOneKeptAliveConnectionWithTheConfiguredHeadersAndRetriesA503() throws Exception {
        List<String> names = new CopyOnWriteArrayList<>();
        List<ResourceSpans> resources = new CopyOnWriteArrayList<>();
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
                ExportTraceServiceRequest.parseFrom(body).getResourceSpansList().forEach(rs -> {
                    resources.add(rs);
                    rs.getScopeSpansList().forEach(ss -> ss.getSpansList().forEach(s -> names.add(s.getName())));
                });
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
        AtomicInteger failed = new AtomicInteger();
        try {
            try (var exporter = exporter("http://127.0.0.1:" + server.getAddress().getPort(), failed)) {
                exporter.export(batch("one", "two"));
                exporter.export(batch("three"));
            }
        } finally {
            server.stop(0);
        }
        assertEquals(List.of("chat one", "chat two", "chat three"), names);
        assertEquals(0, failed.get(), "the 503 was retried, not counted");
        assertEquals(3, calls.get(), "one 503 answered, then retried");
        assertEquals(1, ports.stream().distinct().count(), "one kept-alive connection: " + ports);
        assertEquals(List.of("t1", "t1"), tenants);
        assertEquals(List.of("application/x-protobuf"), types.stream().distinct().toList());
        ResourceSpans first = resources.getFirst();
        assertEquals("test.scope", first.getScopeSpans(0).getScope().getName());
        assertTrue(first.getResource().getAttributesList().stream().anyMatch(kv -> kv.getKey().equals("service.name")
                && kv.getValue().getStringValue().equals("test")), first.getResource().toString());
    }

    @Test
    void aBatchLargerThanOneSocketWriteArrivesWholeAndInOrder() throws Exception {
        List<String> models = new java.util.ArrayList<>();
        for (int i = 0; i < 600; i++) {
            models.add("model-" + i + "-" + "m".repeat(i % 7 == 0 ? 70_000 : 200)); // some larger than a write
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
        AtomicInteger failed = new AtomicInteger();
        try {
            export(exporter("http://127.0.0.1:" + server.getAddress().getPort(), failed),
                    models.toArray(String[]::new));
        } finally {
            server.stop(0);
        }
        assertEquals(0, failed.get());
        assertEquals(1, lengths.size());
        assertTrue(lengths.getFirst() > 10 * 64 * 1024, "many writes' worth: " + lengths);
        assertEquals(models.stream().map(m -> "chat " + m).toList(), names);
    }

    @Test
    void anHttpsEndpointIsSpokenToInTls() throws Exception {
        try (ServerSocket collector = new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            var exporter = exporter("https://127.0.0.1:" + collector.getLocalPort(), new AtomicInteger());
            Thread.ofVirtual().start(() -> export(exporter, "secret"));
            collector.setSoTimeout(10_000);
            try (Socket s = collector.accept(); InputStream in = s.getInputStream()) {
                s.setSoTimeout(10_000);
                assertEquals(0x16, in.read(), "a TLS handshake record opens the connection");
            }
        }
    }

    @Test
    void anUnreachableCollectorFailsTheExportWithinItsTimeoutAndCountsItsSpans() throws Exception {
        int closed;
        try (ServerSocket probe = new ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        AtomicInteger failed = new AtomicInteger();
        long start = System.nanoTime();
        export(exporter("http://127.0.0.1:" + closed, failed), "a", "b");
        assertEquals(2, failed.get(), "both spans are counted as lost");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8), "bounded by the export timeout");
    }
}
