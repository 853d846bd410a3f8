package io.heimdall.plugin.opentelemetry;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An OTLP/HTTP collector for tests: accepts {@code POST /v1/traces} in protobuf on 127.0.0.1 (ephemeral port),
 * decodes each export with the OTLP protobuf classes and keeps the spans and the raw bodies.
 */
final class OtlpReceiver implements AutoCloseable {
    private final HttpServer server;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final List<ResourceSpans> resources = new CopyOnWriteArrayList<>();
    private final List<String> rawBodies = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final List<String> tenants = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("content-type")));
                tenants.add(String.valueOf(exchange.getRequestHeaders().getFirst("x-tenant")));
                rawBodies.add(new String(body, StandardCharsets.ISO_8859_1));
                ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(body);
                for (ResourceSpans rs : req.getResourceSpansList()) {
                    resources.add(rs);
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        spans.addAll(ss.getSpansList());
                    }
                }
                exchange.getResponseHeaders().set("content-type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            } catch (RuntimeException | LinkageError e) {
                errors.add(e.toString());
                exchange.sendResponseHeaders(500, -1);
            }
        });
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Exports the receiver could not decode. */
    List<String> errors() {
        return new ArrayList<>(errors);
    }

    List<Span> spans() {
        return new ArrayList<>(spans);
    }

    List<ResourceSpans> resources() {
        return new ArrayList<>(resources);
    }

    /** Every export body as ISO-8859-1 text, for searching it for strings. */
    String rawText() {
        return String.join("\n", rawBodies);
    }

    /** The {@code x-tenant} header of each export ("null" when absent). */
    List<String> tenants() {
        return new ArrayList<>(tenants);
    }

    List<String> contentTypes() {
        return new ArrayList<>(contentTypes);
    }

    /** Waits (at most 10 s) until a span matching {@code match} arrived; returns all spans so far. */
    List<Span> await(Predicate<List<Span>> match) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (!match.test(spans()) && errors.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("the receiver failed: " + errors);
        }
        return spans();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
