package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DirectOtlpExporter} ({@link Http11Sender}) against collectors on real sockets. */
class Http11SenderTest {

    /** Spans made by the SDK, kept as {@link SpanData} when they end. */
    static List<SpanData> spans(int n, String name) {
        KeepSpans keep = new KeepSpans();
        try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(keep).build()) {
            for (int i = 0; i < n; i++) {
                provider.get("test").spanBuilder(name + " " + i).setAttribute(AttributeKey.longKey("i"), i)
                        .startSpan().end();
            }
        }
        return keep.spans();
    }

    static SpanExporter exporter(String endpoint, Duration timeout) {
        return new DirectOtlpExporter(URI.create(endpoint + "/v1/traces"), Map.of("x-tenant", "t1"), timeout,
                System.getLogger(Http11SenderTest.class.getName()));
    }

    static boolean export(SpanExporter exporter, List<SpanData> spans) {
        CompletableResultCode result = exporter.export(spans).join(20, TimeUnit.SECONDS);
        return result.isDone() && result.isSuccess();
    }

    @Test
    void exportsDecodableSpansToARealReceiver() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver()) {
            SpanExporter exporter = exporter(receiver.endpoint(), Duration.ofSeconds(5));
            assertTrue(export(exporter, spans(3, "first")));
            assertTrue(export(exporter, spans(700, "second")));
            exporter.shutdown().join(5, TimeUnit.SECONDS);
            assertEquals(703, receiver.spans().size());
            assertTrue(receiver.errors().isEmpty(), receiver.errors()::toString);
        }
    }

    private static List<String> names(RawCollector.Request r) throws Exception {
        List<String> names = new ArrayList<>();
        for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(r.body()).getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                ss.getSpansList().forEach(sp -> names.add(sp.getName()));
            }
        }
        return names;
    }

    @Test
    void keepsOneConnectionAliveAndSendsTheConfiguredHeaders() throws Exception {
        try (RawCollector collector = new RawCollector(n -> RawCollector.OK)) {
            SpanExporter exporter = exporter(collector.endpoint(), Duration.ofSeconds(5));
            for (int i = 0; i < 3; i++) {
                assertTrue(export(exporter, spans(2 + i, "e" + i)));
            }
            exporter.shutdown().join(5, TimeUnit.SECONDS);
            List<RawCollector.Request> requests = collector.requests();
            assertEquals(3, requests.size());
            assertEquals(1, collector.connections(), "one kept-alive connection");
            for (int i = 0; i < 3; i++) {
                RawCollector.Request r = requests.get(i);
                assertEquals("POST /v1/traces HTTP/1.1", r.head().getFirst());
                assertEquals("t1", r.header("x-tenant"));
                assertEquals("application/x-protobuf", r.header("content-type"));
                assertEquals(String.valueOf(r.body().length), r.header("content-length"));
                assertEquals(2 + i, names(r).size());
                assertEquals("e" + i + " 0", names(r).getFirst());
            }
        }
    }

    @Test
    void readsChunkedAndClosingAnswersAndReopensAConnectionTheCollectorClosed() throws Exception {
        List<String> answers = List.of(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok" + RawCollector.CLOSE,
                // closes without saying so: the next export finds the kept-alive connection closed
                RawCollector.OK + RawCollector.CLOSE,
                "HTTP/1.0 200 OK\r\n\r\n" + RawCollector.CLOSE,
                RawCollector.OK);
        try (RawCollector collector = new RawCollector(answers::get)) {
            SpanExporter exporter = exporter(collector.endpoint(), Duration.ofSeconds(5));
            for (int i = 0; i < answers.size(); i++) {
                assertTrue(export(exporter, spans(1, "e" + i)), "export " + i);
            }
            exporter.shutdown().join(5, TimeUnit.SECONDS);
            List<RawCollector.Request> requests = collector.requests();
            assertEquals(List.of(1, 1, 2, 3, 4), requests.stream().map(RawCollector.Request::connection).toList());
            for (int i = 0; i < answers.size(); i++) {
                assertEquals(List.of("e" + i + " 0"), names(requests.get(i)));
            }
        }
    }

    @Test
    void aCollectorErrorFailsTheExport() throws Exception {
        try (RawCollector collector = new RawCollector(
                n -> "HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad")) {
            SpanExporter exporter = exporter(collector.endpoint(), Duration.ofSeconds(5));
            assertFalse(export(exporter, spans(1, "e")));
            assertFalse(export(exporter, spans(1, "f")));
            exporter.shutdown().join(5, TimeUnit.SECONDS);
            assertEquals(2, collector.requests().size());
            assertEquals(1, collector.connections(), "an error answer keeps the connection");
        }
    }

    @Test
    void aCollectorThatStopsReadingOrAnsweringFailsTheExportWithinItsTimeout() throws Exception {
        try (RawCollector collector = new RawCollector(n -> RawCollector.STALL)) {
            SpanExporter exporter = exporter(collector.endpoint(), Duration.ofMillis(500));
            // small: waits for an answer that never comes; large (MBs): the write itself blocks
            for (int n : new int[] {1, 100_000}) {
                CompletableResultCode result = exporter.export(spans(n, "e")).join(20, TimeUnit.SECONDS);
                assertTrue(result.isDone(), "the export ended (" + n + " spans)");
                assertFalse(result.isSuccess());
            }
            exporter.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
