package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.route.Target;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The export queue without a gateway: a stuck exporter makes the queue drop and count, never block; close flushes. */
class SpanQueueTest {
    /** An export whose first batch waits for {@link #release}; it decodes what it is given. */
    static final class StuckExporter implements SpanQueue.Export {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> exported = new CopyOnWriteArrayList<>();
        final AtomicBoolean shutDown = new AtomicBoolean();

        @Override
        public void export(List<EncodedSpans> batch) {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batch.forEach(s -> decode(s).forEach(span -> exported.add(span.getName())));
        }

        @Override
        public void close() {
            shutDown.set(true);
        }
    }

    /** A request's encoded spans as the {@code spans} of a {@code ScopeSpans} message, decoded by protobuf-java. */
    static List<Span> decode(EncodedSpans spans) {
        try {
            return ScopeSpans.parseFrom(Arrays.copyOf(spans.bytes, spans.length)).getSpansList();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private static RequestSpan span(String model) {
        return new RequestSpan(HexIds.randomId(), HexIds.randomId(), HexIds.randomId(), true,
                TraceState.getDefault(), SpanContext.getInvalid(), 1_000, "chat", "r-" + model, "anonymous", model,
                false);
    }

    @Test
    void aFullQueueDropsAndCountsAndCloseExportsTheRest() throws Exception {
        StuckExporter exporter = new StuckExporter();
        AtomicInteger dropped = new AtomicInteger();
        SpanQueue queue = new SpanQueue(exporter, 3, 1, Duration.ofMillis(10), dropped::addAndGet);
        queue.add(ended(span("first")).encode());
        assertTrue(exporter.entered.await(10, TimeUnit.SECONDS), "the first batch is exported");
        for (int i = 0; i < 5; i++) {
            queue.add(ended(span("s" + i)).encode()); // the exporter is stuck: three wait, two are dropped
        }
        assertEquals(2, dropped.get());
        exporter.release.countDown();
        queue.close();
        assertEquals(List.of("chat first", "chat s0", "chat s1", "chat s2"), exporter.exported);
        assertTrue(exporter.shutDown.get());
    }

    private static RequestSpan ended(RequestSpan span) {
        span.finish(new RequestSummary("chat", Optional.of("m"), 200, Optional.empty(), Duration.ofMillis(5),
                Optional.of("p/gpt"), 1, Optional.empty(), false, Optional.empty()));
        return span;
    }

    @Test
    void aRequestSpanIsEncodedAfterItsAttemptsWhichAreItsChildrenInOneTrace() {
        RequestSpan request = span("m");
        AttemptSpan attempt = new AttemptSpan(HexIds.randomId(), request, 2_000, "chat",
                new Target("p", "gpt", "p#0", 1, 0), 1);
        request.add(attempt);
        assertEquals(request.getTraceId(), attempt.getTraceId(), "one trace");
        assertTrue(attempt.isValid() && attempt.isSampled());
        assertEquals(TraceFlags.getSampled(), attempt.getTraceFlags());
        EncodedSpans encoded = ended(request).encode();
        assertEquals(2, encoded.count);
        List<Span> spans = decode(encoded);
        assertEquals(List.of("chat gpt", "chat m"), spans.stream().map(Span::getName).toList());
        Span a = spans.get(0);
        Span r = spans.get(1);
        assertEquals(r.getSpanId(), a.getParentSpanId(), "the attempt is the request's child");
        assertEquals(r.getTraceId(), a.getTraceId());
        assertEquals(request.getTraceId(), java.util.HexFormat.of().formatHex(r.getTraceId().toByteArray()));
        assertEquals(1_000 + 5_000_000, r.getEndTimeUnixNano());
        assertEquals(r.getEndTimeUnixNano(), a.getEndTimeUnixNano(), "an open attempt ends with the request");
        assertEquals(Span.SpanKind.SPAN_KIND_SERVER, r.getKind());
        assertEquals(Span.SpanKind.SPAN_KIND_CLIENT, a.getKind());
    }
}
