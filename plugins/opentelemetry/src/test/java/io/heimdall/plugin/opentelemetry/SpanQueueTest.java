package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.route.Target;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collection;
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
    private static final SpanRecord.Scope SCOPE = SpanRecord.Scope.of(Resource.empty(), "test");

    /** The tests' exporters: nothing to flush; a shutdown is recorded. */
    abstract static class TestExporter implements SpanExporter {
        final AtomicBoolean shutDown = new AtomicBoolean();

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            shutDown.set(true);
            return CompletableResultCode.ofSuccess();
        }
    }

    /** An exporter whose first export waits for {@link #release}. */
    static final class StuckExporter extends TestExporter {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> exported = new CopyOnWriteArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            spans.forEach(s -> exported.add(s.getName()));
            return CompletableResultCode.ofSuccess();
        }
    }

    private RequestSpan span(String model) {
        return new RequestSpan(SCOPE, HexIds.randomId(), HexIds.randomId(), HexIds.randomId(), true,
                TraceState.getDefault(), SpanContext.getInvalid(), 1_000, "chat", "r-" + model, "anonymous", model,
                false);
    }

    @Test
    void aFullQueueDropsAndCountsAndCloseExportsTheRest() throws Exception {
        StuckExporter exporter = new StuckExporter();
        AtomicInteger dropped = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        SpanQueue queue = new SpanQueue(exporter, 3, 1, Duration.ofMillis(10), Duration.ofSeconds(1),
                dropped::addAndGet, failed::addAndGet);
        queue.add(span("first"));
        assertTrue(exporter.entered.await(10, TimeUnit.SECONDS), "the first batch is exported");
        for (int i = 0; i < 5; i++) {
            queue.add(span("s" + i)); // the exporter is stuck: three wait, two are dropped
        }
        assertEquals(2, dropped.get());
        exporter.release.countDown();
        queue.close();
        assertEquals(List.of("chat first", "chat s0", "chat s1", "chat s2"), exporter.exported);
        assertTrue(exporter.shutDown.get());
        assertEquals(0, failed.get(), "every export succeeded");
    }

    @Test
    void theSpansOfAFailedExportAreCounted() {
        AtomicInteger failed = new AtomicInteger();
        SpanExporter refusing = new TestExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> spans) {
                return CompletableResultCode.ofFailure();
            }
        };
        SpanQueue queue = new SpanQueue(refusing, 100, 10, Duration.ofMillis(10), Duration.ofSeconds(1),
                n -> { }, failed::addAndGet);
        for (int i = 0; i < 4; i++) {
            queue.add(span("f" + i));
        }
        queue.close();
        assertEquals(4, failed.get());
    }

    @Test
    void aRequestSpanCarriesItsAttemptsAndItsAttributesView() {
        RequestSpan request = span("m");
        AttemptSpan attempt = new AttemptSpan(SCOPE, HexIds.randomId(), request, 2_000, "chat",
                new Target("p", "gpt", "p#0", 1, 0), 1);
        request.add(attempt);
        assertEquals("chat m", request.getName());
        assertEquals("chat gpt", attempt.getName());
        assertEquals(request.getTraceId(), attempt.getTraceId(), "one trace");
        assertTrue(attempt.getSpanContext().isValid() && attempt.getSpanContext().isSampled());
        assertEquals(TraceFlags.getSampled(), attempt.getTraceFlags());
        request.finish(new RequestSummary("chat", Optional.of("m"), 200, Optional.empty(), Duration.ofMillis(5),
                Optional.of("p/gpt"), 1, Optional.empty(), false, Optional.empty()));
        List<SpanData> batch = new java.util.ArrayList<>();
        request.addTo(batch);
        assertEquals(List.of(attempt, request), batch);
        assertEquals(request.context(), attempt.getParentSpanContext(), "the attempt is the request's child");
        assertEquals(1_000 + 5_000_000, request.getEndEpochNanos());
        assertEquals(request.getEndEpochNanos(), attempt.getEndEpochNanos(), "an open attempt ends with the request");

        Attributes built = request.toBuilder().build();
        assertEquals(built.size(), request.size());
        assertEquals(built.asMap(), request.asMap());
        assertEquals("chat", request.get(GenAi.OPERATION));
        assertEquals(200L, request.get(GenAi.HTTP_STATUS));
        assertEquals("gpt", attempt.get(GenAi.REQUEST_MODEL));
        assertEquals(1L, attempt.get(GenAi.ATTEMPT));
    }
}
